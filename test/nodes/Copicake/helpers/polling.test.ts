import type { INodeParameters } from 'n8n-workflow';

import { TEMPLATE_ID, useFakeCopicake } from '../../../helpers/fake-copicake';
import { runCopicakeNode } from '../../../helpers/n8n-engine';
import { waitUntil } from '../../../helpers/wait-until';

const createAndWait = (parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'rendering',
	operation: 'create',
	templateId: TEMPLATE_ID,
	changesMode: 'json',
	changesJson: '={{ [{ name: "text-1", text: $json.title }] }}',
	...parameters,
});

describe('Wait for Completion', () => {
	const copicake = useFakeCopicake({ renderMs: 1200 });
	const polls = () => copicake.fake.requestsTo('/v1/image/get');

	it('is on by default: the output is the finished rendering, found in a few polls', async () => {
		const result = await runCopicakeNode({
			parameters: createAndWait(),
			items: [{ json: { title: 'one' } }],
			credentials: copicake.credentials,
		});

		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json).toMatchObject({ status: 'success', changes: [{ name: 'text-1', text: 'one' }] });
		expect(item.json.permanent_url).toBe(`${copicake.credentials.baseUrl}/renderings/${item.json.id}.png`);
		expect(polls().every((poll) => poll.query.id === item.json.id)).toBe(true);
		expect(polls().length).toBeGreaterThanOrEqual(1);
		expect(polls().length).toBeLessThanOrEqual(3);
	});

	it('waits for all items at once: each is polled while the others are still rendering', async () => {
		const items = Array.from({ length: 20 }, (_, index) => ({ json: { title: `row ${index}` } }));

		const result = await runCopicakeNode({ parameters: createAndWait(), items, credentials: copicake.credentials });

		expect(result.items.map((item) => item.json.status)).toEqual(items.map(() => 'success'));
		expect(result.items.map((item) => (item.json.changes as Array<{ text: string }>)[0].text)).toEqual(
			items.map((item) => item.json.title),
		);
		// Every create was received before the first rendering could have finished.
		const lastCreate = Math.max(...copicake.fake.createRequests.map((request) => request.at));
		const firstCreate = Math.min(...copicake.fake.createRequests.map((request) => request.at));
		expect(lastCreate - firstCreate).toBeLessThan(1200);
	});

	it('polls a batch early once, not once per row: its renderings are alike', async () => {
		const items = Array.from({ length: 20 }, (_, index) => ({ json: { title: `row ${index}` } }));

		const result = await runCopicakeNode({ parameters: createAndWait(), items, credentials: copicake.credentials });

		expect(result.items.map((item) => item.json.status)).toEqual(items.map(() => 'success'));
		// A 1.2 s render is found by the poll after 2.25 s. The poll after 1 s finds nothing:
		// it is made once for the batch (a few more may race the first answer), not 20 times.
		const pollsPerRendering = result.items.map((item) => polls().filter((poll) => poll.query.id === item.json.id).length);
		expect(pollsPerRendering.every((count) => count >= 1 && count <= 2)).toBe(true);
		expect(polls().length).toBeLessThan(20 + 5);
	});

	it('does not hold a rendering back behind an older one that never finishes', async () => {
		copicake.fake.outcome = (_template, changes) =>
			(changes as Array<{ text: string }>)[0].text === 'stuck' ? 'never' : 'success';
		try {
			const items = ['stuck', 'a', 'b', 'c'].map((title) => ({ json: { title } }));
			const result = await runCopicakeNode({
				parameters: createAndWait({ options: { maxWait: 5 } }),
				items,
				credentials: copicake.credentials,
				continueOnFail: true,
			});

			expect(result.items[0].json.error).toMatch(/did not finish within 5 s/);
			for (const item of result.items.slice(1)) {
				expect(item.json.status).toBe('success');
				const title = (item.json.changes as Array<{ text: string }>)[0].text;
				const created = copicake.fake.createRequests.find((request) => request.body.changes[0].text === title)!;
				const found = polls().filter((poll) => poll.query.id === item.json.id).at(-1)!;
				// Found by its second scheduled poll (2.25 s), long before the stuck one gives up.
				expect(found.at - created.at).toBeLessThan(3000);
			}
		} finally {
			copicake.fake.outcome = () => 'success';
		}
	});

	it('makes a failed rendering an error for its item, naming the rendering', async () => {
		copicake.fake.outcome = (_template, changes) =>
			(changes as Array<{ text: string }>)[0].text === 'bad' ? 'failed' : 'success';
		try {
			const result = await runCopicakeNode({
				parameters: createAndWait(),
				items: [{ json: { title: 'good' } }, { json: { title: 'bad' } }],
				credentials: copicake.credentials,
				continueOnFail: true,
			});

			expect(result.items[0].json.status).toBe('success');
			const failedId = [...copicake.fake.renderings.values()].find((r) => r.status === 'failed').id;
			expect(result.items[1].json.error).toBe(`Rendering "${failedId}" failed at Copicake (item 1)`);
			expect(result.items[1].pairedItem).toEqual({ item: 1 });
		} finally {
			copicake.fake.outcome = () => 'success';
		}
	});

	it('treats the status "error" like "failed"', async () => {
		copicake.fake.outcome = () => 'error';
		try {
			const result = await runCopicakeNode({ parameters: createAndWait(), items: [{ json: { title: 'x' } }], credentials: copicake.credentials });

			expect(result.error?.message).toMatch(/failed at Copicake \(item 0\)/);
		} finally {
			copicake.fake.outcome = () => 'success';
		}
	});

	it('gives up after Max Wait with an error that names the rendering and what to do', async () => {
		copicake.fake.outcome = () => 'never';
		try {
			const result = await runCopicakeNode({
				parameters: createAndWait({ options: { maxWait: 2 } }),
				items: [{ json: { title: 'slow' } }],
				credentials: copicake.credentials,
			});

			const [rendering] = copicake.fake.renderings.values();
			expect(result.error?.message).toBe(`Rendering "${rendering.id}" did not finish within 2 s (item 0)`);
			expect(result.error?.description).toMatch(/Raise "Max Wait".*Copicake Trigger/);
			expect(polls().length).toBeLessThanOrEqual(3);
		} finally {
			copicake.fake.outcome = () => 'success';
		}
	});

	it('stops waiting at once when the execution is stopped', async () => {
		copicake.fake.outcome = () => 'never';
		try {
			let stop = () => {};
			const run = runCopicakeNode({
				parameters: createAndWait({ options: { maxWait: 600 } }),
				items: [{ json: { title: 'a' } }, { json: { title: 'b' } }],
				credentials: copicake.credentials,
				onStart: (execution) => (stop = execution.cancel),
			});
			await waitUntil(() => polls().length >= 2, 'the first polls');

			stop();
			const result = await run;

			expect(result.run.status).toBe('canceled');
			const pollsAtStop = polls().length;
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect(polls().length).toBe(pollsAtStop);
		} finally {
			copicake.fake.outcome = () => 'success';
		}
	});

	it('is off on request: the output is the processing rendering, with no poll', async () => {
		const result = await runCopicakeNode({
			parameters: createAndWait({ waitForCompletion: false }),
			items: [{ json: { title: 'x' } }],
			credentials: copicake.credentials,
		});

		expect(result.items[0].json).toMatchObject({ status: 'processing', permanent_url: '' });
		expect(polls()).toHaveLength(0);
	});

	it('applies to Get Rendering too', async () => {
		const created = await runCopicakeNode({
			parameters: createAndWait({ waitForCompletion: false }),
			items: [{ json: { title: 'x' } }],
			credentials: copicake.credentials,
		});

		const result = await runCopicakeNode({
			parameters: { resource: 'rendering', operation: 'get', renderingId: '={{ $json.id }}' },
			items: created.items,
			credentials: copicake.credentials,
		});

		expect(result.items[0].json).toMatchObject({ id: created.items[0].json.id, status: 'success' });
	});
});
