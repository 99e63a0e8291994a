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
const POLL_DELAYS_MS = [1000, 1250, 1500, 2000, 3000, 4000];
const MAX_POLL_DELAY_MS = 5000;

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
 * What the renderings of one node's run have shown of their render time: the greatest age
 * (time since its wait began) at which one was polled and still processing, and the poll on
 * its way now. Kept per execution, keyed by its cancel signal, so it goes away with the
 * execution, and per node, as two Copicake nodes may render different templates.
 */
interface RunEvidence {
	processingAtAgeMs: number;
	probe?: { ageMs: number; answered: Promise<unknown> };
}
const evidenceByExecution = new WeakMap<AbortSignal, Map<string, RunEvidence>>();

/** Ages this close count as "as old": renders take seconds, timers fire a few ms late. */
const SAME_AGE_MS = 250;
/** How long a poll waits for the answer to another rendering's poll of the same age. */
const PROBE_WAIT_MS = 1000;

function evidenceOf(context: IExecuteSingleFunctions): RunEvidence {
	const signal = context.getExecutionCancelSignal();
	if (!signal) return { processingAtAgeMs: 0 };
	let byNode = evidenceByExecution.get(signal);
	if (!byNode) {
		byNode = new Map();
		evidenceByExecution.set(signal, byNode);
	}
	const node = context.getNode().name;
	let evidence = byNode.get(node);
	if (!evidence) {
		evidence = { processingAtAgeMs: 0 };
		byNode.set(node, evidence);
	}
	return evidence;
}

/**
 * Tells whether a rendering of age `ageMs` can skip its poll: another rendering of the run, at
 * least about as old, was still processing when polled. A poll of such a rendering that is on
 * its way is waited for, `PROBE_WAIT_MS` at most: the rows of a batch come due together.
 */
async function olderOneStillProcessing(evidence: RunEvidence, ageMs: number, signal?: AbortSignal) {
	const { probe } = evidence;
	if (probe && ageMs <= probe.ageMs + SAME_AGE_MS) {
		// The bound's timer is cancelled once the answer is in, so it wakes nobody later.
		const answered = new AbortController();
		const bound = sleep(PROBE_WAIT_MS, signal ? AbortSignal.any([signal, answered.signal]) : answered.signal);
		try {
			await Promise.race([probe.answered, bound]);
		} finally {
			answered.abort();
		}
		// Only a stopped execution ends the bound with an error that matters.
		await bound.catch((error) => {
			if (signal?.aborted) throw error;
		});
	}
	return ageMs <= evidence.processingAtAgeMs + SAME_AGE_MS;
}

/**
 * Polls a rendering until it succeeds, fails or `maxWaitMs` runs out. It sleeps between polls
 * with the execution's cancel signal, so stopping the execution stops the waiting at once,
 * and each item waits on its own, so all the items of a run wait together.
 *
 * The renderings of one node's run are alike and take about as long, so a poll is skipped
 * when another rendering of the run, at least as old, was still processing: a batch of rows costs
 * one early poll instead of one per row. A rendering that ends sooner than the others is found
 * at most one pause later: an item never skips two polls in a row, nor its last one.
 */
export async function pollUntilFinished(
	context: IExecuteSingleFunctions,
	rendering: Rendering,
	maxWaitMs: number,
): Promise<Rendering> {
	const signal = context.getExecutionCancelSignal();
	const evidence = evidenceOf(context);
	const startedAt = Date.now();
	const deadline = startedAt + maxWaitMs;
	let current = rendering;
	// Read once for all the polls of the item.
	let credentials: CopicakeCredentials | undefined;
	const policy = retryPolicyOf(context);
	let skippedLast = false;
	for (let poll = 0; !isFinished(current); poll++) {
		const pause = Math.min(pollDelay(poll), deadline - Date.now());
		if (pause <= 0) {
			throw waitingError(
				context,
				`Rendering "${current.id}" did not finish within ${Math.round(maxWaitMs / 1000)} s`,
				'Raise "Max Wait" in the options, or turn "Wait for Completion" off and let a Copicake Trigger go on when Copicake calls its webhook. The rendering may still finish: read it later with Get Rendering and this ID.',
			);
		}
		await sleep(pause, signal);
		const ageMs = Date.now() - startedAt;
		const skip =
			!skippedLast &&
			(await olderOneStillProcessing(evidence, ageMs, signal)) &&
			Date.now() + pollDelay(poll + 1) < deadline; // the last poll before Max Wait is never skipped
		if (skip) {
			skippedLast = true;
			continue;
		}
		skippedLast = false;
		const { id } = current;
		const read = (async () => {
			credentials ??= await context.getCredentials<CopicakeCredentials>(CREDENTIAL_TYPE);
			return await readRendering(context, id, { credentials, policy });
		})();
		// Known at once, before any await: other rows coming due now wait for this answer.
		evidence.probe = { ageMs, answered: read.catch(() => undefined) };
		current = await read;
		if (!isFinished(current)) evidence.processingAtAgeMs = Math.max(evidence.processingAtAgeMs, ageMs);
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
