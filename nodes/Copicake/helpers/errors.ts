import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** What went wrong with one request to Copicake, reduced to the facts the user needs. */
export interface RequestFailure {
	/** The HTTP status, when Copicake answered at all. */
	status?: number;
	/** Copicake's own `error` text from its `{ error, data }` envelope. */
	apiMessage?: string;
	/** The network error code (ECONNRESET, ETIMEDOUT, ...), when there was no answer. */
	networkCode?: string;
}

/** What the failed request was about, so that messages can name it. */
export interface RequestSubject {
	/** e.g. `template "abc123"` or `rendering "xyz"`. */
	subject: string;
	/** How many attempts were made before giving up. */
	attempts: number;
	itemIndex?: number;
}

const NETWORK_CODES = new Set([
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/**
 * Reads a failure out of whatever n8n's request helpers threw: a NodeApiError wrapping an
 * axios error (status and response body in its context) or a bare network error.
 */
export function describeFailure(error: unknown): RequestFailure {
	const failure: RequestFailure = {};
	const candidate = error as {
		httpCode?: string | null;
		context?: { data?: { error?: unknown } };
		cause?: { code?: string; response?: { status?: number; data?: { error?: unknown } } };
		code?: string;
		response?: { status?: number; data?: { error?: unknown } };
	};
	const status =
		Number(candidate?.httpCode) ||
		candidate?.cause?.response?.status ||
		candidate?.response?.status ||
		undefined;
	if (status) failure.status = status;
	const envelopeError =
		candidate?.context?.data?.error ??
		candidate?.cause?.response?.data?.error ??
		candidate?.response?.data?.error;
	if (typeof envelopeError === 'string' && envelopeError) failure.apiMessage = envelopeError;
	const code = candidate?.cause?.code ?? candidate?.code;
	if (!status && typeof code === 'string') failure.networkCode = code;
	return failure;
}

/** Whether a failure is worth another attempt: Copicake faults, timeouts and dropped connections. */
export function isTransient(failure: RequestFailure): boolean {
	if (failure.status !== undefined) return TRANSIENT_STATUSES.has(failure.status);
	return failure.networkCode !== undefined && NETWORK_CODES.has(failure.networkCode);
}

function networkProblem(code: string | undefined): string {
	if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was dropped';
	if (code && /TIMEDOUT|ABORTED/.test(code)) return 'no answer in time';
	return 'no answer';
}

function attemptsNote(attempts: number): string {
	return attempts > 1 ? `, after ${attempts} attempts` : '';
}

function explain(failure: RequestFailure, { subject, attempts }: RequestSubject) {
	// The status with Copicake's own words, e.g. "401 Unauthorized".
	const answer = [failure.status, failure.apiMessage].filter(Boolean).join(' ');
	switch (failure.status) {
		case 400:
			return {
				message: `Copicake rejected the request for ${subject} as invalid (${answer})`,
				description:
					'Check the template ID and the changes: every change needs the name of an element of the template, and colours are hex strings such as #ff0000.',
			};
		case 401:
			return {
				message: `Copicake refused the request for ${subject} (${answer}): wrong API key, or the ${subject} belongs to another account`,
				description:
					'Check the API key in the Copicake credential, and that the ID belongs to the account of that key.',
			};
		case 404:
			return {
				message: `Copicake has no ${subject} (${answer})`,
				description: 'Check the ID: copy it from the Copicake dashboard or from an earlier rendering.',
			};
		case 429:
			return {
				message: `Your Copicake rendering quota is used up (${answer})`,
				description:
					'Copicake renders no more images on this account until the quota renews or the plan is upgraded (see the Copicake dashboard). Retrying now will not help.',
			};
		case undefined:
			// The code goes in the description only: n8n replaces any message naming one with its own text.
			return {
				message: `Could not reach Copicake for ${subject}: ${networkProblem(failure.networkCode)}${attemptsNote(attempts)}`,
				description: `Network error ${failure.networkCode ?? 'without a code'}. Check the Base URL of the Copicake credential and the network, or try again later.`,
			};
		default:
			if (failure.status >= 500) {
				return {
					message: `Copicake failed with an internal error for ${subject} (${answer}${attemptsNote(attempts)})`,
					description: 'This is a fault at Copicake, not in your data: try again later.',
				};
			}
			return {
				message: `Copicake answered ${answer} for ${subject}`,
				description: 'See the Copicake API documentation for this status.',
			};
	}
}

/**
 * The one place where a failed Copicake request becomes the error the user sees. It is built
 * from the reduced failure only, so no request headers (and so no API key) travel with it.
 */
export function copicakeApiError(
	node: INode,
	failure: RequestFailure,
	about: RequestSubject,
): NodeApiError {
	const { message, description } = explain(failure, about);
	const response: JsonObject = { error: failure.apiMessage ?? null };
	return new NodeApiError(node, response, {
		message,
		description,
		httpCode: failure.status ? String(failure.status) : undefined,
		itemIndex: about.itemIndex,
	});
}
