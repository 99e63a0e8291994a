import type { IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { CopicakeCredentials } from '../transport';
import { CREDENTIAL_TYPE, readRendering, retryPolicyOf } from '../transport';
import type { Rendering } from './rendering';

/**
 * Pauses before each poll of a rendering: a first look a second after creation, then less and
 * less often. Copicake renders in one to three seconds, so most renderings are found by the
 * second or third poll, at most about a second after they end.
 */
export const POLL_DELAYS_MS = [1000, 1250, 1500, 2000, 3000, 4000];
export const MAX_POLL_DELAY_MS = 5000;

export const DEFAULT_MAX_WAIT_SECONDS = 60;

const FAILED_STATUSES = ['failed', 'error']; // one official SDK spells it "error"

export function isFinished(rendering: Rendering): boolean {
	return rendering.status === 'success' || FAILED_STATUSES.includes(rendering.status);
}

function pollDelay(poll: number): number {
	return POLL_DELAYS_MS[poll] ?? MAX_POLL_DELAY_MS;
}

function waitingError(context: IExecuteSingleFunctions, message: string, description: string) {
	const itemIndex = context.getItemIndex();
	return new NodeOperationError(context.getNode(), `${message} (item ${itemIndex})`, {
		description,
		itemIndex,
	});
}

/**
 * Polls a rendering until it succeeds, fails or `maxWaitMs` runs out. It sleeps between polls
 * with the execution's cancel signal, so stopping the execution stops the waiting at once,
 * and each item waits on its own, so all the items of a run wait together.
 */
export async function pollUntilFinished(
	context: IExecuteSingleFunctions,
	rendering: Rendering,
	maxWaitMs: number,
): Promise<Rendering> {
	const deadline = Date.now() + maxWaitMs;
	let current = rendering;
	// Read once for all the polls of the item.
	let credentials: CopicakeCredentials | undefined;
	const policy = retryPolicyOf(context);
	for (let poll = 0; !isFinished(current); poll++) {
		const pause = Math.min(pollDelay(poll), deadline - Date.now());
		if (pause <= 0) {
			throw waitingError(
				context,
				`Rendering "${current.id}" did not finish within ${Math.round(maxWaitMs / 1000)} s`,
				'Raise "Max Wait" in the options, or turn "Wait for Completion" off and let a Copicake Trigger go on when Copicake calls its webhook. The rendering may still finish: read it later with Get Rendering and this ID.',
			);
		}
		await sleep(pause, context.getExecutionCancelSignal());
		credentials ??= await context.getCredentials<CopicakeCredentials>(CREDENTIAL_TYPE);
		current = await readRendering(context, current.id, { credentials, policy });
	}
	if (FAILED_STATUSES.includes(current.status)) {
		throw waitingError(
			context,
			`Rendering "${current.id}" failed at Copicake`,
			'Copicake could not produce the image. Check the changes (element names of this template, image URLs that are public and reachable), then create the rendering again.',
		);
	}
	return current;
}

/** Routing step: when "Wait for Completion" is on, the item becomes the finished rendering. */
export async function waitForRendering(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (!this.getNodeParameter('waitForCompletion', true)) return items;
	const maxWaitSeconds = Number(this.getNodeParameter('options.maxWait', DEFAULT_MAX_WAIT_SECONDS));
	return await Promise.all(
		items.map(async (item) => ({
			...item,
			json: await pollUntilFinished(this, item.json as Rendering, maxWaitSeconds * 1000),
		})),
	);
}
