import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { rendering } from './descriptions';

export class Copicake implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Copicake',
		name: 'copicake',
		icon: { light: 'file:copicake.svg', dark: 'file:copicake.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Render images (social posts, banners, certificates) from Copicake templates',
		defaults: { name: 'Copicake' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'copicakeApi', required: true }],
		requestDefaults: {
			baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
			json: true,
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Rendering', value: 'rendering' }],
				default: 'rendering',
			},
			...rendering.description,
		],
	};
}
