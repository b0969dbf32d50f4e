import { DEFAULT_TIME_ZONE, type EvalContext, type OpEnv } from './eval-context.js';
import { resolveLimits } from './rule-limits.js';

/** Builds the per-evaluation environment both in-memory backends hand to platform operations. */
export function makeEnv(data: unknown, ctx: EvalContext | undefined): OpEnv {
  return {
    ctx: ctx ?? {},
    timeZone: ctx?.timeZone ?? DEFAULT_TIME_ZONE,
    limits: resolveLimits(ctx?.limits),
    root: data,
    iterations: 0,
  };
}
