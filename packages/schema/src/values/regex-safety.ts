import { checkSync } from 'recheck';

const verdicts = new Map<string, string | undefined>();

/**
 * Checks a user-authored regular expression: it must compile and must not backtrack catastrophically
 * (checked with recheck). Returns a message, or undefined when the pattern is safe. Verdicts are cached.
 */
export function checkRegexSafety(pattern: string, flags = ''): string | undefined {
  const key = `${flags}/${pattern}`;
  if (verdicts.has(key)) return verdicts.get(key);
  let verdict: string | undefined;
  try {
    new RegExp(pattern, flags);
    const diagnostics = checkSync(pattern, flags, { timeout: 2000 });
    if (diagnostics.status === 'vulnerable') {
      verdict = `pattern can backtrack catastrophically (${diagnostics.complexity.type} time)`;
    } else if (diagnostics.status === 'unknown') {
      verdict = 'pattern is too complex to prove safe';
    }
  } catch (error) {
    verdict = `pattern is not a valid regular expression: ${(error as Error).message}`;
  }
  if (verdicts.size > 5000) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}
