import type { INodeProperties } from 'n8n-workflow';

/** The parameters of the Copicake Trigger: how to use its URL, and which calls start the workflow. */
export const properties: INodeProperties[] = [
	{
		displayName:
			'Copicake calls a URL when a rendering finishes, but has no place to register one: the URL goes with each rendering. Copy the <b>Production URL</b> above (under Webhook URLs) into the <b>Webhook URL</b> option of the Copicake node that creates the renderings, or wherever Copicake asks for a webhook, then publish (activate) this workflow. The Test URL listens only while you wait for a test event here.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{
						name: 'Failed',
						value: 'failed',
						description: 'Copicake could not render the image (also spelled "error")',
					},
					{ name: 'Success', value: 'success', description: 'The image is ready at its permanent URL' },
				],
				default: ['success', 'failed'],
				description:
					'Start the workflow only for renderings that ended this way; other calls are answered and ignored. Empty means both. Without verification the status is taken from the call: no image URL means failed.',
			},
			{
				displayName: 'Template IDs',
				name: 'templateIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. jfwrFJdR3z1eF8BcEhSnAFyhxgOq, Xq2LrT8vNc4mZk7PwB1sDy6HgJ0a',
				displayOptions: { hide: { verifyRendering: [false] } },
				description:
					'Comma-separated IDs of the templates whose renderings start the workflow; other calls are answered and ignored. Empty means every template.',
			},
			{
				displayName: 'Verify and Fetch the Rendering',
				name: 'verifyRendering',
				type: 'boolean',
				default: true,
				description:
					"Whether to read each called rendering back from Copicake with the credential, so the workflow gets all its fields and runs only for renderings of your account. Off, no credential is needed and the output holds just rendering_id and permanent_url as sent, unchecked: anyone who learns this URL can start the workflow with made-up values, and Template IDs cannot be filtered.",
			},
		],
	},
];
