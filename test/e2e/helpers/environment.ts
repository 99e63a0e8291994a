/**
 * One real n8n server (the runtime of n8n-runtime/, the built package installed as a community
 * package) and one fake Copicake, started for a test file and stopped after it, also when a
 * test or the start itself fails. Tests reach n8n through its REST API, public API and
 * webhooks only.
 */
import axios, { type AxiosInstance } from 'axios';

import { isNoise, startN8n } from '../../../scripts/n8n-instance';
import {
	adaptWorkflow,
	createCredential,
	createWorkflow,
	executionErrors,
	readExample,
	runWorkflow,
	waitForExecution,
} from '../../../scripts/n8n-workflows';
import { createSandbox, SANDBOX } from '../../../scripts/sandbox';

export type N8nServer = Awaited<ReturnType<typeof startN8n>>;
export type FakeServer = ReturnType<typeof createSandbox>;
export type Workflow = ReturnType<typeof readExample>;
export type Execution = Awaited<ReturnType<typeof waitForExecution>>;
export interface Credential {
	id: string;
	name: string;
}

/** The name n8n gives the Manual Trigger node, as in the example files. */
export const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';

export interface E2eContext {
	n8n: N8nServer;
	fake: FakeServer;
	/** axios on the n8n server: owner's cookie and API key set, never throws on a status. */
	http: AxiosInstance;
	/** The credential pointing at the fake Copicake with the sandbox's API key. */
	credential: Credential;
	/** The last execution a test waited for: shown when an assertion fails. */
	lastExecution?: Execution;
}

function progress(line: string) {
	process.stderr.write(`[e2e] ${line}\n`);
}

/** Starts n8n and the fake Copicake for the test file; returns their handles, filled in beforeAll. */
export function useN8nServer(): E2eContext {
	const context = {} as E2eContext;
	beforeAll(async () => {
		// Short renderings: the tests wait for each one to finish.
		context.fake = createSandbox({ renderMs: 300 });
		const fakeUrl = await context.fake.start();
		context.n8n = await startN8n({ withPackage: true, ownerFromEnv: true, log: progress });
		context.http = axios.create({
			baseURL: context.n8n.baseUrl,
			headers: { cookie: context.n8n.cookie, 'x-n8n-api-key': context.n8n.apiKey },
			validateStatus: () => true,
		});
		context.credential = await createCredential(context.n8n, {
			name: SANDBOX.credentialName,
			apiKey: SANDBOX.apiKey,
			baseUrl: fakeUrl,
		});
	}, 300_000);
	beforeEach(() => {
		context.fake?.reset();
		context.lastExecution = undefined;
	});
	afterAll(async () => {
		await context.n8n?.stop();
		await context.fake?.stop();
	});
	return context;
}

/**
 * Imports an example file the way the README tells users to, with its credential references
 * (and trigger URLs) pointed at this server; `change` edits the copy first, for a test's variant.
 */
export async function importExample(
	context: E2eContext,
	file: string,
	{ credential = context.credential, change }: { credential?: Credential; change?: (workflow: Workflow) => void } = {},
) {
	const workflow = adaptWorkflow(readExample(file), { credential, n8nUrl: context.n8n.baseUrl });
	change?.(workflow);
	return await createWorkflow(context.n8n, workflow);
}

/** The node of that name in a workflow, to change its parameters. */
export function nodeNamed(workflow: Workflow, name: string) {
	const node = workflow.nodes.find((candidate: { name: string }) => candidate.name === name);
	if (!node) throw new Error(`${workflow.name} has no node "${name}"`);
	return node;
}

/** Runs a workflow from its Manual Trigger, as "Execute workflow" in the editor does, and waits for its end. */
export async function execute(context: E2eContext, workflowId: string): Promise<Execution> {
	const executionId = await runWorkflow(context.n8n, workflowId, MANUAL_TRIGGER);
	context.lastExecution = await waitForExecution(context.n8n, executionId);
	return context.lastExecution;
}

function section(title: string, lines: string[]) {
	return `--- ${title} ---\n${lines.length ? lines.join('\n') : '(none)'}`;
}

/** What a reader needs when a test fails: the n8n log lines that matter, the execution's errors, the traffic. */
export function diagnostics(context: E2eContext): string {
	const { n8n, fake, lastExecution } = context;
	const logLines =
		n8n
			?.logLinesMatching(/\b(error|fail(ed|ure)?|warn(ing)?|unrecognized)\b|copicake/i)
			.filter((line) => !isNoise(line))
			.slice(-30) ?? [];
	const requests = (fake?.requests ?? [])
		.slice(-20)
		.map((request) => `${request.method} ${request.path} ${JSON.stringify(request.body ?? request.query)}`);
	const webhookCalls = (fake?.webhookCalls ?? []).map(
		(call) => `${call.url} -> ${call.status ?? call.error} ${call.body.slice(0, 200)}`,
	);
	return [
		section('n8n log lines (errors, warnings, the package)', logLines),
		section(
			`last execution${lastExecution ? ` ${lastExecution.id} (${lastExecution.status})` : ''}: errors`,
			lastExecution ? executionErrors(lastExecution) : [],
		),
		section('requests the fake Copicake received (last 20)', requests),
		section('webhook calls the fake Copicake made', webhookCalls),
	].join('\n');
}

/** Runs a test's body; a failure's message gets the diagnostics appended. */
export async function withDiagnostics(context: E2eContext, body: () => Promise<void>) {
	try {
		await body();
	} catch (error) {
		if (error instanceof Error) error.message += `\n\n${diagnostics(context)}`;
		throw error;
	}
}
