'use strict';
/**
 * Putting the example workflows and their credential into a running n8n (see
 * n8n-instance.js), and running workflows through n8n's own interfaces.
 * Shared by `npm run dev`, the screenshots and the end-to-end tests, so that
 * all three import the very files in examples/.
 */
const fs = require('node:fs');
const path = require('node:path');
const { expectOk, waitFor } = require('./n8n-instance');

const EXAMPLES_DIR = path.resolve(__dirname, '..', 'examples');
/** The n8n of `npm run dev`: the examples' trigger URLs point there. */
const DEV_N8N_URL = 'http://localhost:5678';
const CREDENTIAL_TYPE = 'copicakeApi';
const COPICAKE_NODE = 'n8n-nodes-copicake.copicake';

const EXAMPLES = Object.freeze({
	rowsToImages: 'rows-to-images.json',
	renderingFinished: 'rendering-finished-trigger.json',
	createWithWebhook: 'create-images-webhook.json',
});

/** @returns {any} an example workflow, as the file has it */
function readExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
}

/** The body of a successful answer; otherwise an error naming `what`. */
function ok(response, what) {
	return expectOk(response, what).body;
}

/**
 * An example made to fit an n8n instance: every Copicake credential reference
 * points at `credential` ({ id, name }), and Webhook URLs aimed at the dev
 * n8n are aimed at `n8nUrl` instead.
 */
function adaptWorkflow(workflow, { credential, n8nUrl = DEV_N8N_URL }) {
	const adapted = structuredClone(workflow);
	for (const node of adapted.nodes) {
		if (node.credentials?.[CREDENTIAL_TYPE]) node.credentials[CREDENTIAL_TYPE] = { id: credential.id, name: credential.name };
		const options = node.type === COPICAKE_NODE ? node.parameters.options : undefined;
		if (typeof options?.webhookUrl === 'string' && options.webhookUrl.startsWith(`${DEV_N8N_URL}/`)) {
			options.webhookUrl = n8nUrl + options.webhookUrl.slice(DEV_N8N_URL.length);
		}
	}
	return adapted;
}

/** The production URL of a workflow's trigger node (the one with a webhookId). */
function productionWebhookUrl(n8nUrl, workflow, nodeName) {
	const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
	if (!node?.webhookId) throw new Error(`${workflow.name}: no node "${nodeName}" with a webhookId`);
	return `${n8nUrl}/webhook/${node.webhookId}/copicake`;
}

/** Every page of a public API list. */
async function listAll(n8n, listPath) {
	const items = [];
	let cursor;
	do {
		const separator = listPath.includes('?') ? '&' : '?';
		const page = ok(
			await n8n.api('GET', `${listPath}${separator}limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
			`GET ${listPath}`,
		);
		items.push(...page.data);
		cursor = page.nextCursor;
	} while (cursor);
	return items;
}

/** Creates a Copicake credential; resolves to { id, name }. */
async function createCredential(n8n, { name, apiKey, baseUrl }) {
	const created = ok(
		await n8n.api('POST', '/credentials', { name, type: CREDENTIAL_TYPE, data: { apiKey, baseUrl } }),
		`creating the credential "${name}"`,
	);
	return { id: created.id, name: created.name };
}

/** The Copicake credential named `name`, created if missing (for a reused user folder). */
async function ensureCredential(n8n, credential) {
	const existing = (await listAll(n8n, '/credentials')).find(
		(candidate) => candidate.name === credential.name && candidate.type === CREDENTIAL_TYPE,
	);
	return existing ? { id: existing.id, name: existing.name, existed: true } : createCredential(n8n, credential);
}

/** Creates a workflow; resolves to n8n's copy of it (with its id). */
async function createWorkflow(n8n, workflow) {
	// The public API takes these fields only.
	const { name, nodes, connections, settings } = workflow;
	return ok(await n8n.api('POST', '/workflows', { name, nodes, connections, settings }), `creating "${name}"`);
}

/** The workflow of that name if the instance has one (the user's edits win), else a new one. */
async function ensureWorkflow(n8n, workflow) {
	const [existing] = (await listAll(n8n, `/workflows?name=${encodeURIComponent(workflow.name)}`)).filter(
		(candidate) => candidate.name === workflow.name && !candidate.isArchived,
	);
	return existing ? { ...existing, existed: true } : createWorkflow(n8n, workflow);
}

/**
 * Publishes (activates) a workflow and waits until its production webhook at
 * `webhookUrl` is registered: n8n may register it a moment after answering.
 * The probe is a call without parameters, which n8n answers 404 "... is not
 * registered" until then; the Copicake Trigger refuses it (400) and starts
 * nothing.
 */
async function publishWorkflow(n8n, workflowId, webhookUrl) {
	ok(await n8n.api('POST', `/workflows/${workflowId}/publish`), `publishing workflow ${workflowId}`);
	if (!webhookUrl) return;
	await waitFor(
		async () => {
			const response = await fetch(webhookUrl);
			return !(response.status === 404 && /not registered/.test(await response.text()));
		},
		{ timeout: 30_000, what: `the production webhook ${webhookUrl}` },
	);
}

/**
 * Runs a saved workflow as the editor's "Execute workflow" button does, from
 * the trigger node `triggerName`; resolves to the execution id.
 */
async function runWorkflow(n8n, workflowId, triggerName) {
	const body = ok(
		await n8n.rest('POST', `/workflows/${workflowId}/run`, { triggerToStartFrom: { name: triggerName } }),
		`running workflow ${workflowId}`,
	);
	if (!body.data?.executionId) throw new Error(`running workflow ${workflowId}: no execution id in ${JSON.stringify(body)}`);
	return body.data.executionId;
}

const UNFINISHED = new Set(['new', 'running', 'waiting']);

/** Resolves to the execution with its data once it has ended. */
async function waitForExecution(n8n, executionId, { timeout = 60_000 } = {}) {
	return waitFor(
		async () => {
			const execution = ok(await n8n.api('GET', `/executions/${executionId}?includeData=true`), `execution ${executionId}`);
			return UNFINISHED.has(execution.status) ? undefined : execution;
		},
		{ timeout, interval: 250, what: `execution ${executionId} to end` },
	);
}

/** The executions of a workflow, newest first, with their data. */
async function listExecutions(n8n, workflowId) {
	return listAll(n8n, `/executions?workflowId=${workflowId}&includeData=true`);
}

/** The items a node output in an execution (first run, first output). */
function nodeOutput(execution, nodeName) {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	return runs?.[0]?.data?.main?.[0] ?? [];
}

/** The errors of an execution, one line each: the workflow's and every node's. */
function executionErrors(execution) {
	const resultData = execution?.data?.resultData ?? {};
	const lines = [];
	if (resultData.error) lines.push(`workflow: ${resultData.error.message} ${resultData.error.description ?? ''}`.trim());
	for (const [nodeName, runs] of Object.entries(resultData.runData ?? {})) {
		for (const run of runs) {
			if (run.error) lines.push(`${nodeName}: ${run.error.message} ${run.error.description ?? ''}`.trim());
		}
	}
	return lines;
}

module.exports = {
	EXAMPLES,
	DEV_N8N_URL,
	readExample,
	adaptWorkflow,
	productionWebhookUrl,
	createCredential,
	ensureCredential,
	createWorkflow,
	ensureWorkflow,
	publishWorkflow,
	runWorkflow,
	waitForExecution,
	listExecutions,
	nodeOutput,
	executionErrors,
};
