import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { idRouting } from '../../helpers/parameters';
import { completionFields, maxWaitOption, retryOption } from './common.fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Rendering ID',
		name: 'renderingId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. ki9ImK39lPRwb1oOpKbROkNWumFz',
		description: 'The ID of the rendering, as output by Create Rendering',
		routing: idRouting({
			parameter: 'renderingId',
			label: 'Rendering ID',
			hint: 'Set the ID of a rendering, usually with an expression such as {{ $json.id }} after Create Rendering.',
			type: 'query',
			property: 'id',
		}),
	},
	...completionFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [maxWaitOption, retryOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['rendering'], operation: ['get'] } },
	properties,
);
