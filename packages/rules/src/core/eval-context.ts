import type { RuleLimits } from './rule-limits.js';

/** The platform's default application time zone. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The signed-in user as rules see it. */
export interface CurrentUser {
  readonly id: string;
  readonly departmentIds?: readonly string[];
  readonly roleIds?: readonly string[];
}

/**
 * Everything outside the record that an evaluation may read. Nothing is read from the process:
 * `now` is the injected clock reading, so results are reproducible.
 *
 * @example
 * const ctx: EvalContext = { now: new Date('2026-03-01T02:00:00Z'), user: { id: 'u1' } };
 */
export interface EvalContext {
  /** The clock reading used by `now`, `today` and scoring decay. */
  readonly now?: Date;
  /** IANA zone for dates (default Asia/Shanghai). */
  readonly timeZone?: string;
  readonly user?: CurrentUser;
  /** The record before an update; absent or null on create (every field then reads as null). */
  readonly previous?: Readonly<Record<string, unknown>> | null;
  readonly limits?: Partial<RuleLimits>;
}

/** The per-evaluation state both in-memory backends pass to platform operations. */
export interface OpEnv {
  readonly ctx: EvalContext;
  readonly timeZone: string;
  readonly limits: RuleLimits;
  /** The record the evaluation started from (what `new` reads). */
  readonly root: unknown;
  /** Array elements iterated so far. */
  iterations: number;
}
