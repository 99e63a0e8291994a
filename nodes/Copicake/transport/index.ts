import type {
	DeclarativeRestApiSettings,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	IWebhookFunctions,
	PostReceiveAction,
} from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import { copicakeApiError, describeFailure, isTransient } from '../helpers/errors';
import type { Rendering } from '../helpers/rendering';
import { renderingOf } from '../helpers/rendering';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY_POLICY, withRetries } from './retry';

/** The contexts that talk to Copicake: the node's per-item context and the trigger's. */
export type CopicakeContext = IExecuteSingleFunctions | IWebhookFunctions;

export const CREDENTIAL_TYPE = 'copicakeApi';

function cancelSignalOf(context: CopicakeContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

function itemIndexOf(context: CopicakeContext): number | undefined {
	return 'getItemIndex' in context ? context.getItemIndex() : undefined;
}

/** The retry policy set in the node's options (the trigger uses the default). */
export function retryPolicyOf(context: CopicakeContext): RetryPolicy {
	if (!('getItemIndex' in context)) return DEFAULT_RETRY_POLICY;
	const retries = context.getNodeParameter('options.maxRetries', DEFAULT_RETRY_POLICY.retries);
	return { ...DEFAULT_RETRY_POLICY, retries: Math.max(0, Number(retries) || 0) };
}

/** Names what a request is about, for error messages: the template or the rendering. */
function subjectOf(request: DeclarativeRestApiSettings.HttpRequestOptions | IHttpRequestOptions) {
	const body = request.body as IDataObject | undefined;
	if (body?.template_id !== undefined) return `template "${String(body.template_id)}"`;
	if (request.qs?.id !== undefined) return `rendering "${String(request.qs.id)}"`;
	if (request.qs?.file !== undefined) return 'the upload of a temporary image';
	return `request ${request.url ?? ''}`;
}

/**
 * Runs one request under the retry policy, turning its final failure into the user's error.
 * `beforeAnswer` tells whether a failure happened before Copicake answered: only those are the
 * request's to retry and translate (a later step's error is already the user's).
 */
async function withPolicy<T>(
	context: CopicakeContext,
	subject: string,
	send: () => Promise<T>,
	policy: RetryPolicy,
	beforeAnswer: () => boolean = () => true,
): Promise<T> {
	return await withRetries(send, {
		policy,
		signal: cancelSignalOf(context),
		shouldRetry: (error) => beforeAnswer() && isTransient(describeFailure(error)),
		onGiveUp: (error, attempts) =>
			beforeAnswer()
				? copicakeApiError(context.getNode(), describeFailure(error), {
						subject,
						attempts,
						itemIndex: itemIndexOf(context),
					})
				: error,
	});
}

/** The Copicake credential's data: `apiKey` and `baseUrl`. */
export type CopicakeCredentials = ICredentialDataDecryptedObject & { baseUrl?: string };

export interface CopicakeRequestOptions {
	policy?: RetryPolicy;
	/** The credential, when the caller already has it: a loop of polls reads it once. */
	credentials?: CopicakeCredentials;
}

/**
 * Sends one request to the Copicake API with the node's credential (to the credential's Base
 * URL), retrying transient failures. Every API request of the package goes through here or
 * through `sendWithRetries` below, so retries and error messages are the same everywhere.
 */
export async function copicakeRequest<T = unknown>(
	context: CopicakeContext,
	request: IHttpRequestOptions,
	{ policy = retryPolicyOf(context), credentials }: CopicakeRequestOptions = {},
): Promise<T> {
	const data = credentials ?? (await context.getCredentials<CopicakeCredentials>(CREDENTIAL_TYPE));
	const options: IHttpRequestOptions = {
		json: true,
		baseURL: String(data.baseUrl ?? '').replace(/\/+$/, ''),
		...request,
	};
	// Handing n8n the credential we hold saves it reading (and decrypting) it once more.
	const credentialsDecrypted = { id: '', name: CREDENTIAL_TYPE, type: CREDENTIAL_TYPE, data };
	const send = async () =>
		(await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, options, {
			credentialsDecrypted,
		})) as T;
	return await withPolicy(context, subjectOf(request), send, policy);
}

/**
 * Sends a request that must not carry the API key: downloading a finished image from its
 * public URL, or posting a file to the presigned upload form. Same retries and errors.
 */
export async function publicRequest<T = unknown>(
	context: IExecuteSingleFunctions,
	subject: string,
	request: IHttpRequestOptions,
): Promise<T> {
	const send = async () => (await context.helpers.httpRequest(request)) as T;
	return await withPolicy(context, subject, send, retryPolicyOf(context));
}

/** A file to send as one part of a multipart/form-data body. */
export interface FormFile {
	filename: string;
	contentType: string;
	data: Buffer;
}

/**
 * Encodes fields and then one file as multipart/form-data. Built by hand so the order (an S3
 * form post wants the file last) and the bytes are exactly what we say.
 */
export function multipartBody(fields: Record<string, string>, file: FormFile) {
	const boundary = `----n8nCopicake${randomString(24)}`;
	const part = (headers: string) => Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`);
	const chunks: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		chunks.push(part(`Content-Disposition: form-data; name="${name}"`), Buffer.from(`${value}\r\n`));
	}
	chunks.push(
		part(
			`Content-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}`,
		),
		file.data,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	);
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Wraps the request that n8n's routing engine makes for an operation, so that it gets the
 * same per-item retries and error messages as `copicakeRequest`. The routing engine offers
 * one hook around its own request, the custom "pagination" function, and that is what this
 * is (a rendering is never paginated). n8n's node-level "Retry On Fail" would instead run
 * every item again, creating every rendering twice.
 *
 * Only the request is retried: once Copicake has answered, a failure in a later step (such
 * as waiting for the rendering) must not send the create request again.
 */
export async function sendWithRetries(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	let answered = false;
	const noteAnswer: PostReceiveAction = async function (items) {
		answered = true;
		return items;
	};
	// The engine runs the steps of the item's own requestData whatever is passed to
	// makeRoutingRequest, so the marker goes first in that very list.
	requestData.postReceive.unshift({ data: { parameterValue: undefined }, actions: [noteAnswer] });
	return await withPolicy(
		this,
		subjectOf(requestData.options),
		async () => await this.makeRoutingRequest(requestData),
		retryPolicyOf(this),
		() => !answered,
	);
}

/**
 * Reads one rendering by its ID (`GET /v1/image/get`), out of Copicake's envelope: the polls
 * while waiting, and the trigger's check of a webhook call against the account (it gets the
 * fields the call lacks); `timeoutMs` bounds each attempt for a caller that someone is waiting on.
 */
export async function readRendering(
	context: CopicakeContext,
	id: string,
	{ timeoutMs, ...options }: CopicakeRequestOptions & { timeoutMs?: number } = {},
): Promise<Rendering> {
	const request: IHttpRequestOptions = { method: 'GET', url: '/v1/image/get', qs: { id } };
	if (timeoutMs) request.timeout = timeoutMs;
	return renderingOf(await copicakeRequest(context, request, options));
}
