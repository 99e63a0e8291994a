import type { INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { NODE_TYPE, nodeType } from '../../helpers/n8n-engine';

const { description } = nodeType(NODE_TYPE);
const operations = description.properties.find((property) => property.name === 'operation')!
	.options as Array<{ value: string; action: string }>;

/** Walks every parameter, with the list of its siblings (what its displayOptions may refer to). */
function* walk(
	properties: INodeProperties[],
	path = '',
): Generator<{ property: INodeProperties; siblings: INodeProperties[]; path: string }> {
	for (const property of properties) {
		yield { property, siblings: properties, path: `${path}${property.name}` };
		for (const option of property.options ?? []) {
			if ('values' in option) yield* walk(option.values, `${path}${property.name}.${option.name}.`);
			else if ('type' in option) yield* walk([option as INodeProperties], `${path}${property.name}.`);
		}
	}
}

/** The top-level parameters the editor shows for one operation. */
function visibleFor(operation: string) {
	return description.properties.filter((property) =>
		NodeHelpers.displayParameter({ resource: 'rendering', operation }, property, null, description),
	);
}

describe('Copicake node description', () => {
	it('is the declarative "copicake" node with the public names workflows are saved with', () => {
		expect(description).toMatchObject({
			name: 'copicake',
			displayName: 'Copicake',
			usableAsTool: true,
			credentials: [{ name: 'copicakeApi', required: true }],
		});
		expect(nodeType(NODE_TYPE).execute).toBeUndefined();
		expect(operations.map(({ value, action }) => [value, action])).toEqual([
			['create', 'Create a rendering'],
			['get', 'Get a rendering'],
		]);
	});

	it('gives every parameter a default and a description an agent can read', () => {
		for (const { property, path } of walk(description.properties)) {
			expect({ path, hasDefault: property.default !== undefined }).toEqual({ path, hasDefault: true });
		}
		const agentFields = ['templateId', 'changesJson', 'renderingId'];
		for (const name of agentFields) {
			const field = description.properties.find((property) => property.name === name);
			expect(field?.description?.length).toBeGreaterThan(40);
		}
	});

	it('refers only to parameters that exist, in every displayOptions', () => {
		for (const { property, siblings, path } of walk(description.properties)) {
			const conditions = { ...property.displayOptions?.show, ...property.displayOptions?.hide };
			for (const key of Object.keys(conditions)) {
				const known = key.startsWith('@') || siblings.some((sibling) => sibling.name === key);
				expect({ path, refersTo: key, known }).toEqual({ path, refersTo: key, known: true });
			}
		}
	});

	it.each(operations.map(({ value }) => value))('shows each name once for the %s operation', (operation) => {
		const names = visibleFor(operation).map((property) => property.name);
		expect(names).toEqual([...new Set(names)]);
	});

	it('gives the collections unique option names', () => {
		for (const { property, path } of walk(description.properties)) {
			if (!['collection', 'fixedCollection'].includes(property.type)) continue;
			const names = (property.options ?? []).map((option) => option.name);
			expect({ path, names }).toEqual({ path, names: [...new Set(names)] });
		}
	});

	it('resolves the defaults of a new node to a valid Create Rendering', () => {
		const parameters = NodeHelpers.getNodeParameters(description.properties, {}, true, false, null, description);
		expect(parameters).toMatchObject({ resource: 'rendering', operation: 'create', templateId: '', changesMode: 'define' });
	});
});
