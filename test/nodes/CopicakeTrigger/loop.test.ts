import { TEMPLATE_ID, useFakeCopicake } from '../../helpers/fake-copicake';
import { runCopicakeNode } from '../../helpers/n8n-engine';
import type { TriggerServer } from '../../helpers/n8n-webhook';
import { serveTrigger } from '../../helpers/n8n-webhook';
import { waitUntil } from '../../helpers/wait-until';

/**
 * The loop at engine level: the Copicake node creates a rendering with the trigger's URL as
 * its webhook, the fake Copicake calls that URL when the rendering finishes, and the trigger
 * starts an execution with the rendering. (The same loop in a real n8n server is the
 * end-to-end tests' job.)
 */
describe('Copicake node → Copicake → Copicake Trigger', () => {
	const copicake = useFakeCopicake({ renderMs: 50 });
	let trigger: TriggerServer;

	beforeEach(async () => {
		trigger = await serveTrigger({ credentials: copicake.credentials });
	});
	afterEach(async () => await trigger.stop());

	async function createRendering(webhookUrl: string) {
		const result = await runCopicakeNode({
			parameters: {
				resource: 'rendering',
				operation: 'create',
				templateId: TEMPLATE_ID,
				changesMode: 'json',
				changesJson: '[{"name":"text-9so09m","text":"Hello"}]',
				waitForCompletion: false,
				options: { webhookUrl },
			},
			credentials: copicake.credentials,
		});
		expect(result.error).toBeUndefined();
		return result.items[0].json;
	}

	it('starts the trigger with the rendering the Copicake node created, once it is finished', async () => {
		const created = await createRendering(trigger.url);
		expect(created.status).toBe('processing');

		const [execution] = await trigger.waitForExecutions(1);

		expect(execution.items).toEqual([{ json: copicake.fake.renderings.get(created.id as string) }]);
		expect(execution.items![0].json).toMatchObject({
			id: created.id,
			status: 'success',
			template_id: TEMPLATE_ID,
			permanent_url: `${copicake.credentials.baseUrl}/renderings/${created.id}.png`,
			options: { webhook_url: trigger.url },
		});
		await waitUntil(() => copicake.fake.webhookCalls[0]?.status !== null, "Copicake's call to be answered");
		expect(copicake.fake.webhookCalls).toEqual([
			{
				url: `${trigger.url}?rendering_id=${created.id}&permanent_url=${encodeURIComponent(String(execution.items![0].json.permanent_url))}`,
				status: 200,
				body: '{"received":true}',
			},
		]);
	});

	it('works with a webhook URL that already has a query: Copicake adds its parameters with "&"', async () => {
		const created = await createRendering(`${trigger.url}?source=banner`);

		const [execution] = await trigger.waitForExecutions(1);

		expect(execution.items![0].json.id).toBe(created.id);
		expect(copicake.fake.webhookCalls[0].url).toMatch(new RegExp(`\\?source=banner&rendering_id=${created.id}&permanent_url=`));
	});

	it('starts one execution per rendering', async () => {
		const ids = [await createRendering(trigger.url), await createRendering(trigger.url)].map(({ id }) => id);

		const executions = await trigger.waitForExecutions(2);

		expect(executions.map(({ items }) => items![0].json.id).sort()).toEqual([...ids].sort());
	});
});
