import type { INodeParameters } from 'n8n-workflow';

import { generatedPng } from '../../../fake-copicake/images';
import { API_KEY, TEMPLATE_ID, useFakeCopicake } from '../../../helpers/fake-copicake';
import { NODE_TYPE, nodeType, runCopicakeNode } from '../../../helpers/n8n-engine';

const create = (parameters: INodeParameters): INodeParameters => ({
	resource: 'rendering',
	operation: 'create',
	templateId: TEMPLATE_ID,
	changesMode: 'json',
	changesJson: '[{"name":"text-1","text":"Hi"}]',
	...parameters,
});

/** An input item carrying a file in a binary field, as Read Binary File or an HTTP download would. */
function itemWithFile(field: string, data: Buffer, mimeType: string, fileName: string) {
	return { json: {}, binary: { [field]: { data: data.toString('base64'), mimeType, fileName } } };
}

describe('Download Image', () => {
	const copicake = useFakeCopicake({ renderMs: 100 });

	it.each([
		['png', 'image/png'],
		['jpg', 'image/jpeg'],
	])('puts the finished %s in the binary field, byte for byte, with its MIME type and name', async (format, mimeType) => {
		const result = await runCopicakeNode({
			parameters: create({ download: true, binaryPropertyName: 'image', options: { format } }),
			credentials: copicake.credentials,
		});

		expect(result.error).toBeUndefined();
		const [item] = result.items;
		const id = item.json.id as string;
		expect(item.json).toMatchObject({ status: 'success', permanent_url: `${copicake.credentials.baseUrl}/renderings/${id}.${format}` });
		const served = copicake.fake.servedImages.get(id)!;
		expect(item.binary?.image).toMatchObject({ mimeType, fileName: `${id}.${format}`, fileExtension: format });
		expect(Buffer.from(item.binary!.image.data, 'base64').equals(served)).toBe(true);
		// The image is public: its download carries no API key.
		const download = copicake.fake.requestsTo(`/renderings/${id}.${format}`)[0];
		expect(download.headers.authorization).toBeUndefined();
	});

	it('downloads each row\'s own image', async () => {
		const result = await runCopicakeNode({
			parameters: create({ download: true, changesJson: '={{ [{ name: "text-1", text: $json.title }] }}' }),
			items: ['a', 'b', 'c'].map((title) => ({ json: { title } })),
			credentials: copicake.credentials,
		});

		for (const item of result.items) {
			const served = copicake.fake.servedImages.get(item.json.id as string)!;
			expect(Buffer.from(item.binary!.data.data, 'base64').equals(served)).toBe(true);
		}
		expect(result.items.map((item) => (item.json.changes as Array<{ text: string }>)[0].text)).toEqual(['a', 'b', 'c']);
	});

	it('downloads with Get Rendering too', async () => {
		const created = await runCopicakeNode({ parameters: create({}), credentials: copicake.credentials });

		const result = await runCopicakeNode({
			parameters: { resource: 'rendering', operation: 'get', renderingId: '={{ $json.id }}', download: true },
			items: created.items,
			credentials: copicake.credentials,
		});

		expect(result.items[0].binary?.data.fileName).toBe(`${created.items[0].json.id}.png`);
	});

	it('downloads nothing unless asked', async () => {
		const result = await runCopicakeNode({ parameters: create({}), credentials: copicake.credentials });

		expect(result.items[0].binary).toBeUndefined();
		expect(copicake.fake.servedImages.size).toBe(0);
	});
});

describe('an image change from a binary field', () => {
	const copicake = useFakeCopicake({ renderMs: 100 });
	const photo = generatedPng('a photo from an earlier step', 5000);
	const imageFromBinary = (field = 'photo') => ({
		changesMode: 'define',
		changes: {
			change: [
				{ kind: 'text', name: 'text-1', text: 'Hello' },
				{ kind: 'image', name: 'image-yeavh7', imageSource: 'binary', inputBinaryField: field, stroke: '#000000' },
			],
		},
	});

	it('is uploaded in two steps and its URL becomes the change\'s src', async () => {
		const result = await runCopicakeNode({
			parameters: create({ ...imageFromBinary(), waitForCompletion: false }),
			items: [itemWithFile('photo', photo, 'image/png', 'photo.png')],
			credentials: copicake.credentials,
		});

		expect(result.error).toBeUndefined();
		const [presign] = copicake.fake.requestsTo('/v1/utils/upload-temp-image', 'GET');
		expect(presign.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(presign.query.file).toMatch(/^\w+\.png$/);

		const [upload] = copicake.fake.requestsTo('/upload', 'POST');
		expect(upload.headers.authorization).toBeUndefined();
		const { fields, file } = upload.body;
		expect(fields.key).toMatch(new RegExp(`/${presign.query.file}$`));
		expect(file.data.equals(photo)).toBe(true);
		expect(file.contentType).toBe('image/png');

		const src = `${copicake.credentials.baseUrl}/upload/${fields.key}`;
		expect(copicake.fake.createRequests[0].body.changes).toEqual([
			{ name: 'text-1', text: 'Hello' },
			{ name: 'image-yeavh7', src, stroke: '#000000' },
		]);
		// What the rendering will show is exactly the file of the input item.
		const served = await fetch(src);
		expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true);
	});

	it('refuses a file type Copicake cannot take, before any upload', async () => {
		const result = await runCopicakeNode({
			parameters: create(imageFromBinary()),
			items: [itemWithFile('photo', Buffer.from('%PDF-1.7'), 'application/pdf', 'a.pdf')],
			credentials: copicake.credentials,
		});

		expect(result.error?.message).toBe(
			'Binary field "photo" holds a application/pdf, not an image Copicake can take (item 0)',
		);
		expect(result.error?.description).toMatch(/PNG, JPG or GIF/);
		expect(copicake.fake.requests).toHaveLength(0);
	});

	it('names the missing binary field and the change', async () => {
		const result = await runCopicakeNode({
			parameters: create(imageFromBinary('picture')),
			items: [itemWithFile('photo', photo, 'image/png', 'photo.png')],
			credentials: copicake.credentials,
		});

		expect(result.error?.message).toBe(
			'The input item has no binary field "picture" for image change "image-yeavh7" (item 0)',
		);
		expect(copicake.fake.requests).toHaveLength(0);
	});

	it('explains that Copicake deletes the uploaded file within a day', () => {
		const changes = nodeType(NODE_TYPE).description.properties.find((property) => property.name === 'changes');
		const [{ values }] = changes!.options as Array<{ values: Array<{ name: string; hint?: string; description?: string }> }>;
		const field = values.find((value) => value.name === 'inputBinaryField')!;
		expect(`${field.hint} ${field.description}`).toMatch(/deletes .* within a day/);
	});
});
