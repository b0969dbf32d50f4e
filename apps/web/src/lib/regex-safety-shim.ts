/**
 * Browser stand-in for recheck's `checkSync`: a conservative static check that reports nested
 * quantifiers, quantified groups with alternation and backreferences as vulnerable. It may refuse
 * patterns the server's real checker accepts, never the other way round.
 */
export function checkSync(source: string, _flags?: string, _params?: unknown) {
  const nestedQuantifier = /\((?:[^()\\]|\\.)*[*+](?:[^()\\]|\\.)*\)[*+{]/.test(source);
  const quantifiedAlternation = /\((?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*\)[*+{]/.test(source);
  const backreference = /\\[1-9]/.test(source);
  const vulnerable = nestedQuantifier || quantifiedAlternation || backreference;
  return vulnerable
    ? { status: 'vulnerable' as const, complexity: { type: 'exponential' as const } }
    : { status: 'safe' as const, complexity: { type: 'linear' as const } };
}

export default { checkSync };
