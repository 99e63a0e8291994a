import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { describeFailure } from '../Copicake/helpers/errors';
import type { Rendering } from '../Copicake/helpers/rendering';
import { CREDENTIAL_TYPE, readRendering } from '../Copicake/transport';
import type { RetryPolicy } from '../Copicake/transport/retry';
import { outcomeOfCall, reasonToSkip, settingsOf } from './settings';

/**
 * Copicake waits on its call while the trigger reads the rendering back, so the read-back is
 * retried only briefly (under a second of pauses) and each attempt has a time limit.
 */
const READ_BACK_POLICY: Readonly<RetryPolicy> = { retries: 2, baseDelayMs: 250, maxDelayMs: 1000 };
const READ_BACK_TIMEOUT_MS = 10_000;

/**
 * Copicake's answers to the read-back that mean "no such rendering for this account": a
 * malformed ID (400), an unknown one (404), or one this API key may not read (401).
 */
const UNKNOWN_RENDERING_STATUSES = new Set([400, 401, 404]);

/** The two query parameters of Copicake's call (already decoded by n8n's query parser). */
interface RenderingCall {
	renderingId?: string;
	permanentUrl: string;
}

/** A query parameter given once; a repeated or structured one counts as absent. */
function queryValue(query: IDataObject, name: string): string | undefined {
	const value = query[name];
	return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function readCall(context: IWebhookFunctions): RenderingCall {
	const query = context.getQueryData() as IDataObject;
	return {
		renderingId: queryValue(query, 'rendering_id'),
		permanentUrl: queryValue(query, 'permanent_url') ?? '',
	};
}

/**
 * Answers Copicake at once with a small JSON body, before any execution starts. Every answer
 * is written here: for a trigger without `responseData`, n8n's own answer to a started
 * workflow is the bare text "firstEntryJson" (measured with n8n 2.41.1).
 */
function answer(context: IWebhookFunctions, status: number, body: IDataObject): void {
	const response = context.getResponseObject();
	response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
}

/** A call that cannot be trusted or used: an error status and a short reason, nothing started. */
function refuse(context: IWebhookFunctions, status: number, reason: string): IWebhookResponseData {
	answer(context, status, { error: reason });
	return { noWebhookResponse: true };
}

/** A sound call that the options filter out: 200, nothing started. */
function skip(context: IWebhookFunctions, reason: string): IWebhookResponseData {
	answer(context, 200, { received: true, skipped: reason });
	return { noWebhookResponse: true };
}

/** Starts the workflow with one item. */
function start(context: IWebhookFunctions, json: IDataObject): IWebhookResponseData {
	answer(context, 200, { received: true });
	return { noWebhookResponse: true, workflowData: [[{ json }]] };
}

function assertCredentialSet(context: IWebhookFunctions): void {
	if (context.getNode().credentials?.[CREDENTIAL_TYPE]) return;
	throw new NodeOperationError(context.getNode(), 'No Copicake credential is set, so the call cannot be verified', {
		description:
			'Select a Copicake API credential in the trigger, or turn off "Verify and Fetch the Rendering" in its options (the output then holds only the two unchecked values of the call).',
	});
}

/**
 * Reads the called rendering back with the credential: the rendering, or undefined when
 * Copicake does not know it for this account. Any other failure (a Copicake fault that
 * outlasted the retries, no answer at all) is thrown: n8n then answers 500 and records a
 * failed execution that names the rendering. Copicake never calls twice, so this keeps a
 * genuine event from vanishing without a trace, while nothing unverified reaches the workflow.
 */
async function verifiedRendering(context: IWebhookFunctions, id: string): Promise<Rendering | undefined> {
	assertCredentialSet(context);
	try {
		return await readRendering(context, id, { policy: READ_BACK_POLICY, timeoutMs: READ_BACK_TIMEOUT_MS });
	} catch (error) {
		const { status } = describeFailure(error);
		if (status !== undefined && UNKNOWN_RENDERING_STATUSES.has(status)) {
			// Also what a wrong API key looks like: say so where the owner can see it.
			if (status === 401) {
				context.logger.warn(
					"Copicake Trigger refused a call: Copicake answered 401 to the read-back. If the call was genuine, check the API key of the trigger's Copicake credential.",
					{ renderingId: id, node: context.getNode().name },
				);
			}
			return undefined;
		}
		throw new NodeOperationError(context.getNode(), error as Error, {
			message: `The workflow did not run for rendering "${id}": Copicake could not be asked whether the call is genuine`,
			description: `${(error as Error).message}. Copicake calls a webhook only once, so this event will not come again: once Copicake answers, read the rendering with the Copicake node (Get, Rendering ID "${id}").`,
		});
	}
}

/**
 * Handles one call of Copicake's webhook: `?rendering_id=...&permanent_url=...`, nothing else
 * and no signature, so only the ID is used, and only once Copicake confirms it.
 */
export async function receiveRenderingCall(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const call = readCall(context);
	if (!call.renderingId) return refuse(context, 400, 'Expected one rendering_id in the query');
	const settings = settingsOf(context);

	if (!settings.verify) {
		if (!settings.statuses.includes(outcomeOfCall(call.permanentUrl))) return skip(context, 'Status not selected');
		return start(context, { rendering_id: call.renderingId, permanent_url: call.permanentUrl });
	}

	const rendering = await verifiedRendering(context, call.renderingId);
	if (!rendering) return refuse(context, 404, 'Unknown rendering');
	const reason = reasonToSkip(rendering, settings);
	return reason ? skip(context, reason) : start(context, rendering);
}
