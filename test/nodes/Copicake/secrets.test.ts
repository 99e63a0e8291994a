import { Logger } from '@n8n/backend-common';
import type { INodeParameters } from 'n8n-workflow';

import { TEMPLATE_ID, useFakeCopicake } from '../../helpers/fake-copicake';
import { runCopicakeNode } from '../../helpers/n8n-engine';

const SECRET = 'ck_live_SECRET_5d1f9a7e3b';

/**
 * Records everything logged by n8n's logger (with its metadata), written to the console or to
 * the process's output while `run` runs.
 */
async function capturingOutput<T>(run: () => Promise<T>): Promise<{ value: T; output: string }> {
	const written: string[] = [];
	const spies = [
		// Every level of n8n's logger goes through its (private) `log` method.
		jest
			.spyOn(Logger.prototype as unknown as { log: (...args: unknown[]) => void }, 'log')
			.mockImplementation((level, message, metadata) => {
				written.push(`${level} ${message} ${JSON.stringify(metadata)}`);
			}),
		jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true)),
		jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true)),
		...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
			jest.spyOn(console, level).mockImplementation((...args) => written.push(args.map(String).join(' '))),
		),
	];
	try {
		return { value: await run(), output: written.join('\n') };
	} finally {
		spies.forEach((spy) => spy.mockRestore());
	}
}

describe('the API key', () => {
	const copicake = useFakeCopicake({ apiKeys: { [SECRET]: 'user1' }, templates: { [TEMPLATE_ID]: 'user1' } });

	const scenarios: Array<[string, INodeParameters, () => void]> = [
		['a success', { changesMode: 'json', changesJson: '[]' }, () => {}],
		['a 401', { changesMode: 'json', changesJson: '[]' }, () => copicake.fake.respondWith({ path: '/v1/image/create', status: 401 })],
		['a 500 after retries', { changesMode: 'json', changesJson: '[]', options: { maxRetries: 1 } }, () => copicake.fake.respondWith({ path: '/v1/image/create', status: 500, times: 2 })],
		['a dropped connection', { changesMode: 'json', changesJson: '[]', options: { maxRetries: 0 } }, () => copicake.fake.respondWith({ path: '/v1/image/create', reset: true })],
		['a bad parameter', { changesMode: 'json', changesJson: '{' }, () => {}],
	];

	it.each(scenarios)('appears in no output, error or log line after %s', async (_name, parameters, arrange) => {
		arrange();
		for (const continueOnFail of [false, true]) {
			const { value: result, output } = await capturingOutput(() =>
				runCopicakeNode({
					parameters: { resource: 'rendering', operation: 'create', templateId: TEMPLATE_ID, waitForCompletion: false, ...parameters },
					credentials: { ...copicake.credentials, apiKey: SECRET },
					continueOnFail,
				}),
			);

			expect(JSON.stringify(result.run)).not.toContain(SECRET);
			expect(JSON.stringify(result.items)).not.toContain(SECRET);
			const error = result.error as (Error & { description?: string }) | undefined;
			expect(`${error?.message} ${error?.description} ${error?.stack}`).not.toContain(SECRET);
			expect(output).not.toContain(SECRET);
			if (result.error) expect(output).toContain(result.error.message);
		}
		// The key did reach Copicake, in the header meant for it.
		expect(copicake.fake.requests[0]?.headers.authorization ?? `Bearer ${SECRET}`).toBe(`Bearer ${SECRET}`);
	});
});
