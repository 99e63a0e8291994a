import type { INode } from 'n8n-workflow';

import { changesFromItem, changesFromJson, mainPropertyFor } from '../../../../nodes/Copicake/helpers/changes';

const place = { node: { name: 'Copicake' } as INode, itemIndex: 4 };

describe('change building', () => {
	it.each([
		['image-yeavh7', 'src'],
		['qrcode-k3j2h1', 'content'],
		['text-9so09m', 'text'],
		['headline', 'text'],
	])('puts a plain value for %s into %s', (name, property) => {
		expect(mainPropertyFor(name)).toBe(property);
	});

	it('accepts JSON given as an array already (an expression result) and as an empty string', () => {
		const changes = [{ name: 'text-1', text: 'a' }];
		expect(changesFromJson(changes, place)).toBe(changes);
		expect(changesFromJson('  ', place)).toEqual([]);
	});

	it.each([
		['null', /must be an array/],
		['[null]', /Change 1 of "Changes \(JSON\)" has no "name"/],
		['[["text-1"]]', /has no "name"/],
		['[{"name": 7}]', /has no "name"/],
		['[{"name": "  "}]', /has no "name"/],
	])('rejects %s, naming the item', (json, message) => {
		expect(() => changesFromJson(json, place)).toThrow(message);
		expect(() => changesFromJson(json, place)).toThrow(/\(item 4\)/);
	});

	it('skips a selected field missing from the item (Airtable leaves empty fields out)', () => {
		const changes = changesFromItem({ 'text-1': 'a' }, { include: 'selected', fields: 'text-1,text-2' }, place);
		expect(changes).toEqual([{ name: 'text-1', text: 'a' }]);
	});

	it('keeps the field name as the element name even when the object value has its own', () => {
		const changes = changesFromItem({ 'text-1': { name: 'other', text: 'a' } }, { include: 'all', fields: '' }, place);
		expect(changes).toEqual([{ name: 'text-1', text: 'a' }]);
	});

	it('leaves null and empty values out and turns booleans into text', () => {
		const changes = changesFromItem({ a: null, b: '', c: false }, { include: 'all', fields: '' }, place);
		expect(changes).toEqual([{ name: 'c', text: 'false' }]);
	});
});
