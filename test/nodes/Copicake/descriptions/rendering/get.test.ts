import { TEMPLATE_ID, useFakeCopicake } from '../../../../helpers/fake-copicake';
import { runCopicakeNode } from '../../../../helpers/n8n-engine';

describe('Get Rendering', () => {
	const copicake = useFakeCopicake({ renderMs: 0 });
	const get = (renderingId: string, continueOnFail = false, items = [{ json: {} }]) =>
		runCopicakeNode({
			parameters: { resource: 'rendering', operation: 'get', renderingId, waitForCompletion: false },
			items,
			credentials: copicake.credentials,
			continueOnFail,
		});

	async function createRendering(options = {}) {
		const result = await runCopicakeNode({
			parameters: { resource: 'rendering', operation: 'create', templateId: TEMPLATE_ID, changesMode: 'json', changesJson: '[{"name":"text-1","text":"Hi"}]', waitForCompletion: false, options },
			credentials: copicake.credentials,
		});
		return result.items[0].json;
	}

	it('reads a rendering by ID and outputs it unwrapped, finished with its image URL', async () => {
		const created = await createRendering({ format: 'jpg' });

		const result = await get(created.id as string);

		expect(result.error).toBeUndefined();
		const request = copicake.fake.requestsTo('/v1/image/get')[0];
		expect(request.query).toEqual({ id: created.id });
		expect(result.items).toEqual([
			{
				json: {
					...created,
					status: 'success',
					permanent_url: `${copicake.credentials.baseUrl}/renderings/${created.id}.jpg`,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('takes the ID from the input item through an expression', async () => {
		const created = await createRendering();

		const result = await get('={{ $json.id }}', false, [{ json: created }]);

		expect(copicake.fake.requestsTo('/v1/image/get')[0].query).toEqual({ id: created.id });
		expect(result.items[0].json.id).toBe(created.id);
	});

	it('trims the ID, as pasted or taken from a sheet', async () => {
		const created = await createRendering();

		const result = await get(`  ${created.id as string}\n`);

		expect(copicake.fake.requestsTo('/v1/image/get')[0].query).toEqual({ id: created.id });
		expect(result.items[0].json.id).toBe(created.id);
	});

	it('reports an unknown rendering as a 404 naming it', async () => {
		const result = await get('noSuchRendering');

		expect(result.error).toMatchObject({ httpCode: '404' });
		expect(result.error?.message).toMatch(/Copicake has no rendering "noSuchRendering" \(404 Not found\)/);
	});

	it('stops an empty rendering ID before any request', async () => {
		const result = await get('  ');

		expect(result.error?.message).toMatch(/"Rendering ID" is empty \(item 0\)/);
		expect(copicake.fake.requests).toHaveLength(0);
	});

	it('with Continue On Fail, outputs the error as the item', async () => {
		const result = await get('noSuchRendering', true);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toMatch(/no rendering "noSuchRendering"/);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});
});
