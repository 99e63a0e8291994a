import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { receiveRenderingCall } from './webhook';

export class CopicakeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Copicake Trigger',
		name: 'copicakeTrigger',
		icon: { light: 'file:../Copicake/copicake.svg', dark: 'file:../Copicake/copicake.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'When a rendering finishes',
		description: 'Starts the workflow when Copicake finishes a rendering',
		defaults: { name: 'Copicake Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'copicakeApi',
				required: true,
				// Needed only to verify: hidden (and not required) once verification is off.
				displayOptions: { hide: { 'options.verifyRendering': [false] } },
			},
		],
		webhooks: [{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: 'copicake' }],
		properties,
	};

	// Copicake has no API to register webhooks: the URL travels with each rendering. These
	// methods only tell n8n that there is nothing to set up or tear down.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveRenderingCall(this);
	}
}
