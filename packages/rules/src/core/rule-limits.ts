/** Bounds that keep every evaluation small and finite. */
export interface RuleLimits {
  /** Deepest nesting of arrays/objects in a rule (default 32). */
  readonly maxDepth: number;
  /** Most JSON nodes in a rule (default 2,000). */
  readonly maxNodes: number;
  /** Longest array `map`/`filter`/`reduce`/`all`/`some`/`none`/`merge` may see (default 10,000). */
  readonly maxArrayLength: number;
  /** Total array elements iterated or merged in one evaluation (default 100,000). */
  readonly maxIterations: number;
  /** Longest regex pattern (default 200 characters). */
  readonly maxRegexLength: number;
  /** Longest text a regex is run against (default 10,000 characters). */
  readonly maxRegexInput: number;
}

/** The defaults for {@link RuleLimits}. */
export const DEFAULT_LIMITS: RuleLimits = Object.freeze({
  maxDepth: 32,
  maxNodes: 2_000,
  maxArrayLength: 10_000,
  maxIterations: 100_000,
  maxRegexLength: 200,
  maxRegexInput: 10_000,
});

/** Fills the unset bounds from {@link DEFAULT_LIMITS}. */
export function resolveLimits(partial?: Partial<RuleLimits>): RuleLimits {
  return partial ? { ...DEFAULT_LIMITS, ...partial } : DEFAULT_LIMITS;
}
