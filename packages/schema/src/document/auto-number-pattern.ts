/** A parsed auto-number pattern: literal and date parts, and the counter's width. */
export interface AutoNumberPattern {
  parts: Array<
    | { kind: 'literal'; text: string }
    | { kind: 'date'; token: 'YYYY' | 'YY' | 'MM' | 'DD' }
    | { kind: 'counter'; width: number }
  >;
  /** The counter restarts when this part of the date changes. */
  period: 'none' | 'year' | 'month' | 'day';
}

/**
 * Parses `HT-{YYYY}-{0000}`: date tokens {YYYY} {YY} {MM} {DD} and exactly one counter {0…} (1–12 zeros).
 */
export function parseAutoNumberPattern(
  pattern: string,
): ({ ok: true } & AutoNumberPattern) | { ok: false; message: string } {
  const parts: AutoNumberPattern['parts'] = [];
  const re = /\{([^}]*)\}/g;
  let last = 0;
  let counters = 0;
  let match: RegExpExecArray | null = re.exec(pattern);
  while (match) {
    if (match.index > last) parts.push({ kind: 'literal', text: pattern.slice(last, match.index) });
    const token = match[1] ?? '';
    if (token === 'YYYY' || token === 'YY' || token === 'MM' || token === 'DD')
      parts.push({ kind: 'date', token });
    else if (/^0{1,12}$/.test(token)) {
      counters += 1;
      parts.push({ kind: 'counter', width: token.length });
    } else return { ok: false, message: `unknown token {${token}}; use {YYYY} {YY} {MM} {DD} or {0000}` };
    last = re.lastIndex;
    match = re.exec(pattern);
  }
  if (last < pattern.length) parts.push({ kind: 'literal', text: pattern.slice(last) });
  if (counters !== 1) return { ok: false, message: 'must contain exactly one counter such as {0000}' };
  if (parts.some((p) => p.kind === 'literal' && /[{}]/.test(p.text)))
    return { ok: false, message: 'has an unbalanced brace' };
  const tokens = new Set(parts.flatMap((p) => (p.kind === 'date' ? [p.token] : [])));
  const period = tokens.has('DD')
    ? 'day'
    : tokens.has('MM')
      ? 'month'
      : tokens.has('YYYY') || tokens.has('YY')
        ? 'year'
        : 'none';
  return { ok: true, parts, period };
}

/** The period key a counter belongs to for a local date `YYYY-MM-DD`, e.g. `2026` or `2026-03`. */
export function autoNumberPeriod(pattern: AutoNumberPattern, localDate: string): string {
  switch (pattern.period) {
    case 'none':
      return '';
    case 'year':
      return localDate.slice(0, 4);
    case 'month':
      return localDate.slice(0, 7);
    case 'day':
      return localDate;
  }
}

const DATE_TOKEN_SLICES = { YYYY: [0, 4], YY: [2, 4], MM: [5, 7], DD: [8, 10] } as const;

/** Formats the n-th number of a period: `formatAutoNumber(p, '2026-03-01', 7)` → `HT-2026-0007`. */
export function formatAutoNumber(pattern: AutoNumberPattern, localDate: string, counter: number): string {
  let out = '';
  for (const part of pattern.parts) {
    if (part.kind === 'literal') out += part.text;
    else if (part.kind === 'counter') out += String(counter).padStart(part.width, '0');
    else out += localDate.slice(...DATE_TOKEN_SLICES[part.token]);
  }
  return out;
}
