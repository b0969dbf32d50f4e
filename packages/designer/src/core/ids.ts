import { type Label, SYSTEM_KEYS } from '@dougong/schema';

/** The id and key patterns of the metadata schema, for checking ids the UI passes in. */
export const ID_PATTERNS = {
  /** Entities and fields (they name tables and columns). */
  stable: /^[a-z][a-z0-9_]{0,39}$/,
  /** API keys of entities, fields, flows and roles. */
  key: /^[a-z][a-zA-Z0-9]{0,62}$/,
  /** Forms, form layout nodes and form rules. */
  formNode: /^[a-z][a-z0-9_-]{0,39}$/,
  /** Flow nodes. */
  flowNode: /^[a-z][a-zA-Z0-9_]{0,39}$/,
  /** Select options. */
  option: /^[a-zA-Z0-9_-]{1,40}$/,
} as const;

/** The ASCII words of a text (`"Customer name"` → `['customer', 'name']`; Chinese gives none). */
function words(text: string | undefined): string[] {
  if (!text) return [];
  return (
    text
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? []
  );
}

/** The words a label offers for ids: its English text, else ASCII words in the Chinese one. */
function labelWords(label: Label | undefined): string[] {
  const en = words(label?.en);
  return en.length > 0 ? en : words(label?.['zh-CN']);
}

/** camelCase from words, starting with a letter; `fallback` when the label gives nothing usable. */
export function keyFrom(label: Label | undefined, fallback: string, max = 40): string {
  const w = labelWords(label);
  let key = w.map((x, i) => (i === 0 ? x : x[0]!.toUpperCase() + x.slice(1))).join('');
  if (!/^[a-z]/.test(key)) key = key ? `${fallback}${key[0]!.toUpperCase()}${key.slice(1)}` : fallback;
  return key.slice(0, max);
}

/** snake_case id from a camelCase key: `customerName` → `customer_name`. */
export function snakeFrom(key: string, max = 36): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '')
    .slice(0, max)
    .replace(/_+$/, '');
}

/**
 * The first of `base`, `base2`, `base3`, … (joined with `sep`) not in `taken`, cut to `max` characters.
 * @example unique('name', new Set(['name']), 40) // 'name2'
 */
export function unique(base: string, taken: ReadonlySet<string>, max: number, sep = ''): string {
  if (!taken.has(base) && base.length <= max) return base;
  for (let n = 2; ; n++) {
    const suffix = `${sep}${n}`;
    const candidate = base.slice(0, max - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Field keys may not reuse the record keys every record has. */
export const RESERVED_FIELD_KEYS: ReadonlySet<string> = new Set(SYSTEM_KEYS);

/** The first of `prefix1`, `prefix2`, … (with `sep` between) not in `taken`: `numbered('rule', ids, '-')` → `rule-1`. */
export function numbered(prefix: string, taken: ReadonlySet<string>, sep = ''): string {
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${sep}${n}`)) return `${prefix}${sep}${n}`;
}
