import { sleep } from 'n8n-workflow';

/** How often and how patiently a request is tried again after a transient failure. */
export interface RetryPolicy {
	/** Further attempts after the first one. */
	retries: number;
	/** The first pause; each further pause doubles, up to `maxDelayMs`. */
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 8000 };

/**
 * The pause before attempt `attempt + 1`: exponential, with "equal jitter" (half fixed, half
 * random) so that many items failing together do not come back together.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

export interface RetryOptions {
	policy: RetryPolicy;
	/** Stops the pauses at once when the execution is cancelled. */
	signal?: AbortSignal;
	shouldRetry: (error: unknown) => boolean;
	/** Turns the last error into the one to throw, knowing how many attempts were made. */
	onGiveUp: (error: unknown, attempts: number) => unknown;
}

/** Runs `run` until it succeeds, fails for good, or the policy's retries are used up. */
export async function withRetries<T>(run: () => Promise<T>, options: RetryOptions): Promise<T> {
	const { policy, signal, shouldRetry, onGiveUp } = options;
	for (let attempt = 1; ; attempt++) {
		try {
			return await run();
		} catch (error) {
			if (attempt > policy.retries || !shouldRetry(error)) throw onGiveUp(error, attempt);
			await sleep(backoffDelay(policy, attempt), signal);
		}
	}
}
