/**
 * Serves a trigger node's webhook over real HTTP the way an n8n server does, minus the
 * server, so that the fake Copicake (or a test) can call it like Copicake calls n8n.
 *
 * What is n8n's own: the node class (loaded by n8n-core's package loader, see n8n-engine.ts),
 * the webhook path (n8n-workflow's `getNodeWebhookPath`), the contexts the node runs in
 * (n8n-core's `WebhookContext` for calls, `HookContext` for the lifecycle methods), the
 * credentials step (the engine's credentials helper) and the query parser (`qs`, as n8n's
 * Express app sets it: "extended"). What is rebuilt here, following n8n 2.41.1's
 * `packages/cli/src/webhooks/webhook-helpers.ts` (`executeWebhook`) and `webhook.service.ts`
 * (`runWebhook`), is only the routing and the turning of the node's result into an answer and
 * an execution:
 * - the node threw: n8n answers 500 with a generic message and records a failed execution;
 * - `noWebhookResponse`: the node answered itself; n8n sends nothing more;
 * - no `workflowData`: nothing starts; n8n answers `webhookResponse` (or its own message);
 * - `workflowData`: an execution starts with those items as the trigger's output; in the
 *   "onReceived" mode n8n answers the `responseData` setting or else `webhookResponse`.
 * An execution is recorded here with the items it would start with; it is not run further.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, HookContext, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { additionalDataFor, CREDENTIAL_TYPE, nodeType, nodeTypes, TRIGGER_TYPE } from './n8n-engine';
import { waitUntil } from './wait-until';

// n8n's Express app parses queries with qs ("extended": `allowPrototypes`, as Express 5 does).
// qs comes with n8n-core, without type declarations.
const qs = require('qs') as { parse: (query: string, options: object) => IDataObject };

export const TRIGGER_NODE_NAME = 'Copicake Trigger';
export const WEBHOOK_ID = '6f0c2a8e-3b1d-4c5e-9f7a-2d4b6c8e0a1f';
const WORKFLOW_ID = 'trigger-workflow';

/** What n8n answers when a webhook method throws (the details go to the execution only). */
export const N8N_WEBHOOK_ERROR = { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' };

/** An execution the call started: the trigger's output items, or the error of a failed one. */
export interface StartedExecution {
	items?: INodeExecutionData[];
	error?: Error & { description?: string };
}

export interface TriggerServer {
	/** The production URL, as the node panel shows it: `<base>/webhook/<webhookId>/copicake`. */
	url: string;
	/** Executions started by calls, in order. */
	executions: StartedExecution[];
	/** The webhook lifecycle methods n8n called (activation, then deactivation by `stop`). */
	lifecycle: string[];
	/** Resolves once `count` executions have started; rejects after `timeoutMs`. */
	waitForExecutions(count: number, timeoutMs?: number): Promise<StartedExecution[]>;
	stop(): Promise<void>;
}

export interface TriggerOptions {
	parameters?: INodeParameters;
	/** The credential's data, `{ apiKey, baseUrl }`; leave out for a node without credential. */
	credentials?: ICredentialDataDecryptedObject;
}

function triggerNode({ parameters = {}, credentials }: TriggerOptions): INode {
	return {
		id: 'copicake-trigger',
		name: TRIGGER_NODE_NAME,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		parameters,
		...(credentials ? { credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'Copicake account' } } } : {}),
	};
}

function workflowOf(node: INode): Workflow {
	return new Workflow({
		id: WORKFLOW_ID,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
}

/** The node's webhooks as n8n registers them at activation (static descriptions only). */
function webhooksOf(node: INode, additionalData: IWorkflowExecuteAdditionalData): IWebhookData[] {
	return (nodeType(node.type).description.webhooks ?? []).map((webhookDescription: IWebhookDescription) => ({
		httpMethod: webhookDescription.httpMethod as IWebhookData['httpMethod'],
		node: node.name,
		path: NodeHelpers.getNodeWebhookPath(WORKFLOW_ID, node, String(webhookDescription.path), false, false),
		webhookDescription,
		workflowId: WORKFLOW_ID,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
	}));
}

/** How n8n (Express) sends a body it was handed: strings as HTML, anything else as JSON. */
function sendAsN8n(response: http.ServerResponse, status: number, data: unknown): void {
	const isText = typeof data === 'string';
	response.writeHead(status, {
		'Content-Type': isText ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
	});
	response.end(isText ? data : JSON.stringify(data));
}

/** n8n's answer when the node did not answer itself (`executeWebhook`, "onReceived" mode). */
function answerAsN8n(
	response: http.ServerResponse,
	description: IWebhookDescription,
	result: IWebhookResponseData,
): void {
	const responseCode = Number(description.responseCode ?? 200);
	if (result.workflowData === undefined) {
		sendAsN8n(response, responseCode, result.webhookResponse ?? { message: 'Webhook call received' });
		return;
	}
	// n8n evaluates `responseData` with 'firstEntryJson' as default, and in this mode sends any
	// truthy value as it is (webhook-on-received-response-extractor.ts).
	const responseData = description.responseData ?? 'firstEntryJson';
	if (responseData === 'noData') {
		response.end();
		return;
	}
	sendAsN8n(response, responseCode, responseData || (result.webhookResponse ?? { message: 'Workflow was started' }));
}

/**
 * Activates the trigger (its lifecycle methods run as at workflow activation) and serves its
 * production URL on 127.0.0.1 until `stop`.
 */
export async function serveTrigger(options: TriggerOptions = {}): Promise<TriggerServer> {
	const node = triggerNode(options);
	const workflow = workflowOf(node);
	const type = nodeType(TRIGGER_TYPE);
	const executions: StartedExecution[] = [];
	const lifecycle: string[] = [];
	const hooks = new ExecutionLifecycleHooks('webhook', '1', { id: WORKFLOW_ID, nodes: [node], connections: {} } as never);

	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	const credentials: Record<string, ICredentialDataDecryptedObject> = options.credentials
		? { [CREDENTIAL_TYPE]: options.credentials }
		: {};
	const baseData = additionalDataFor(credentials, hooks, base);
	const webhooks = webhooksOf(node, baseData);

	async function runLifecycle(method: 'checkExists' | 'create' | 'delete', webhook: IWebhookData) {
		const fn = type.webhookMethods?.[webhook.webhookDescription.name]?.[method];
		if (!fn) return undefined;
		lifecycle.push(method);
		const activation = method === 'delete' ? 'manual' : 'activate';
		return await fn.call(new HookContext(workflow, node, baseData, 'webhook', activation, webhook));
	}

	async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
		const [pathname, query = ''] = (request.url ?? '/').split(/\?(.*)/s);
		const webhook = webhooks.find(
			(candidate) => `/webhook/${candidate.path}` === pathname && candidate.httpMethod === request.method,
		);
		if (!webhook) {
			return sendAsN8n(response, 404, { code: 404, message: `The requested webhook "${request.method} ${pathname}" is not registered.` });
		}
		// What Express adds to Node's request, as far as n8n's WebhookContext reads it.
		Object.assign(request, { query: qs.parse(query, { allowPrototypes: true }), params: {}, body: {} });
		const additionalData = {
			...additionalDataFor(credentials, hooks, base),
			httpRequest: request,
			httpResponse: response,
		} as unknown as IWorkflowExecuteAdditionalData;
		const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhook, [], null);
		let result: IWebhookResponseData;
		try {
			result = await type.webhook!.call(context);
		} catch (error) {
			if (!response.headersSent) sendAsN8n(response, 500, N8N_WEBHOOK_ERROR);
			executions.push({ error: error as StartedExecution['error'] });
			return;
		}
		if (result.noWebhookResponse !== true) answerAsN8n(response, webhook.webhookDescription, result);
		if (result.workflowData) executions.push({ items: result.workflowData[0] ?? [] });
	}

	server.on('request', (request, response) => {
		handle(request, response).catch((error: Error) => {
			if (!response.headersSent) sendAsN8n(response, 500, { message: `harness fault: ${error.message}` });
		});
	});

	for (const webhook of webhooks) {
		if (!(await runLifecycle('checkExists', webhook))) await runLifecycle('create', webhook);
	}

	return {
		url: `${base}webhook/${webhooks[0].path}`,
		executions,
		lifecycle,
		async waitForExecutions(count, timeoutMs = 5000) {
			await waitUntil(() => executions.length >= count, `${count} execution(s) of the trigger`, timeoutMs);
			return executions;
		},
		async stop() {
			for (const webhook of webhooks) await runLifecycle('delete', webhook);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
