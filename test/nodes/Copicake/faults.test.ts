import { TEMPLATE_ID, useFakeCopicake } from '../../helpers/fake-copicake';
import { runCopicakeNode } from '../../helpers/n8n-engine';
import { seededRandom } from '../../helpers/seeded-random';

const ROWS = 200;

/** The causes an error item may name, and nothing else. */
const KNOWN_CAUSES = [
	/^Rendering "\w+" failed at Copicake \(item \d+\)$/,
	/^Your Copicake rendering quota is used up \(429 Rate limit exceeded\)$/,
	/^Copicake failed with an internal error for .* \(50[0-4] [\w ]+, after 4 attempts\)$/,
	/^Could not reach Copicake for .*: the connection was dropped, after 4 attempts$/,
];

describe('a faulty Copicake', () => {
	// 10% of API requests fail transiently (5xx or a dropped connection), 5% of renders fail,
	// 2% of creates find the quota used up.
	const copicake = useFakeCopicake({
		renderMs: 200,
		random: seededRandom(20261203),
		faults: { serverErrorRate: 0.07, resetRate: 0.03, failRenderRate: 0.05, quotaRate: 0.02 },
	});

	it(`loses and duplicates none of ${ROWS} rows: each becomes a finished rendering or an error naming its cause`, async () => {
		const rows = Array.from({ length: ROWS }, (_, row) => ({ json: { row, title: `Row ${row}` } }));

		const result = await runCopicakeNode({
			parameters: {
				resource: 'rendering',
				operation: 'create',
				templateId: TEMPLATE_ID,
				changesMode: 'define',
				changes: { change: [{ kind: 'text', name: 'text-1', text: '={{ $json.title }}' }] },
				options: { maxWait: 30 },
			},
			items: rows,
			credentials: copicake.credentials,
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(ROWS);
		expect(result.items.map((item) => item.pairedItem)).toEqual(rows.map((_, item) => ({ item })));

		const successes = result.items.filter((item) => !item.json.error);
		const failures = result.items.filter((item) => item.json.error);
		for (const item of successes) {
			const row = (item.pairedItem as { item: number }).item;
			expect(item.json).toMatchObject({ status: 'success', changes: [{ name: 'text-1', text: `Row ${row}` }] });
			expect(item.json.permanent_url).toMatch(/\/renderings\/\w+\.png$/);
		}
		for (const item of failures) {
			const message = String(item.json.error);
			expect({ message, known: KNOWN_CAUSES.some((cause) => cause.test(message)) }).toEqual({ message, known: true });
		}
		expect(new Set(successes.map((item) => item.json.id)).size).toBe(successes.length);

		// Copicake made one rendering per row that got past create, never two.
		const renderedTitles = [...copicake.fake.renderings.values()].map((rendering) => rendering.changes[0].text);
		expect(new Set(renderedTitles).size).toBe(renderedTitles.length);
		const failedRenders = failures.filter((item) => /failed at Copicake/.test(String(item.json.error)));
		const quotaErrors = failures.filter((item) => /quota/.test(String(item.json.error)));
		expect(renderedTitles.length).toBe(successes.length + failedRenders.length);
		expect(failedRenders.length).toBeGreaterThan(0);
		expect(quotaErrors.length).toBeGreaterThan(0);
		// The faults really happened: some requests were answered with errors or dropped.
		const createsSent = copicake.fake.createRequests.length;
		expect(createsSent).toBeGreaterThan(ROWS);
	}, 60_000);
});
