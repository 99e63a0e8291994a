import { credentialType, testCredential } from '../helpers/n8n-engine';
import { API_KEY, useFakeCopicake } from '../helpers/fake-copicake';

describe('Copicake API credential', () => {
	const copicake = useFakeCopicake();

	it('declares a required password field for the key and a base URL defaulting to Copicake', () => {
		const { name, properties } = credentialType();
		expect(name).toBe('copicakeApi');
		const apiKey = properties.find((property) => property.name === 'apiKey');
		expect(apiKey).toMatchObject({ required: true, typeOptions: { password: true } });
		const baseUrl = properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl?.default).toBe('https://api.copicake.com');
	});

	it('passes the test with a valid key: GET /v1/user/me with the key as a Bearer token', async () => {
		const result = await testCredential(copicake.credentials);

		expect(result.error).toBeUndefined();
		const [request] = copicake.fake.requests;
		expect(request).toMatchObject({ method: 'GET', path: '/v1/user/me' });
		expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
	});

	it('fails the test with a wrong key, without showing the key', async () => {
		const result = await testCredential({ ...copicake.credentials, apiKey: 'ck_wrong_11112222' });

		expect(result.error).toMatchObject({ httpCode: '401' });
		expect(JSON.stringify(result.run)).not.toContain('ck_wrong_11112222');
	});

	it('accepts a base URL with a trailing slash', async () => {
		const result = await testCredential({
			...copicake.credentials,
			baseUrl: `${copicake.credentials.baseUrl}/`,
		});

		expect(result.error).toBeUndefined();
		expect(copicake.fake.requests[0].path).toBe('/v1/user/me');
	});
});
