import type { INodeProperties } from 'n8n-workflow';

import { downloadImage } from '../../helpers/binary';
import { waitForRendering } from '../../helpers/polling';
import { unwrapRendering } from '../../helpers/rendering';
import { sendWithRetries } from '../../transport';
import * as create from './create.operation';
import * as get from './get.operation';

/**
 * Every operation sends its request through `sendWithRetries` (n8n runs it in place of its own
 * send, through the custom-pagination hook) for per-item retries and clear errors.
 */
const sentWithRetries = {
	send: { paginate: true },
	operations: { pagination: sendWithRetries },
};

/** After the request: the rendering out of its envelope, then waited for, then downloaded. */
const renderingSteps = { postReceive: [unwrapRendering, waitForRendering, downloadImage] };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['rendering'] } },
		default: 'create',
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a rendering',
				description: 'Render an image from a template and a list of changes',
				routing: {
					...sentWithRetries,
					request: { method: 'POST', url: '/v1/image/create' },
					output: renderingSteps,
				},
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a rendering',
				description: 'Read a rendering: its status and, once done, the URL of its image',
				routing: {
					...sentWithRetries,
					request: { method: 'GET', url: '/v1/image/get' },
					output: renderingSteps,
				},
			},
		],
	},
	...create.description,
	...get.description,
];
