/**
 * The package inside a real n8n 2.41.1 server: loaded as an installed community package,
 * running the example workflows of examples/ against the fake Copicake, and reached only
 * through n8n's own interfaces (REST and public API, webhooks, execution data).
 */
import { spawnSync } from 'node:child_process';
import { lstatSync } from 'node:fs';

import { installedPackageDir } from '../../scripts/package-install';
import {
	createCredential,
	EXAMPLES,
	listExecutions,
	nodeOutput,
	productionWebhookUrl,
	publishWorkflow,
	readExample,
} from '../../scripts/n8n-workflows';
import { SANDBOX } from '../../scripts/sandbox';
import type { Credential, Execution } from './helpers/environment';
import { execute, importExample, nodeNamed, useN8nServer, withDiagnostics } from './helpers/environment';

const context = useN8nServer();
const check = (body: () => Promise<void>) => () => withDiagnostics(context, body);

const PACKAGE = 'n8n-nodes-copicake';
const TEMPLATE = SANDBOX.templates.welcomeCard;
const UNKNOWN_TEMPLATE = 'noSuchTemplate00000000000000';
const ROWS_NODE = 'Render one image per row';
const GUESTS_NODE = 'Start one rendering per guest';

/** The five people of both examples' spreadsheet stand-ins, in row order. */
const PEOPLE = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Katherine Johnson', 'Edsger Dijkstra'].map(
	(name) => {
		const slug = name.split(' ')[0].toLowerCase();
		return {
			name,
			photo: `https://example.com/people/${slug}.png`,
			page: `https://example.com/people/${slug}`,
			email: `${slug}@example.com`,
		};
	},
);

function createBodies() {
	return context.fake.createRequests.map((request) => request.body);
}

type Person = (typeof PEOPLE)[number];

/** One create request per person, in any order (the five rows are sent at once). */
function expectOneCreatePerPerson(options: object, changesOf: (person: Person) => object[]) {
	expect(createBodies()).toHaveLength(PEOPLE.length);
	expect(createBodies()).toEqual(
		expect.arrayContaining(
			PEOPLE.map((person) => ({ template_id: TEMPLATE, options, changes: changesOf(person) })),
		),
	);
}

function expectSuccess(execution: Execution) {
	expect({ id: execution.id, status: execution.status }).toEqual({ id: execution.id, status: 'success' });
}

describe('the package in a real n8n server', () => {
	it(
		'loads: no load failure in the log, both node types and the credential type are known',
		check(async () => {
			expect(context.n8n.logLinesMatching(/Failed to load package/)).toEqual([]);
			const nodeTypes = await context.http.get('/types/nodes.json');
			const credentialTypes = await context.http.get('/types/credentials.json');
			expect(nodeTypes.status).toBe(200);
			expect(nodeTypes.data.map((type: { name: string }) => type.name)).toEqual(
				expect.arrayContaining([`${PACKAGE}.copicake`, `${PACKAGE}.copicakeTrigger`]),
			);
			expect(credentialTypes.data.map((type: { name: string }) => type.name)).toContain('copicakeApi');
		}),
	);

	it(
		"is a real copy with no n8n-workflow of its own in reach, so it runs on n8n's (n8n puts its modules on NODE_PATH)",
		check(async () => {
			const dir = installedPackageDir(context.n8n.userFolder);
			expect(lstatSync(dir).isSymbolicLink()).toBe(false);
			const { NODE_PATH: _ignored, ...env } = process.env;
			const resolve = spawnSync(process.execPath, ['-e', `require.resolve('n8n-workflow', { paths: [${JSON.stringify(dir)}] })`], { env });
			expect(resolve.status).not.toBe(0);
			expect(resolve.stderr.toString()).toContain("Cannot find module 'n8n-workflow'");
		}),
	);
});

describe('the spreadsheet case: five rows, five renderings', () => {
	it(
		'Map Input Fields (examples/rows-to-images.json): five create requests, five finished renderings paired to their rows, images downloaded',
		check(async () => {
			const workflow = await importExample(context, EXAMPLES.rowsToImages);
			const execution = await execute(context, workflow.id);

			expectSuccess(execution);
			expectOneCreatePerPerson({ format: 'png' }, (person) => [
				{ name: 'text-9so09m', text: person.name },
				{ name: 'image-yeavh7', src: person.photo },
				{ name: 'qrcode-k3j2h1', content: person.page },
			]);
			const output = nodeOutput(execution, ROWS_NODE);
			expect(output).toHaveLength(5);
			output.forEach((item: any, index: number) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json).toMatchObject({
					type: 'image',
					status: 'success',
					template_id: TEMPLATE,
					changes: expect.arrayContaining([{ name: 'text-9so09m', text: PEOPLE[index].name }]),
					permanent_url: `${context.fake.baseUrl}/renderings/${item.json.id}.png`,
				});
				expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
			});
			// The first image, read back from n8n's binary data store: the sandbox's real PNG.
			const image = await context.http.get('/rest/binary-data', {
				params: { id: output[0].binary.data.id, action: 'download' },
				responseType: 'arraybuffer',
			});
			expect(image.status).toBe(200);
			expect(Buffer.from(image.data).subarray(0, 8)).toEqual(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'));
		}),
	);

	it(
		'Define Below with expressions (examples/create-images-webhook.json): five create requests with the evaluated changes, five renderings paired',
		check(async () => {
			const file = EXAMPLES.createWithWebhook;
			const workflow = await importExample(context, file);
			const triggerUrl = productionWebhookUrl(context.n8n.baseUrl, readExample(EXAMPLES.renderingFinished), 'Copicake Trigger');
			const execution = await execute(context, workflow.id);

			expectSuccess(execution);
			expectOneCreatePerPerson({ webhook_url: triggerUrl }, (person) => [
				{ name: 'text-9so09m', text: `Welcome, ${person.name}!` },
				{ name: 'image-yeavh7', src: person.photo },
				{ name: 'qrcode-k3j2h1', content: `mailto:${person.email}` },
			]);
			const output = nodeOutput(execution, GUESTS_NODE);
			expect(output).toHaveLength(5);
			output.forEach((item: any, index: number) => {
				expect(item.pairedItem).toEqual({ item: index });
				// This example does not wait: the trigger workflow gets each finished image.
				expect(item.json).toMatchObject({
					status: 'processing',
					template_id: TEMPLATE,
					changes: expect.arrayContaining([{ name: 'text-9so09m', text: `Welcome, ${PEOPLE[index].name}!` }]),
				});
			});
		}),
	);
});

describe('the complete loop: create renderings, the Copicake Trigger gets each finished one', () => {
	let triggerWorkflowId: string;
	let triggerUrl: string;

	beforeAll(async () => {
		const trigger = await importExample(context, EXAMPLES.renderingFinished);
		triggerWorkflowId = trigger.id;
		triggerUrl = productionWebhookUrl(context.n8n.baseUrl, trigger, 'Copicake Trigger');
		await publishWorkflow(context.n8n, trigger.id, triggerUrl);
	});

	/** The trigger workflow's executions for these rendering ids, once there are `count` of them. */
	async function triggerExecutionsFor(renderingIds: string[], count: number) {
		const deadline = Date.now() + 30_000;
		for (;;) {
			const executions = (await listExecutions(context.n8n, triggerWorkflowId)).filter((execution: Execution) =>
				renderingIds.includes(nodeOutput(execution, 'Copicake Trigger')[0]?.json.id),
			);
			if (executions.length >= count || Date.now() > deadline) return executions;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	it(
		'runs the published trigger workflow once per finished rendering, with the rendering read back',
		check(async () => {
			const create = await importExample(context, EXAMPLES.createWithWebhook);
			const execution = await execute(context, create.id);
			expectSuccess(execution);
			const renderingIds = nodeOutput(execution, GUESTS_NODE).map((item: any) => item.json.id);
			expect(renderingIds).toHaveLength(5);

			const executions = await triggerExecutionsFor(renderingIds, 5);
			expect(context.fake.webhookCalls.map((call) => call.status)).toEqual([200, 200, 200, 200, 200]);
			expect(executions).toHaveLength(5);
			const seen = executions.map((run: Execution) => {
				expectSuccess(run);
				const [item] = nodeOutput(run, 'Copicake Trigger');
				expect(item.json).toMatchObject({
					type: 'image',
					status: 'success',
					template_id: TEMPLATE,
					permanent_url: `${context.fake.baseUrl}/renderings/${item.json.id}.png`,
					created_by: SANDBOX.accountId,
				});
				expect(nodeOutput(run, 'Use the finished image')[0].json).toMatchObject({
					rendering_id: item.json.id,
					image_url: item.json.permanent_url,
				});
				return item.json.id;
			});
			expect(seen.sort()).toEqual([...renderingIds].sort());
		}),
	);

	it(
		'refuses a forged call: 4xx, and no execution starts',
		check(async () => {
			const before = (await listExecutions(context.n8n, triggerWorkflowId)).length;
			const forged = await context.http.get(triggerUrl, {
				params: { rendering_id: 'forgedRendering0000000000000', permanent_url: 'https://evil.example/x.png' },
			});
			expect(forged.status).toBeGreaterThanOrEqual(400);
			expect(forged.status).toBeLessThan(500);
			// The refusal is synchronous; a little wait catches an execution started anyway.
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect((await listExecutions(context.n8n, triggerWorkflowId)).length).toBe(before);
			expect(context.fake.requestsTo('/v1/image/get').map((request) => request.query.id)).toEqual([
				'forgedRendering0000000000000',
			]);
		}),
	);
});

describe('errors in a real server', () => {
	let wrongKey: Credential;

	beforeAll(async () => {
		wrongKey = await createCredential(context.n8n, {
			name: 'Copicake (wrong key)',
			apiKey: 'wrong-api-key',
			baseUrl: context.fake.baseUrl,
		});
	});

	function nodeError(execution: Execution, nodeName: string) {
		return execution.data?.resultData?.runData?.[nodeName]?.[0]?.error;
	}

	it(
		'a wrong API key fails the execution with the node\'s message',
		check(async () => {
			const workflow = await importExample(context, EXAMPLES.rowsToImages, { credential: wrongKey });
			const execution = await execute(context, workflow.id);
			expect(execution.status).toBe('error');
			expect(nodeError(execution, ROWS_NODE)?.message).toBe(
				`Copicake refused the request for template "${TEMPLATE}" (401 Unauthorized): wrong API key, or the template "${TEMPLATE}" belongs to another account`,
			);
			expect(JSON.stringify(execution.data)).not.toContain('wrong-api-key');
		}),
	);

	it(
		'an unknown template fails the execution with the node\'s message',
		check(async () => {
			const workflow = await importExample(context, EXAMPLES.rowsToImages, {
				change: (copy) => (nodeNamed(copy, ROWS_NODE).parameters.templateId = UNKNOWN_TEMPLATE),
			});
			const execution = await execute(context, workflow.id);
			expect(execution.status).toBe('error');
			expect(nodeError(execution, ROWS_NODE)?.message).toBe(`Copicake has no template "${UNKNOWN_TEMPLATE}" (404 Not found)`);
		}),
	);

	it(
		'with On Error: Continue, the good rows still come through, the bad one as an error item',
		check(async () => {
			const workflow = await importExample(context, EXAMPLES.rowsToImages, {
				change: (copy) => {
					const node = nodeNamed(copy, ROWS_NODE);
					// The third row's template does not exist.
					node.parameters.templateId = `={{ $itemIndex === 2 ? "${UNKNOWN_TEMPLATE}" : "${TEMPLATE}" }}`;
					node.onError = 'continueRegularOutput';
				},
			});
			const execution = await execute(context, workflow.id);
			expectSuccess(execution);
			const output = nodeOutput(execution, ROWS_NODE);
			expect(output.map((item: any) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
			expect(output[2].json.error).toContain(`Copicake has no template "${UNKNOWN_TEMPLATE}"`);
			for (const index of [0, 1, 3, 4]) {
				expect(output[index].json).toMatchObject({ status: 'success', template_id: TEMPLATE });
				expect(output[index].json.changes[0]).toEqual({ name: 'text-9so09m', text: PEOPLE[index].name });
			}
		}),
	);
});

describe('the credential test, through the server', () => {
	it(
		'passes with the good key and fails with a wrong one',
		check(async () => {
				const wrong = await createCredential(context.n8n, {
				name: 'Copicake (another wrong key)',
				apiKey: 'another-wrong-key',
				baseUrl: context.fake.baseUrl,
			});
			const good = await context.http.post(`/api/v1/credentials/${context.credential.id}/test`);
			const bad = await context.http.post(`/api/v1/credentials/${wrong.id}/test`);
			expect(good.data).toMatchObject({ status: 'OK' });
			expect(bad.data).toMatchObject({ status: 'Error' });
			const keysSent = context.fake.requestsTo('/v1/user/me').map((request) => request.headers.authorization);
			expect(new Set(keysSent)).toEqual(new Set([`Bearer ${SANDBOX.apiKey}`, 'Bearer another-wrong-key']));
		}),
	);
});
