import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class CopicakeApi implements ICredentialType {
	name = 'copicakeApi';

	displayName = 'Copicake API';

	documentationUrl = 'https://docs.copicake.com/';

	icon = {
		light: 'file:../nodes/Copicake/copicake.svg',
		dark: 'file:../nodes/Copicake/copicake.dark.svg',
	} as const;

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Copicake API key, from the Copicake dashboard (Settings > API Key)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.copicake.com',
			description:
				'Where the Copicake API is reached. Change it only to go through a proxy or to point at a test server.',
		},
	];

	// The key as a Bearer token. A function rather than a generic block of expressions: n8n
	// evaluates such a block in a fresh expression context for every request, the create and
	// each poll alike (see README, Performance).
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		requestOptions.headers = { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` };
		return requestOptions;
	}

	// Copicake answers 200 for a valid key and 401 for a wrong one; its body is not documented.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/user/me',
		},
	};
}
