import type { INodeParameters } from 'n8n-workflow';

import { API_KEY, OTHER_ACCOUNTS_TEMPLATE, TEMPLATE_ID, useFakeCopicake } from '../../../../helpers/fake-copicake';
import { runCopicakeNode } from '../../../../helpers/n8n-engine';

const RENDERING_FIELDS = [
	'changes',
	'created_at',
	'created_by',
	'id',
	'options',
	'permanent_url',
	'status',
	'template_id',
	'type',
];

/** Create Rendering without waiting, so each item is exactly one create request. */
function create(parameters: INodeParameters): INodeParameters {
	return {
		resource: 'rendering',
		operation: 'create',
		templateId: TEMPLATE_ID,
		waitForCompletion: false,
		...parameters,
	};
}

/** Three rows as a Google Sheets or Airtable node would output them. */
const SHEET_ROWS = [
	{ row_number: 2, name: 'Ada Lovelace', photo: 'https://example.com/ada.png', profile: 'https://example.com/ada', email: 'ada@example.com' },
	{ row_number: 3, name: 'Alan Turing', photo: 'https://example.com/alan.png', profile: 'https://example.com/alan', email: 'alan@example.com' },
	{ row_number: 4, name: 'Grace Hopper', photo: 'https://example.com/grace.png', profile: 'https://example.com/grace', email: 'grace@example.com' },
].map((json) => ({ json }));

describe('Create Rendering', () => {
	// Renderings stay "processing" for the whole test: these tests look at the create request.
	const copicake = useFakeCopicake({ renderMs: 60_000 });
	const run = (parameters: INodeParameters, items = [{ json: {} }], continueOnFail = false) =>
		runCopicakeNode({
			parameters: create(parameters),
			items,
			credentials: copicake.credentials,
			continueOnFail,
		});
	const sentBodies = () => copicake.fake.createRequests.map((request) => request.body);

	describe('changes defined in the editor', () => {
		it('sends each kind of change with only the keys that kind takes and the user set', async () => {
			const result = await run({
				changesMode: 'define',
				changes: {
					change: [
						{ kind: 'text', name: 'text-9so09m', text: 'Hello', fill: '#ff0000', stroke: '', textBackgroundColor: '#00ff00', src: 'left over from an earlier kind' },
						{ kind: 'image', name: 'image-yeavh7', src: 'https://example.com/a.png', stroke: '#000000', text: 'not for images' },
						{ kind: 'qrcode', name: 'qrcode-k3j2h1', content: 'https://copicake.com', fill: '#111111' },
						{ kind: 'shape', name: 'rect-p0o9i8', fill: '#222222', stroke: '#333333', content: 'not for shapes' },
					],
				},
			});

			expect(result.error).toBeUndefined();
			expect(sentBodies()).toEqual([
				{
					template_id: TEMPLATE_ID,
					changes: [
						{ name: 'text-9so09m', text: 'Hello', fill: '#ff0000', textBackgroundColor: '#00ff00' },
						{ name: 'image-yeavh7', src: 'https://example.com/a.png', stroke: '#000000' },
						{ name: 'qrcode-k3j2h1', content: 'https://copicake.com', fill: '#111111' },
						{ name: 'rect-p0o9i8', fill: '#222222', stroke: '#333333' },
					],
				},
			]);
		});

		it('renders three spreadsheet rows with expressions, one rendering per row, paired to its row', async () => {
			const result = await run(
				{
					changesMode: 'define',
					changes: {
						change: [
							{ kind: 'text', name: 'text-9so09m', text: '=Welcome, {{ $json.name }}!' },
							{ kind: 'image', name: 'image-yeavh7', src: '={{ $json.photo }}' },
							{ kind: 'qrcode', name: 'qrcode-k3j2h1', content: '={{ $json.profile }}' },
						],
					},
				},
				SHEET_ROWS,
			);

			expect(result.error).toBeUndefined();
			expect(sentBodies().map((body) => body.changes)).toEqual(
				SHEET_ROWS.map(({ json }) => [
					{ name: 'text-9so09m', text: `Welcome, ${json.name}!` },
					{ name: 'image-yeavh7', src: json.photo },
					{ name: 'qrcode-k3j2h1', content: json.profile },
				]),
			);
			expect(result.items).toHaveLength(3);
			result.items.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json.changes).toEqual(sentBodies()[index].changes);
			});
		});

		it('turns a number from the input into text', async () => {
			await run(
				{ changesMode: 'define', changes: { change: [{ kind: 'text', name: 'text-price', text: '={{ $json.price }}' }] } },
				[{ json: { price: 42 } }],
			);

			expect(sentBodies()[0].changes).toEqual([{ name: 'text-price', text: '42' }]);
		});

		it('sends no changes at all when the list is empty', async () => {
			const result = await run({ changesMode: 'define', changes: {} });

			expect(result.error).toBeUndefined();
			expect(sentBodies()).toEqual([{ template_id: TEMPLATE_ID, changes: [] }]);
		});
	});

	describe('changes as JSON', () => {
		it('sends the array as given, including keys the editor does not offer', async () => {
			const changes = [
				{ name: 'text-9so09m', text: 'From JSON', fill: '#abcdef' },
				{ name: 'image-yeavh7', src: 'https://example.com/b.png' },
			];
			await run({ changesMode: 'json', changesJson: JSON.stringify(changes) });

			expect(sentBodies()[0].changes).toEqual(changes);
		});

		it('takes the array from an expression, per row', async () => {
			await run(
				{ changesMode: 'json', changesJson: '={{ [{ name: "text-9so09m", text: $json.name }] }}' },
				SHEET_ROWS,
			);

			expect(sentBodies().map((body) => body.changes)).toEqual(
				SHEET_ROWS.map(({ json }) => [{ name: 'text-9so09m', text: json.name }]),
			);
		});
	});

	describe('changes mapped from the input fields', () => {
		const rows = [
			{ 'text-9so09m': 'Ada', 'image-yeavh7': 'https://example.com/ada.png', 'qrcode-k3j2h1': 'https://example.com/ada', email: 'ada@example.com', row_number: 2 },
			{ 'text-9so09m': 'Alan', 'image-yeavh7': 'https://example.com/alan.png', 'qrcode-k3j2h1': 'https://example.com/alan', email: 'alan@example.com', row_number: 3 },
			{ 'text-9so09m': 'Grace', 'image-yeavh7': '', 'qrcode-k3j2h1': 'https://example.com/grace', email: 'grace@example.com', row_number: 4 },
		].map((json) => ({ json }));
		const expectedChanges = (json: Record<string, unknown>) =>
			[
				{ name: 'text-9so09m', text: json['text-9so09m'] },
				{ name: 'image-yeavh7', src: json['image-yeavh7'] },
				{ name: 'qrcode-k3j2h1', content: json['qrcode-k3j2h1'] },
			].filter((change) => Object.values(change).every((value) => value !== ''));

		it('maps the chosen columns of three rows to their elements by name prefix, leaving empty cells out', async () => {
			const result = await run(
				{ changesMode: 'mapFields', fieldsToMap: 'selected', includeFields: 'text-9so09m, image-yeavh7,qrcode-k3j2h1' },
				rows,
			);

			expect(result.error).toBeUndefined();
			expect(sentBodies().map((body) => body.changes)).toEqual(rows.map(({ json }) => expectedChanges(json)));
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		});

		it('maps all fields except the ones left out', async () => {
			await run({ changesMode: 'mapFields', fieldsToMap: 'except', excludeFields: 'email,row_number' }, rows);

			expect(sentBodies().map((body) => body.changes)).toEqual(rows.map(({ json }) => expectedChanges(json)));
		});

		it('maps every field by default, and sends an object value as the element\'s properties', async () => {
			await run({ changesMode: 'mapFields' }, [
				{ json: { 'text-title': 'Hi', 'rect-badge': { fill: '#ff0000', stroke: '#000000' }, count: 3 } },
			]);

			expect(sentBodies()[0].changes).toEqual([
				{ name: 'text-title', text: 'Hi' },
				{ name: 'rect-badge', fill: '#ff0000', stroke: '#000000' },
				{ name: 'count', text: '3' },
			]);
		});
	});

	describe('options', () => {
		it('sends the format and the webhook URL under options', async () => {
			const result = await run({
				changesMode: 'json',
				changesJson: '[]',
				options: { format: 'jpg', webhookUrl: 'https://n8n.example.com/webhook/abc/copicake' },
			});

			expect(sentBodies()[0]).toEqual({
				template_id: TEMPLATE_ID,
				changes: [],
				options: { format: 'jpg', webhook_url: 'https://n8n.example.com/webhook/abc/copicake' },
			});
			expect(result.items[0].json.options).toEqual({
				format: 'jpg',
				webhook_url: 'https://n8n.example.com/webhook/abc/copicake',
			});
		});

		it('sends no options object when none is set', async () => {
			await run({ changesMode: 'json', changesJson: '[]' });

			expect(sentBodies()[0]).not.toHaveProperty('options');
		});
	});

	it('outputs the rendering itself, unwrapped from the envelope, and authenticates with the key', async () => {
		const result = await run({ changesMode: 'json', changesJson: '[{"name":"text-9so09m","text":"Hi"}]' });

		const [item] = result.items;
		expect(Object.keys(item.json).sort()).toEqual(RENDERING_FIELDS);
		expect(item.json).toMatchObject({
			type: 'image',
			status: 'processing',
			template_id: TEMPLATE_ID,
			permanent_url: '',
			changes: [{ name: 'text-9so09m', text: 'Hi' }],
		});
		expect(copicake.fake.renderings.get(item.json.id as string)).toEqual(item.json);
		expect(copicake.fake.createRequests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
	});

	it('trims the template ID that comes from a spreadsheet cell', async () => {
		await run({ templateId: '={{ $json.template }}', changesMode: 'json', changesJson: '[]' }, [
			{ json: { template: `  ${TEMPLATE_ID}  ` } },
		]);

		expect(sentBodies()[0].template_id).toBe(TEMPLATE_ID);
	});

	describe('API errors', () => {
		it.each([
			[400, /rejected the request for template "jfwrFJdR3z1eF8BcEhSnAFyhxgOq" as invalid \(400 Bad request\)/, /every change needs the name/],
			[401, /refused the request .* \(401 Unauthorized\): wrong API key/, /Check the API key/],
			[404, /has no template "jfwrFJdR3z1eF8BcEhSnAFyhxgOq" \(404 Not found\)/, /Check the ID/],
			[429, /quota is used up \(429 Rate limit exceeded\)/, /Retrying now will not help/],
			[500, /internal error for template .* \(500 Internal server error, after 2 attempts\)/, /fault at Copicake/],
		])('turns a %i into a clear message and advice', async (status, message, description) => {
			copicake.fake.respondWith({ path: '/v1/image/create', status, times: 2 });

			const result = await run({ changesMode: 'json', changesJson: '[]', options: { maxRetries: 1 } });

			expect(result.error).toMatchObject({ httpCode: String(status) });
			expect(result.error?.message).toMatch(message);
			expect(result.error?.description).toMatch(description);
			expect(result.error?.description ?? '').not.toMatch(/batching/i);
		});

		it('does not retry a used-up quota', async () => {
			copicake.fake.respondWith({ path: '/v1/image/create', status: 429, times: 5 });

			await run({ changesMode: 'json', changesJson: '[]' });

			expect(copicake.fake.createRequests).toHaveLength(1);
		});

		it('refuses a template of another account (401) and a wrong key (401) with the same advice', async () => {
			const otherTemplate = await run({ templateId: OTHER_ACCOUNTS_TEMPLATE, changesMode: 'json', changesJson: '[]' });
			const wrongKey = await runCopicakeNode({
				parameters: create({ changesMode: 'json', changesJson: '[]' }),
				credentials: { ...copicake.credentials, apiKey: 'ck_wrong_00000000' },
			});

			for (const result of [otherTemplate, wrongKey]) {
				expect(result.error).toMatchObject({ httpCode: '401' });
				expect(result.error?.message).toMatch(/wrong API key, or the template ".*" belongs to another account/);
			}
		});
	});

	describe('bad parameters fail before any request, naming the field and the item', () => {
		it.each<[string, INodeParameters, RegExp]>([
			['an empty template ID', { templateId: '={{ $json.missing }}', changesMode: 'json', changesJson: '[]' }, /"Template ID" is empty \(item 0\)/],
			['invalid JSON', { changesMode: 'json', changesJson: '[{"name": "text-1",' }, /"Changes \(JSON\)" is not valid JSON \(item 0\)/],
			['JSON that is not an array', { changesMode: 'json', changesJson: '{"name": "text-1"}' }, /"Changes \(JSON\)" must be an array of changes \(item 0\)/],
			['a JSON change without a name', { changesMode: 'json', changesJson: '[{"name":"a"},{"text":"no name"}]' }, /Change 2 of "Changes \(JSON\)" has no "name" \(item 0\)/],
			['a defined change without a name', { changesMode: 'define', changes: { change: [{ kind: 'text', name: ' ', text: 'x' }] } }, /Change 1 has no element name \(item 0\)/],
			['an item with nothing to map', { changesMode: 'mapFields', fieldsToMap: 'except', excludeFields: 'email, tags' }, /The item has no field to map to a change \(item 0\)/],
			['a mapped field holding a list', { changesMode: 'mapFields', fieldsToMap: 'selected', includeFields: 'tags' }, /Field "tags" holds a list/],
			['an empty list of fields to map', { changesMode: 'mapFields', fieldsToMap: 'selected', includeFields: ' , ' }, /"Fields to Include" is empty/],
		])('%s', async (_case, parameters, message) => {
			const result = await run(parameters, [{ json: { email: 'a@example.com', tags: ['a', 'b'] } }]);

			expect(result.error?.message).toMatch(message);
			expect(result.error?.description).toBeTruthy();
			expect(copicake.fake.requests).toHaveLength(0);
		});
	});

	it('with Continue On Fail, outputs one item per input item, paired, errors in place of failed rows', async () => {
		const rows = [
			{ template: TEMPLATE_ID, title: 'good 1' },
			{ template: '', title: 'no template' },
			{ template: 'unknownTemplate', title: 'unknown template' },
			{ template: TEMPLATE_ID, title: 'good 2' },
			{ template: OTHER_ACCOUNTS_TEMPLATE, title: 'other account' },
		].map((json) => ({ json }));

		const result = await run(
			{
				templateId: '={{ $json.template }}',
				changesMode: 'define',
				changes: { change: [{ kind: 'text', name: 'text-9so09m', text: '={{ $json.title }}' }] },
			},
			rows,
			true,
		);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5);
		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(result.items[0].json).toMatchObject({ status: 'processing', changes: [{ name: 'text-9so09m', text: 'good 1' }] });
		expect(result.items[3].json).toMatchObject({ status: 'processing', changes: [{ name: 'text-9so09m', text: 'good 2' }] });
		expect(result.items[1].json.error).toMatch(/"Template ID" is empty \(item 1\)/);
		expect(result.items[2].json.error).toMatch(/has no template "unknownTemplate" \(404/);
		expect(result.items[4].json.error).toMatch(/\(401 Unauthorized\)/);
		// The row without a template never reached Copicake.
		const titlesSent = copicake.fake.createRequests.map((request) => request.body.changes[0].text);
		expect(titlesSent).not.toContain('no template');
		expect(titlesSent).toEqual(expect.arrayContaining(['good 1', 'unknown template', 'good 2', 'other account']));
	});
});
