import { Logger } from '@n8n/backend-common';
import type { INodeParameters } from 'n8n-workflow';

import { OTHER_ACCOUNTS_TEMPLATE, TEMPLATE_ID, USER_ID, useFakeCopicake } from '../../helpers/fake-copicake';
import type { TriggerOptions, TriggerServer } from '../../helpers/n8n-webhook';
import { N8N_WEBHOOK_ERROR, serveTrigger } from '../../helpers/n8n-webhook';

/** A key that cannot appear anywhere by chance. */
const SECRET_KEY = 'ck_live_TRIGGER_SECRET_8e2b6d4f1a';
const OTHER_KEY = 'ck_other_account_key_31f7';

/** Renderings end as their first change's name says: "fail", "error", or else success. */
function outcome(_template: string, changes: unknown[]) {
	const name = (changes[0] as { name?: string } | undefined)?.name;
	return name === 'fail' ? 'failed' : name === 'error' ? 'error' : 'success';
}

describe('Copicake Trigger, called as Copicake calls it', () => {
	const copicake = useFakeCopicake({
		apiKeys: { [SECRET_KEY]: USER_ID, [OTHER_KEY]: 'someoneElse' },
		outcome,
	});
	const credentials = () => ({ ...copicake.credentials, apiKey: SECRET_KEY });
	const triggers: TriggerServer[] = [];

	afterEach(async () => {
		await Promise.all(triggers.splice(0).map(async (trigger) => await trigger.stop()));
	});

	async function trigger(parameters: INodeParameters = {}, options: Partial<TriggerOptions> = { credentials: credentials() }) {
		const served = await serveTrigger({ parameters, ...options });
		triggers.push(served);
		return served;
	}

	type StoredRendering = Record<string, unknown> & { id: string; permanent_url: string };

	/** Creates a rendering straight at the fake API and forgets the request. */
	async function createRendering({ change = 'text-1', template = TEMPLATE_ID, key = SECRET_KEY } = {}) {
		const response = await fetch(`${copicake.credentials.baseUrl}/v1/image/create`, {
			method: 'POST',
			headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
			body: JSON.stringify({ template_id: template, changes: [{ name: change }] }),
		});
		const { id } = ((await response.json()) as { data: { id: string } }).data;
		copicake.fake.requests = [];
		return copicake.fake.renderings.get(id) as StoredRendering;
	}

	/** A rendering that has finished (the fake renders in no time here). */
	async function finishedRendering(options: Parameters<typeof createRendering>[0] = {}) {
		const rendering = await createRendering(options);
		copicake.fake.settle(rendering.id);
		return rendering;
	}

	/** Calls the trigger's URL with a raw query string, as Copicake would. */
	async function call(url: string, query: string) {
		const response = await fetch(query ? `${url}?${query}` : url);
		const text = await response.text();
		return { status: response.status, contentType: response.headers.get('content-type'), text, json: () => JSON.parse(text) };
	}

	const callFor = (rendering: { id: string; permanent_url: string }) =>
		`rendering_id=${encodeURIComponent(rendering.id)}&permanent_url=${encodeURIComponent(rendering.permanent_url)}`;

	describe('with verification (the default)', () => {
		it('reads a genuine rendering back with the key and starts one execution with all its fields', async () => {
			const rendering = await finishedRendering();
			const served = await trigger();

			const answer = await call(served.url, callFor(rendering));

			expect(answer).toMatchObject({ status: 200, contentType: 'application/json; charset=utf-8' });
			expect(answer.json()).toEqual({ received: true });
			const reads = copicake.fake.requestsTo('/v1/image/get', 'GET');
			expect(reads).toHaveLength(1);
			expect(reads[0].query).toEqual({ id: rendering.id });
			expect(reads[0].headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
			expect(served.executions).toEqual([{ items: [{ json: rendering }] }]);
			expect(Object.keys(served.executions[0].items![0].json).sort()).toEqual(
				['changes', 'created_at', 'created_by', 'id', 'options', 'permanent_url', 'status', 'template_id', 'type'],
			);
		});

		it('trusts nothing of the call but the ID: a made-up permanent_url does not reach the output', async () => {
			const rendering = await finishedRendering();
			const served = await trigger();

			await call(served.url, `rendering_id=${rendering.id}&permanent_url=${encodeURIComponent('https://evil.example/x.png')}`);

			expect(served.executions[0].items![0].json.permanent_url).toBe(rendering.permanent_url);
		});

		it('refuses an ID that Copicake does not know with 404, starting nothing', async () => {
			const served = await trigger();

			const answer = await call(served.url, 'rendering_id=forgedRenderingId0000000000000&permanent_url=x');

			expect(answer.status).toBe(404);
			expect(answer.json()).toEqual({ error: 'Unknown rendering' });
			expect(copicake.fake.requestsTo('/v1/image/get')[0].query).toEqual({ id: 'forgedRenderingId0000000000000' });
			expect(served.executions).toEqual([]);
		});

		it("refuses a rendering of another account (Copicake's 404 for this key) the same way", async () => {
			const foreign = await finishedRendering({ key: OTHER_KEY, template: OTHER_ACCOUNTS_TEMPLATE });
			const served = await trigger();

			const answer = await call(served.url, callFor(foreign));

			expect(answer.status).toBe(404);
			expect(served.executions).toEqual([]);
		});

		it('refuses on a 401 from Copicake with 404, and warns in the log that the key may be wrong', async () => {
			const rendering = await finishedRendering();
			const served = await trigger({}, { credentials: { ...credentials(), apiKey: 'ck_wrong_key' } });
			const log = jest.spyOn(Logger.prototype as unknown as { log: (...args: unknown[]) => void }, 'log');

			try {
				const answer = await call(served.url, callFor(rendering));

				expect(answer.status).toBe(404);
				expect(answer.json()).toEqual({ error: 'Unknown rendering' });
				expect(served.executions).toEqual([]);
				const warnings = log.mock.calls.filter(([level]) => level === 'warn');
				expect(warnings).toEqual([
					[
						'warn',
						expect.stringMatching(/answered 401 .*check the API key of the trigger's Copicake credential/),
						expect.objectContaining({ renderingId: rendering.id }),
					],
				]);
			} finally {
				log.mockRestore();
			}
		});

		it.each([
			['no rendering_id', 'permanent_url=https%3A%2F%2Fx.test%2Fa.png'],
			['an empty rendering_id', 'rendering_id=&permanent_url='],
			['a repeated rendering_id', 'rendering_id=a&rendering_id=b'],
			['a structured rendering_id', 'rendering_id[id]=a'],
		])('answers a call with %s 400, without asking Copicake or starting anything', async (_case, query) => {
			const served = await trigger();

			const answer = await call(served.url, query);

			expect(answer.status).toBe(400);
			expect(answer.json()).toEqual({ error: 'Expected one rendering_id in the query' });
			expect(copicake.fake.requests).toEqual([]);
			expect(served.executions).toEqual([]);
		});

		it('records a failed execution naming the rendering when Copicake keeps failing, and starts nothing else', async () => {
			const rendering = await finishedRendering();
			copicake.fake.respondWith({ path: '/v1/image/get', status: 503, times: 3 });
			const served = await trigger();

			const answer = await call(served.url, callFor(rendering));

			// n8n's own answer to a webhook that threw: generic, the details go to the execution.
			expect(answer.status).toBe(500);
			expect(answer.json()).toEqual(N8N_WEBHOOK_ERROR);
			expect(copicake.fake.requestsTo('/v1/image/get')).toHaveLength(3); // 1 + 2 quick retries
			expect(served.executions).toHaveLength(1);
			const { items, error } = served.executions[0];
			expect(items).toBeUndefined();
			expect(error?.message).toBe(
				`The workflow did not run for rendering "${rendering.id}": Copicake could not be asked whether the call is genuine`,
			);
			expect(error?.description).toMatch(/503 Service unavailable, after 3 attempts/);
			expect(error?.description).toMatch(/read the rendering with the Copicake node \(Get, Rendering ID/);
		});

		it('goes on when a Copicake fault clears within the quick retries', async () => {
			const rendering = await finishedRendering();
			copicake.fake.respondWith({ path: '/v1/image/get', status: 502, times: 1 });
			const served = await trigger();

			const answer = await call(served.url, callFor(rendering));

			expect(answer.status).toBe(200);
			expect(copicake.fake.requestsTo('/v1/image/get')).toHaveLength(2);
			expect(served.executions).toEqual([{ items: [{ json: rendering }] }]);
		});

		it('without a credential, records a failed execution that says what to set, and asks nobody', async () => {
			const rendering = await finishedRendering();
			const served = await trigger({}, { credentials: undefined });

			const answer = await call(served.url, callFor(rendering));

			expect(answer.status).toBe(500);
			expect(copicake.fake.requests).toEqual([]);
			expect(served.executions[0].error?.message).toBe('No Copicake credential is set, so the call cannot be verified');
			expect(served.executions[0].error?.description).toMatch(/turn off "Verify and Fetch the Rendering"/);
		});
	});

	describe('filters', () => {
		it('answers 200 but starts nothing for a template not in Template IDs', async () => {
			const rendering = await finishedRendering();
			const served = await trigger({ options: { templateIds: 'tplSomethingElse, tplAnother' } });

			const answer = await call(served.url, callFor(rendering));

			expect(answer.status).toBe(200);
			expect(answer.json()).toEqual({ received: true, skipped: 'Template not selected' });
			expect(served.executions).toEqual([]);
		});

		it('starts for a template in Template IDs, spaces around the commas or not', async () => {
			const rendering = await finishedRendering();
			const served = await trigger({ options: { templateIds: ` tplSomethingElse ,${TEMPLATE_ID} ` } });

			await call(served.url, callFor(rendering));

			expect(served.executions).toEqual([{ items: [{ json: rendering }] }]);
		});

		it('starts for failed renderings by default, so a workflow can react to failures', async () => {
			const failed = await finishedRendering({ change: 'fail' });
			const served = await trigger();

			const answer = await call(served.url, callFor(failed));

			expect(failed).toMatchObject({ status: 'failed', permanent_url: '' });
			expect(answer.json()).toEqual({ received: true });
			expect(served.executions).toEqual([{ items: [{ json: failed }] }]);
		});

		it('answers 200 but starts nothing for a status not in Statuses', async () => {
			const failed = await finishedRendering({ change: 'fail' });
			const served = await trigger({ options: { statuses: ['success'] } });

			const answer = await call(served.url, callFor(failed));

			expect(answer.json()).toEqual({ received: true, skipped: 'Status not selected' });
			expect(served.executions).toEqual([]);
		});

		it('counts the status "error" as failed, and outputs it as Copicake spells it', async () => {
			const errored = await finishedRendering({ change: 'error' });
			const onlyFailed = await trigger({ options: { statuses: ['failed'] } });
			const onlySuccess = await trigger({ options: { statuses: ['success'] } });

			await call(onlyFailed.url, callFor(errored));
			const skipped = await call(onlySuccess.url, callFor(errored));

			expect(onlyFailed.executions).toEqual([{ items: [{ json: expect.objectContaining({ status: 'error' }) }] }]);
			expect(skipped.json()).toEqual({ received: true, skipped: 'Status not selected' });
			expect(onlySuccess.executions).toEqual([]);
		});

		it('starts nothing for a rendering still processing (a replayed or early call)', async () => {
			const served = await trigger();
			copicake.fake.faults = { neverFinishRate: 1 };
			const { id } = await createRendering().finally(() => (copicake.fake.faults = {}));

			const answer = await call(served.url, `rendering_id=${id}&permanent_url=`);

			expect(answer.json()).toEqual({ received: true, skipped: 'Rendering not finished' });
			expect(served.executions).toEqual([]);
		});
	});

	describe('without verification', () => {
		const unverified = { options: { verifyRendering: false } };

		it('outputs rendering_id and the decoded permanent_url, asking Copicake nothing and needing no credential', async () => {
			const served = await trigger(unverified, { credentials: undefined });
			const imageUrl = 'https://cdn.example.com/renderings/a b.png?size=2&v=1';

			const answer = await call(served.url, `rendering_id=abc123&permanent_url=${encodeURIComponent(imageUrl)}`);

			expect(answer.status).toBe(200);
			expect(answer.json()).toEqual({ received: true });
			expect(served.executions).toEqual([{ items: [{ json: { rendering_id: 'abc123', permanent_url: imageUrl } }] }]);
			expect(copicake.fake.requests).toEqual([]);
		});

		it('still needs a rendering_id', async () => {
			const served = await trigger(unverified, { credentials: undefined });

			const answer = await call(served.url, 'permanent_url=x');

			expect(answer.status).toBe(400);
			expect(served.executions).toEqual([]);
		});

		it('takes the status from the call: no image URL means failed', async () => {
			const served = await trigger({ options: { verifyRendering: false, statuses: ['success'] } }, { credentials: undefined });

			const failedCall = await call(served.url, 'rendering_id=abc123&permanent_url=');
			await call(served.url, 'rendering_id=def456&permanent_url=https%3A%2F%2Fx.test%2Fa.png');

			expect(failedCall.json()).toEqual({ received: true, skipped: 'Status not selected' });
			expect(served.executions.map(({ items }) => items![0].json.rendering_id)).toEqual(['def456']);
		});
	});

	describe('the API key', () => {
		const scenarios: Array<[string, () => void, string]> = [
			['a genuine call', () => {}, 'genuine'],
			['a forged ID', () => {}, 'forged'],
			['a 401', () => copicake.fake.respondWith({ path: '/v1/image/get', status: 401 }), 'genuine'],
			['a fault after retries', () => copicake.fake.respondWith({ path: '/v1/image/get', status: 500, times: 3 }), 'genuine'],
			['a missing ID', () => {}, 'missing'],
		];

		it.each(scenarios)('appears in no answer, output, error or log line after %s', async (_name, arrange, kind) => {
			const rendering = await finishedRendering();
			const served = await trigger();
			arrange();
			const query = { genuine: callFor(rendering), forged: 'rendering_id=nope&permanent_url=', missing: '' }[kind]!;
			const logged: unknown[] = [];
			const log = jest
				.spyOn(Logger.prototype as unknown as { log: (...args: unknown[]) => void }, 'log')
				.mockImplementation((...args) => void logged.push(args));

			const answer = await call(served.url, query).finally(() => log.mockRestore());

			expect(JSON.stringify(logged)).not.toContain(SECRET_KEY);

			expect(answer.text.length).toBeLessThan(100);
			expect(answer.text).not.toContain(SECRET_KEY);
			expect(served.executions.length).toBeLessThanOrEqual(1);
			const execution = served.executions[0];
			const error = execution?.error;
			const everything = JSON.stringify(execution) + `${error?.message} ${error?.description} ${error?.stack} ${JSON.stringify(error?.cause)}`;
			expect(everything).not.toContain(SECRET_KEY);
		});
	});
});
