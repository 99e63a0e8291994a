import type { INodeProperties } from 'n8n-workflow';

/**
 * Fragments shared by Create and Get: waiting for the rendering to finish, downloading its
 * image, and the options that go with them.
 */
export const completionFields: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the rendering has finished, so the output has the image URL. All items wait at the same time. Off, the output is the rendering as it is now, usually still "processing".',
	},
	{
		displayName: 'Download Image',
		name: 'download',
		type: 'boolean',
		default: false,
		displayOptions: { show: { waitForCompletion: [true] } },
		description: 'Whether to put the finished image in a binary field of the output, e.g. to attach it to an email or upload it elsewhere',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { waitForCompletion: [true], download: [true] } },
		description: 'The name of the binary field to put the image in',
	},
];

/** How long to wait for a rendering to finish. */
export const maxWaitOption: INodeProperties = {
	displayName: 'Max Wait (Seconds)',
	name: 'maxWait',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 60, // DEFAULT_MAX_WAIT_SECONDS in helpers/polling.ts (n8n's lint wants a literal here)
	description:
		'How long "Wait for Completion" waits for each rendering. A rendering still unfinished by then becomes an error for its item (with its ID, to get it later).',
};

/** How often a request is retried after a Copicake fault. */
export const retryOption: INodeProperties = {
	displayName: 'Retries on Copicake Faults',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10 },
	default: 3, // DEFAULT_RETRY_POLICY.retries in transport/retry.ts (n8n's lint wants a literal here)
	description:
		'How many more times a request is sent, per item and with growing pauses, after a Copicake fault (HTTP 500, 502, 503, 504), a timeout or a dropped connection. Other errors, including the used-up quota (429), are never retried.',
};
