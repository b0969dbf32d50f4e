/**
 * The browser stand-in for `regex-backtracking.ts` (mapped by the package.json `browser` field): no
 * analysis. Patterns that reach a browser come from metadata the server checked with recheck on save.
 */
export function backtrackingProblem(_pattern: string, _flags: string): string | undefined {
  return undefined;
}
