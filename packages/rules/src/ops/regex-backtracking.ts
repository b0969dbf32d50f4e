import recheck from 'recheck/lib/browser.js';

/**
 * Proves with recheck (its pure-JS build) that a pattern cannot backtrack catastrophically: undefined when
 * safe, else why not. Browser bundles get `regex-backtracking-browser.ts` instead (package.json `browser`
 * field), which skips this 3 MB analyser: patterns reaching a browser were proven safe when their metadata
 * was saved on the server, which always runs this check.
 */
export function backtrackingProblem(pattern: string, flags: string): string | undefined {
  const diagnostics = recheck.checkSync(pattern, flags, { timeout: 2_000 });
  if (diagnostics.status === 'safe') return undefined;
  return diagnostics.status === 'vulnerable'
    ? diagnostics.complexity.summary
    : `analysis ${diagnostics.error.kind}`;
}
