import { createHash } from 'node:crypto';
import type { RecordGate } from '@dougong/db';
import { type EntityModel, type Field, labelFor } from '@dougong/schema';

/** Field types a spreadsheet cell cannot carry (computed or structured values). */
export const NOT_IMPORTED: ReadonlySet<Field['type']> = new Set([
  'subTable',
  'attachment',
  'autoNumber',
  'formula',
]);

/** How a column was matched to a field. */
export type SuggestionKind = 'key' | 'label' | 'similar';

/** A suggested field for one column. */
export interface ColumnSuggestion {
  field: string;
  /** 1 for an exact key or label, less for a partial or similar one. */
  score: number;
  by: SuggestionKind;
}

/**
 * A header as compared: Unicode-normalised (full-width letters become half-width), lower case, without
 * spaces, punctuation and symbols, so `手机号码（必填）`, `Mobile_phone` and `mobile phone` compare by
 * their letters.
 * @example normalizeHeader(' Mobile_Phone ') // 'mobilephone'
 */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

/**
 * The fingerprint of a file's header set: `h:` and a digest of its normalised, de-duplicated, sorted
 * headers — the same columns in another order or spelling (case, spaces, punctuation) give the same one.
 */
export function headerFingerprint(headers: readonly string[]): string {
  const set = [...new Set(headers.map(normalizeHeader).filter((h) => h !== ''))].sort();
  return `h:${createHash('sha256').update(set.join('\n')).digest('hex').slice(0, 32)}`;
}

function bigrams(text: string): string[] {
  const chars = [...text];
  return chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
}

/** Dice coefficient of character bigrams (0–1). */
function similarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.length === 0 || y.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const g of x) counts.set(g, (counts.get(g) ?? 0) + 1);
  let shared = 0;
  for (const g of y) {
    const n = counts.get(g) ?? 0;
    if (n > 0) {
      shared += 1;
      counts.set(g, n - 1);
    }
  }
  return (2 * shared) / (x.length + y.length);
}

function score(header: string, name: string): number {
  if (header === '' || name === '') return 0;
  if (header === name) return 1;
  const [short, long] = header.length <= name.length ? [header, name] : [name, header];
  if ([...short].length >= 2 && long.includes(short))
    return 0.7 + (0.25 * [...short].length) / [...long].length;
  const dice = similarity(header, name);
  return dice >= 0.5 ? 0.8 * dice : 0;
}

/** Fields an import may fill for a caller: stored, visible, writable, of a type a cell can carry. */
export function importableFields(model: EntityModel, gate: RecordGate): Field[] {
  return model.storedFields.filter(
    (f) => !NOT_IMPORTED.has(f.type) && !gate.hidden.has(f.key) && gate.writable(f.key),
  );
}

/**
 * Suggests a field for each column by its header: an exact key or label (zh-CN or en) first, then a
 * header that contains a label or is contained in one (`手机号码` → 手机), then similar spelling (bigram
 * similarity ≥ 0.5). Each field goes to one column at most, best scores first; columns nothing fits get
 * null.
 * @example suggestColumns(contact, ['姓名', 'Mobile phone', 'Notes'], gate) // [{field:'name',…}, {field:'mobile',…}, null]
 */
export function suggestColumns(
  model: EntityModel,
  headers: readonly string[],
  gate: RecordGate,
): Array<ColumnSuggestion | null> {
  const fields = importableFields(model, gate);
  const candidates: Array<{ column: number; field: string; score: number; by: SuggestionKind }> = [];
  headers.forEach((header, column) => {
    const h = normalizeHeader(header);
    for (const field of fields) {
      const byKey = h === normalizeHeader(field.key) ? 1 : 0;
      const labels = [labelFor(field.label, 'zh-CN'), labelFor(field.label, 'en')].map(normalizeHeader);
      const byLabel = Math.max(...labels.map((l) => score(h, l)), score(h, normalizeHeader(field.key)));
      const best = Math.max(byKey, byLabel);
      if (best > 0)
        candidates.push({
          column,
          field: field.key,
          score: Math.round(best * 100) / 100,
          by: byKey === 1 ? 'key' : best === 1 ? 'label' : 'similar',
        });
    }
  });
  candidates.sort((a, b) => b.score - a.score || a.column - b.column);
  const out: Array<ColumnSuggestion | null> = headers.map(() => null);
  const taken = new Set<string>();
  for (const c of candidates) {
    if (out[c.column] || taken.has(c.field)) continue;
    out[c.column] = { field: c.field, score: c.score, by: c.by };
    taken.add(c.field);
  }
  return out;
}
