/**
 * Runs this package's nodes through n8n's own execution engine (n8n-core's WorkflowExecute,
 * RoutingNode and execution contexts, with real expression evaluation), the way an n8n server
 * does, minus the server. The node classes are loaded by n8n-core's own package loader, which
 * applies the same steps as at n8n start-up (icons, declarative request options, description
 * validation).
 *
 * Two pieces live in the n8n server package rather than n8n-core, so they are reproduced here
 * at their smallest: the node-type registry (which, as in the server, gives a declarative node
 * an `execute` that runs RoutingNode) and the credentials helper (which decrypts nothing and
 * applies a credential type's generic `authenticate` block by evaluating its expressions).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// n8n-core reads its settings (user folder, binary data, logging) from the environment at
// first use. Its log goes, at debug level, to a file in the user folder: the console stays
// readable, and the secrets test still sees every line the logger is asked to write.
process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'copicake-n8n-'));
process.env.N8N_ENCRYPTION_KEY ??= 'copicake-test-encryption-key';
process.env.N8N_LOG_LEVEL ??= 'debug';
process.env.N8N_LOG_OUTPUT ??= 'file';
process.env.N8N_LOG_FILE_LOCATION ??= path.join(process.env.N8N_USER_FOLDER, 'logs', 'n8n.log');

import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type { ExecuteContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	ITaskData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-copicake';
export const NODE_TYPE = `${PACKAGE_NAME}.copicake`;
export const TRIGGER_TYPE = `${PACKAGE_NAME}.copicakeTrigger`;
export const CREDENTIAL_TYPE = 'copicakeApi';

const repoRoot = path.resolve(__dirname, '../..');

/** The package's nodes and credential, loaded from source by n8n-core's package loader. */
export const loader = new PackageDirectoryLoader(repoRoot);
loader.loadCredentialFromFile('credentials/CopicakeApi.credentials.ts');
loader.loadNodeFromFile('nodes/Copicake/Copicake.node.ts');
loader.loadNodeFromFile('nodes/CopicakeTrigger/CopicakeTrigger.node.ts');

export function credentialType(name = CREDENTIAL_TYPE): ICredentialType {
	return loader.getCredential(name).type;
}

export function nodeType(fullName: string): INodeType {
	const loaded = loader.getNode(fullName.replace(`${PACKAGE_NAME}.`, '')).type;
	return NodeHelpers.getVersionedNodeType(loaded as INodeType | IVersionedNodeType) as INodeType;
}

/** Node types made up by a test (such as the credential-test node below), by name. */
const extraNodeTypes = new Map<string, INodeType>();

/** Makes a node type known to the engine besides the package's own (a test's or a benchmark's). */
export function registerNodeType(fullName: string, type: INodeType): void {
	extraNodeTypes.set(fullName, type);
}

/**
 * What the n8n server's node-type registry hands the engine: for a declarative node, a type
 * whose `execute` runs n8n-core's RoutingNode in a regular execution context (so it gets the
 * execution's cancel signal, as in the server).
 */
function asServerServesIt(type: INodeType): INodeType {
	const declarative = !type.execute && !type.poll && !type.trigger && !type.webhook && !type.methods;
	if (!declarative) return type;
	return Object.create(type, {
		execute: {
			value: async function (this: ExecuteContext) {
				return (await new RoutingNode(this, type).runNode()) ?? [];
			},
		},
	}) as INodeType;
}

export const nodeTypes: INodeTypes = {
	getByName: (name) => asServerServesIt(extraNodeTypes.get(name) ?? nodeType(name)),
	getByNameAndVersion: (name) => asServerServesIt(extraNodeTypes.get(name) ?? nodeType(name)),
	getKnownTypes: () => ({}),
};

/** Credentials by type, as the server's helper would hand them out after decryption. */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(public credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = credentialType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate || !workflow || !node) return requestOptions;
		const resolve = (value: string) =>
			workflow.expression.getSimpleParameterValue(node, value, 'internal', {
				$credentials: credentials,
			}) as string;
		const options = requestOptions as unknown as Record<string, IDataObject>;
		for (const [where, entries] of Object.entries(authenticate.properties)) {
			options[where] = { ...(options[where] ?? {}) };
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				options[where][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`No test credential of type ${type}`);
		return { ...data };
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these nodes');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return credentialType().properties;
	}
}

/** The additional data an n8n server hands the engine, reduced to what these nodes touch. */
export function additionalDataFor(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	hooks: ExecutionLifecycleHooks,
	webhookBaseUrl = 'http://127.0.0.1:5678/',
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper(credentials),
		hooks,
		executionId: '1',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: `${webhookBaseUrl}form`,
		formWaitingBaseUrl: `${webhookBaseUrl}form-waiting`,
		formTestBaseUrl: `${webhookBaseUrl}form-test`,
		webhookBaseUrl: `${webhookBaseUrl}webhook`,
		webhookWaitingBaseUrl: `${webhookBaseUrl}webhook-waiting`,
		webhookTestBaseUrl: `${webhookBaseUrl}webhook-test`,
		mcpBaseUrl: `${webhookBaseUrl}mcp`,
		mcpTestBaseUrl: `${webhookBaseUrl}mcp-test`,
		variables: {},
		logAiEvent: () => {},
		executeWorkflow: async () => {
			throw new Error('not used by these nodes');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('not used by these nodes');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * Stores binary data the way an n8n server does by default, in files under the user folder
 * (without this, a bare engine keeps it inline in the items, as base64).
 */
export async function useServerBinaryDataStorage(): Promise<void> {
	await Container.get(BinaryDataService).init();
}

export interface RunOptions {
	/** The node's type; the Copicake node by default. */
	type?: string;
	/** The node's parameters, as saved in a workflow. */
	parameters: INodeParameters;
	/** The items that reach the node (what a spreadsheet node would output). */
	items?: INodeExecutionData[];
	/** The credential's data: `{ apiKey, baseUrl }`. */
	credentials: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	mode?: WorkflowExecuteMode;
	/** Called with the running execution, e.g. to cancel it. */
	onStart?: (execution: { cancel: () => void }) => void;
}

export interface RunResult {
	/** The node's output items (first output). */
	items: INodeExecutionData[];
	/** The error that stopped the node, if any (what the editor shows). */
	error?: ITaskData['error'];
	run: IRun;
}

export const COPICAKE_NODE_NAME = 'Copicake';

/** Runs the Copicake node once over `items` in a one-node workflow, as the editor's "Execute step" does. */
export async function runCopicakeNode(options: RunOptions): Promise<RunResult> {
	const node: INode = {
		id: 'copicake-node',
		name: COPICAKE_NODE_NAME,
		type: options.type ?? NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'Copicake account' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, '1', {
		id: 'test-workflow',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	let finished!: (run: IRun) => void;
	const runFinished = new Promise<IRun>((resolve) => (finished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finished(run));

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node, data: { main: [options.items ?? [{ json: {} }]] }, source: null }],
		},
	});
	const additionalData = additionalDataFor({ [CREDENTIAL_TYPE]: options.credentials }, hooks);
	const execute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const execution = execute.processRunExecutionData(workflow);
	options.onStart?.({ cancel: () => execution.cancel() });
	// A cancelled execution never settles its promise; n8n reports the end through the hook.
	await Promise.race([execution, runFinished]);
	const run = await runFinished;
	const task = run.data.resultData.runData[COPICAKE_NODE_NAME]?.[0];
	return {
		items: task?.data?.main?.[0] ?? [],
		error: task?.error ?? run.data.resultData.error,
		run,
	};
}

/**
 * A declarative node type made up for a test or a benchmark: its requests are `requestDefaults`
 * and the routing of `properties`, sent with the Copicake credential.
 */
export function declarativeNodeType(
	name: string,
	displayName: string,
	requestDefaults: INodeTypeDescription['requestDefaults'],
	properties: INodeProperties[] = [],
): INodeType {
	return {
		description: {
			displayName,
			name,
			group: [],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: CREDENTIAL_TYPE, required: true }],
			requestDefaults,
			properties,
		},
	} as INodeType;
}

/**
 * Runs a credential type's test request the way the n8n server's credential tester does: as a
 * declarative node whose only request is the test request, sent with the credential.
 */
export async function testCredential(credentials: ICredentialDataDecryptedObject): Promise<RunResult> {
	const { test, displayName } = credentialType();
	const type = `${PACKAGE_NAME}.credentialTest`;
	registerNodeType(type, declarativeNodeType('credentialTest', `${displayName} test`, test!.request));
	return await runCopicakeNode({ type, parameters: {}, credentials });
}
