import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { API_KEY, TEMPLATE_ID, useFakeCopicake } from '../../helpers/fake-copicake';
import { waitUntil } from '../../helpers/wait-until';

/**
 * The trigger's tests rely on the fake Copicake calling a rendering's webhook as the contract
 * says (../shared/copicake-api.md, "The webhook"). These tests pin that down with a bare
 * receiver that records exactly what arrives.
 */
interface Received {
	method?: string;
	url?: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

function useReceiver() {
	const receiver = { url: '', received: [] as Received[], status: 200 };
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			receiver.received.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString() });
			response.writeHead(receiver.status, { 'content-type': 'application/json' });
			response.end('{"ok":true}');
		});
	});
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	beforeEach(() => {
		receiver.received = [];
		receiver.status = 200;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});
	return receiver;
}

describe("the fake Copicake's webhook calls", () => {
	const receiver = useReceiver();

	function create(baseUrl: string, webhookUrl: string, changes = [{ name: 'text-1', text: 'Hi' }]) {
		return fetch(`${baseUrl}/v1/image/create`, {
			method: 'POST',
			headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ template_id: TEMPLATE_ID, changes, options: { webhook_url: webhookUrl } }),
		}).then(async (response) => ((await response.json()) as { data: { id: string; status: string } }).data);
	}

	describe('for a rendering that succeeds', () => {
		const copicake = useFakeCopicake({ renderMs: 30 });

		it('is one GET, once finished, with rendering_id and the URL-encoded permanent_url only', async () => {
			const created = await create(copicake.credentials.baseUrl, `${receiver.url}/hooks/copicake`);
			expect(created.status).toBe('processing');
			expect(receiver.received).toEqual([]);

			await waitUntil(() => copicake.fake.webhookCalls[0]?.status === 200, 'the webhook call');

			const permanentUrl = `${copicake.credentials.baseUrl}/renderings/${created.id}.png`;
			expect(copicake.fake.renderings.get(created.id)).toMatchObject({ status: 'success', permanent_url: permanentUrl });
			expect(receiver.received).toHaveLength(1);
			const [call] = receiver.received;
			expect(call.method).toBe('GET');
			expect(call.url).toBe(`/hooks/copicake?rendering_id=${created.id}&permanent_url=${encodeURIComponent(permanentUrl)}`);
			expect(call.url).toContain('permanent_url=http%3A%2F%2F127.0.0.1%3A');
			// No body, no signature, no key: nothing else is sent.
			expect(call.body).toBe('');
			expect(call.headers['content-type']).toBeUndefined();
			expect(call.headers.authorization).toBeUndefined();
			expect(JSON.stringify(call.headers)).not.toContain(API_KEY);
		});

		it('joins its parameters with "&" when the webhook URL already has a query', async () => {
			const created = await create(copicake.credentials.baseUrl, `${receiver.url}/hook?a=1`);

			await waitUntil(() => receiver.received.length === 1, 'the webhook call');

			expect(receiver.received[0].url).toMatch(new RegExp(`^/hook\\?a=1&rendering_id=${created.id}&permanent_url=http%3A`));
		});

		it('records the status and body each call got', async () => {
			receiver.status = 404;
			const created = await create(copicake.credentials.baseUrl, `${receiver.url}/gone`);

			await waitUntil(() => copicake.fake.webhookCalls[0]?.status === 404, 'the webhook call to be answered');

			expect(copicake.fake.webhookCalls).toEqual([
				{ url: expect.stringContaining(`/gone?rendering_id=${created.id}&`), status: 404, body: '{"ok":true}' },
			]);
		});

		it('is made once, however often the rendering is read afterwards', async () => {
			const created = await create(copicake.credentials.baseUrl, `${receiver.url}/once`);
			await waitUntil(() => receiver.received.length === 1, 'the webhook call');

			for (let read = 0; read < 3; read++) {
				await fetch(`${copicake.credentials.baseUrl}/v1/image/get?id=${created.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
			}

			expect(copicake.fake.webhookCalls).toHaveLength(1);
			expect(receiver.received).toHaveLength(1);
		});
	});

	describe('for a rendering that fails', () => {
		const copicake = useFakeCopicake({ renderMs: 0, outcome: () => 'failed' });

		it('is made too by default, with an empty permanent_url', async () => {
			const created = await create(copicake.credentials.baseUrl, `${receiver.url}/failed`);

			await waitUntil(() => receiver.received.length === 1, 'the webhook call');

			expect(receiver.received[0].url).toBe(`/failed?rendering_id=${created.id}&permanent_url=`);
		});
	});

	describe('for a failing rendering with webhookOnFailure off', () => {
		const copicake = useFakeCopicake({ renderMs: 0, outcome: () => 'failed', webhookOnFailure: false });

		it('is not made', async () => {
			const created = await create(copicake.credentials.baseUrl, `${receiver.url}/never`);

			// The call would be recorded as the rendering settles, before any answer.
			await waitUntil(() => copicake.fake.renderings.get(created.id)?.status === 'failed', 'the rendering to fail');

			expect(copicake.fake.webhookCalls).toEqual([]);
			expect(receiver.received).toEqual([]);
		});
	});
});
