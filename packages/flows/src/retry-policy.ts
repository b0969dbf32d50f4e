import type { Flow } from '@dougong/schema';

/** Attempts in all, and the backoff bounds, of a flow's steps. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Five attempts, 1 s, 2 s, 4 s, 8 s apart (capped at 15 minutes). */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 };

/** The flow's retry policy with defaults filled in. */
export function retryPolicy(flow: Flow): RetryPolicy {
  return {
    maxAttempts: flow.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    baseDelayMs: flow.retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: flow.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
}

/**
 * When a failed attempt is tried again: exponential backoff, or null after the last attempt.
 * Deterministic (no jitter) so tests can move the clock exactly; leases already spread workers.
 * @example retryAt(policy, 2, now) // now + 2 × baseDelayMs
 */
export function retryAt(policy: RetryPolicy, attempt: number, now: Date): Date | null {
  if (attempt >= policy.maxAttempts) return null;
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return new Date(now.getTime() + delay);
}

/**
 * Milliseconds of an ISO 8601 duration of weeks, days, hours and minutes (`P3D`, `PT12H`, `P1DT6H`);
 * undefined when it is not one.
 * @example durationMs('P3D') // 259_200_000
 */
export function durationMs(duration: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(duration);
  if (!m || duration === 'P' || duration.endsWith('T')) return undefined;
  const [w, d, h, min] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number];
  return (((w * 7 + d) * 24 + h) * 60 + min) * 60_000;
}
