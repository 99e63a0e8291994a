import type { IWebhookFunctions } from 'n8n-workflow';

import { isFinished } from '../Copicake/helpers/polling';
import type { Rendering } from '../Copicake/helpers/rendering';

/** How a rendering ended, as the Statuses option names it. */
export type Outcome = 'success' | 'failed';

const ALL_OUTCOMES: Outcome[] = ['success', 'failed'];

/** The trigger's options, read at each call. */
export interface TriggerSettings {
	verify: boolean;
	/** Empty: every template. */
	templateIds: string[];
	statuses: Outcome[];
}

interface StoredOptions {
	verifyRendering?: boolean;
	templateIds?: string;
	statuses?: string[];
}

function isOutcome(value: string): value is Outcome {
	return (ALL_OUTCOMES as string[]).includes(value);
}

export function settingsOf(context: IWebhookFunctions): TriggerSettings {
	const options = context.getNodeParameter('options', {}) as StoredOptions;
	const statuses = (options.statuses ?? []).filter(isOutcome);
	return {
		verify: options.verifyRendering !== false,
		templateIds: String(options.templateIds ?? '')
			.split(',')
			.map((id) => id.trim())
			.filter(Boolean),
		statuses: statuses.length ? statuses : ALL_OUTCOMES,
	};
}

/** How a rendering ended (Copicake's "error" counts as failed), or undefined while it has not. */
export function outcomeOf(rendering: Rendering): Outcome | undefined {
	if (!isFinished(rendering)) return undefined;
	return rendering.status === 'success' ? 'success' : 'failed';
}

/** Without the rendering, the call's image URL is all there is: Copicake sets it only on success. */
export function outcomeOfCall(permanentUrl: string): Outcome {
	return permanentUrl ? 'success' : 'failed';
}

/** Why a verified rendering does not start the workflow, or undefined when it does. */
export function reasonToSkip(rendering: Rendering, settings: TriggerSettings): string | undefined {
	const outcome = outcomeOf(rendering);
	if (!outcome) return 'Rendering not finished';
	if (!settings.statuses.includes(outcome)) return 'Status not selected';
	const { templateIds } = settings;
	if (templateIds.length && !templateIds.includes(rendering.template_id)) return 'Template not selected';
	return undefined;
}
