import type { FakeCopicakeOptions } from '../fake-copicake/server';
import { FakeCopicake } from '../fake-copicake/server';

export const API_KEY = 'ck_test_7f3a9c1e5b2d8f4a6c0e';
export const TEMPLATE_ID = 'jfwrFJdR3z1eF8BcEhSnAFyhxgOq';
export const OTHER_ACCOUNTS_TEMPLATE = 'tplOfAnotherAccount000000000';
export const USER_ID = 'tMIe7GOBu9NW017nZIzlJjfnupjW';

/**
 * Starts a fake Copicake for the tests of one file (fresh state before each test) and gives
 * the credential data that points the nodes at it.
 */
export function useFakeCopicake(options: FakeCopicakeOptions = {}) {
	const fake = new FakeCopicake({
		apiKeys: { [API_KEY]: USER_ID, other_account_key: 'someoneElse' },
		templates: { [TEMPLATE_ID]: USER_ID, [OTHER_ACCOUNTS_TEMPLATE]: 'someoneElse' },
		...options,
	});
	const context = {
		fake,
		credentials: { apiKey: API_KEY, baseUrl: '' },
	};
	beforeAll(async () => {
		context.credentials.baseUrl = await fake.start();
	});
	beforeEach(() => fake.reset());
	afterAll(async () => await fake.stop());
	return context;
}
