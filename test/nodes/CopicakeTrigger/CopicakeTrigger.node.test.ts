import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeCredentialDescription, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { nodeType, TRIGGER_TYPE } from '../../helpers/n8n-engine';
import { serveTrigger, WEBHOOK_ID } from '../../helpers/n8n-webhook';

describe('Copicake Trigger node type, as n8n loads it', () => {
	const { description, webhookMethods } = nodeType(TRIGGER_TYPE);

	it("follows n8n's trigger conventions", () => {
		expect(description).toMatchObject({
			name: 'copicakeTrigger',
			displayName: 'Copicake Trigger',
			group: ['trigger'],
			inputs: [],
			outputs: ['main'],
		});
		expect(description.name).toMatch(/Trigger$/);
		expect(description).not.toHaveProperty('usableAsTool');
	});

	it('listens with one GET webhook at <webhookId>/copicake', () => {
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: 'copicake' },
		]);
	});

	it("shares the Copicake node's themed icons", () => {
		expect(description.iconUrl).toEqual({
			light: 'icons/n8n-nodes-copicake/nodes/Copicake/copicake.svg',
			dark: 'icons/n8n-nodes-copicake/nodes/Copicake/copicake.dark.svg',
		});
	});

	it('is registered in package.json with its codex', () => {
		const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
		expect(pkg.n8n.nodes).toContain('dist/nodes/CopicakeTrigger/CopicakeTrigger.node.js');
		const codexPath = path.resolve(__dirname, '../../../nodes/CopicakeTrigger/CopicakeTrigger.node.json');
		expect(JSON.parse(readFileSync(codexPath, 'utf8')).node).toBe('n8n-nodes-copicake.copicakeTrigger');
	});

	describe('the credential', () => {
		const credential = description.credentials!.find(({ name }) => name === 'copicakeApi') as INodeCredentialDescription;
		// What n8n-core checks before handing a credential out, and the editor before showing it.
		const shown = (parameters: INodeParameters) =>
			NodeHelpers.displayParameter(parameters, credential, null, description, parameters);

		it('is required and shown while verification is on, which is the default', () => {
			expect(credential.required).toBe(true);
			expect(shown({})).toBe(true);
			expect(shown({ options: {} })).toBe(true);
			expect(shown({ options: { verifyRendering: true } })).toBe(true);
		});

		it('is hidden, and so not required, once verification is off', () => {
			expect(shown({ options: { verifyRendering: false } })).toBe(false);
		});
	});

	describe('the options', () => {
		const options = description.properties.find(({ name }) => name === 'options')!.options as INodeProperties[];
		const option = (name: string) => options.find((candidate) => candidate.name === name)!;

		it('verify by default and let success and failed both start', () => {
			expect(option('verifyRendering').default).toBe(true);
			expect(option('statuses').default).toEqual(['success', 'failed']);
			expect(option('templateIds').default).toBe('');
		});

		it('hide Template IDs when verification is off (the template is unknown then)', () => {
			const templateIdsShown = (collection: INodeParameters) =>
				NodeHelpers.displayParameter(collection, option('templateIds'), null, description, {});
			expect(templateIdsShown({})).toBe(true);
			expect(templateIdsShown({ verifyRendering: false })).toBe(false);
		});

		it('say in the notice where the production URL goes', () => {
			const notice = description.properties.find(({ type }) => type === 'notice')!;
			expect(notice.displayName).toMatch(/Production URL.*Webhook URL.*Copicake node.*activate/s);
		});
	});

	describe('the webhook lifecycle', () => {
		it('reports the webhook as existing at activation, so n8n creates nothing, and deletes nothing', async () => {
			expect(Object.keys(webhookMethods!.default!)).toEqual(['checkExists', 'create', 'delete']);
			const trigger = await serveTrigger();
			expect(trigger.lifecycle).toEqual(['checkExists']);
			expect(trigger.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/webhook/${WEBHOOK_ID}/copicake$`));

			await trigger.stop();

			expect(trigger.lifecycle).toEqual(['checkExists', 'delete']);
		});
	});
});
