import type { INodeParameters } from 'n8n-workflow';

import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../../../nodes/Copicake/transport/retry';
import { TEMPLATE_ID, useFakeCopicake } from '../../../helpers/fake-copicake';
import { runCopicakeNode } from '../../../helpers/n8n-engine';

const create = (parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'rendering',
	operation: 'create',
	templateId: TEMPLATE_ID,
	changesMode: 'json',
	changesJson: '[]',
	...parameters,
});

describe('retries', () => {
	const copicake = useFakeCopicake({ renderMs: 50 });
	const run = (parameters?: INodeParameters) =>
		runCopicakeNode({ parameters: create(parameters), credentials: copicake.credentials });

	it.each([500, 502, 503, 504])('retry a create answered %i, and the rendering is made once', async (status) => {
		copicake.fake.respondWith({ path: '/v1/image/create', status });

		const result = await run({ waitForCompletion: false });

		expect(result.error).toBeUndefined();
		expect(copicake.fake.createRequests).toHaveLength(2);
		expect(copicake.fake.renderings.size).toBe(1);
	});

	it('retry a create whose connection was dropped', async () => {
		copicake.fake.respondWith({ path: '/v1/image/create', reset: true });

		const result = await run({ waitForCompletion: false });

		expect(result.error).toBeUndefined();
		expect(copicake.fake.createRequests).toHaveLength(2);
	});

	it('retry a create that got no answer in time (the Timeout request option)', async () => {
		copicake.fake.latencyMs = 400;
		try {
			const result = await run({
				waitForCompletion: false,
				options: { maxRetries: 1 },
				requestOptions: { timeout: 150 },
			});

			expect(result.error?.message).toMatch(/no answer in time, after 2 attempts/);
			expect(copicake.fake.createRequests).toHaveLength(2);
		} finally {
			copicake.fake.latencyMs = 0;
		}
	});

	it.each([400, 404, 429])('never retry a %i', async (status) => {
		copicake.fake.respondWith({ path: '/v1/image/create', status, times: 5 });

		const result = await run();

		expect(result.error).toMatchObject({ httpCode: String(status) });
		expect(copicake.fake.createRequests).toHaveLength(1);
	});

	it('never retry a 401 (n8n itself sends it once more after refreshing the credential)', async () => {
		copicake.fake.respondWith({ path: '/v1/image/create', status: 401, times: 5 });

		const result = await run();

		expect(result.error).toMatchObject({ httpCode: '401' });
		expect(copicake.fake.createRequests.length).toBeLessThanOrEqual(2);
	});

	it('count the attempts in the final error', async () => {
		copicake.fake.respondWith({ path: '/v1/image/create', status: 503, times: 10 });

		const result = await run({ options: { maxRetries: 2 } });

		expect(copicake.fake.createRequests).toHaveLength(3);
		expect(result.error?.message).toBe(
			`Copicake failed with an internal error for template "${TEMPLATE_ID}" (503 Service unavailable, after 3 attempts)`,
		);
	});

	it('send once only when retries are off', async () => {
		copicake.fake.respondWith({ path: '/v1/image/create', status: 500, times: 10 });

		const result = await run({ options: { maxRetries: 0 } });

		expect(copicake.fake.createRequests).toHaveLength(1);
		expect(result.error?.message).toMatch(/\(500 Internal server error\)$/);
	});

	it('retry the polls, the download and the upload as well', async () => {
		copicake.fake.respondWith({ path: '/v1/image/get', status: 502 });
		copicake.fake.respondWith({ path: '/v1/utils/upload-temp-image', status: 500 });
		copicake.fake.respondWith({ path: '/upload', reset: true });
		const image = Buffer.from('GIF89a fake gif');

		const result = await runCopicakeNode({
			parameters: create({
				changesMode: 'define',
				changes: { change: [{ kind: 'image', name: 'image-1', imageSource: 'binary', inputBinaryField: 'data' }] },
				download: true,
			}),
			items: [{ json: {}, binary: { data: { data: image.toString('base64'), mimeType: 'image/gif' } } }],
			credentials: copicake.credentials,
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('success');
		expect(copicake.fake.requestsTo('/v1/utils/upload-temp-image')).toHaveLength(2);
		expect(copicake.fake.requestsTo('/upload', 'POST')).toHaveLength(2);
		expect(copicake.fake.uploads.size).toBe(1);
		expect(copicake.fake.requestsTo('/v1/image/get').length).toBeGreaterThanOrEqual(2);
	});

	it('do not create again when a later step fails: waiting is not the create request', async () => {
		copicake.fake.respondWith({ path: '/v1/image/get', status: 500, times: 10 });

		const result = await run({ options: { maxRetries: 1 } });

		expect(result.error?.message).toMatch(/for rendering ".*" \(500 Internal server error, after 2 attempts\)/);
		expect(copicake.fake.createRequests).toHaveLength(1);
	});
});

describe('backoff', () => {
	it('doubles from the base delay up to the cap, with up to half of each pause random', () => {
		const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
		const ceilings = [100, 200, 400, 800, 1000, 1000];
		ceilings.forEach((ceiling, index) => {
			for (let sample = 0; sample < 50; sample++) {
				const delay = backoffDelay(policy, index + 1);
				expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
				expect(delay).toBeLessThanOrEqual(ceiling);
			}
		});
	});
});
