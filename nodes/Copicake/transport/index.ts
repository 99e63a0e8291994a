import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	IWebhookFunctions,
	PostReceiveAction,
} from 'n8n-workflow';

import { copicakeApiError, describeFailure, isTransient } from '../helpers/errors';
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
	return `request ${request.url ?? ''}`;
}

/**
 * Sends one request to Copicake with the node's credential (to the credential's Base URL),
 * retrying transient failures. Every request of the package goes through here or through
 * `sendWithRetries` below, so retries and error messages are the same everywhere.
 */
export async function copicakeRequest<T = unknown>(
	context: CopicakeContext,
	request: IHttpRequestOptions,
	policy: RetryPolicy = retryPolicyOf(context),
): Promise<T> {
	const { baseUrl } = await context.getCredentials<{ baseUrl: string }>(CREDENTIAL_TYPE);
	const options: IHttpRequestOptions = {
		json: true,
		baseURL: String(baseUrl ?? '').replace(/\/+$/, ''),
		...request,
	};
	return await withRetries(
		async () =>
			(await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				options,
			)) as T,
		{
			policy,
			signal: cancelSignalOf(context),
			shouldRetry: (error) => isTransient(describeFailure(error)),
			onGiveUp: (error, attempts) =>
				copicakeApiError(context.getNode(), describeFailure(error), {
					subject: subjectOf(request),
					attempts,
					itemIndex: itemIndexOf(context),
				}),
		},
	);
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
	const withAnswerNoted = {
		...requestData,
		postReceive: [{ data: { parameterValue: undefined }, actions: [noteAnswer] }, ...requestData.postReceive],
	};
	return await withRetries(async () => await this.makeRoutingRequest(withAnswerNoted), {
		policy: retryPolicyOf(this),
		signal: this.getExecutionCancelSignal(),
		shouldRetry: (error) => !answered && isTransient(describeFailure(error)),
		onGiveUp: (error, attempts) =>
			answered
				? error
				: copicakeApiError(this.getNode(), describeFailure(error), {
						subject: subjectOf(requestData.options),
						attempts,
						itemIndex: this.getItemIndex(),
					}),
	});
}
