import type { INodeProperties } from 'n8n-workflow';

/** Shared by every operation's options: how often a request is retried after a Copicake fault. */
export const retryOption: INodeProperties = {
	displayName: 'Retries on Copicake Faults',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10 },
	default: 3, // DEFAULT_RETRY_POLICY.retries (n8n's lint wants a literal here)
	description:
		'How many more times a request is sent, per item and with growing pauses, after a Copicake fault (HTTP 500, 502, 503, 504), a timeout or a dropped connection. Other errors, including the used-up quota (429), are never retried.',
};
