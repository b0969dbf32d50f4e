import {
  DougongError,
  type EntityModel,
  type Field,
  type FieldType,
  type Label,
  type Locale,
  labelFor,
} from '@dougong/schema';

/** One exported column: the record key it reads, its header and how a value becomes a cell. */
export interface ExportColumn {
  readonly key: string;
  readonly header: string;
  /** True for numeric values, written as numbers in XLSX. */
  readonly numeric: boolean;
  cell(value: unknown): string | number | null;
}

const SYSTEM_LABELS: Record<string, Label> = {
  id: { 'zh-CN': '编号', en: 'ID' },
  createdAt: { 'zh-CN': '创建时间', en: 'Created at' },
  updatedAt: { 'zh-CN': '更新时间', en: 'Updated at' },
  ownerId: { 'zh-CN': '负责人', en: 'Owner' },
};
const YES_NO: Record<Locale, [string, string]> = { 'zh-CN': ['是', '否'], en: ['Yes', 'No'] };

/**
 * The locale of a request from `Accept-Language` (the first of zh* / en* in preference order), else
 * zh-CN.
 * @example localeOf('en-GB,en;q=0.9') // 'en'
 */
export function localeOf(header: string | string[] | undefined): Locale {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const tags = text
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

/**
 * Makes a text cell safe to open in a spreadsheet: one beginning with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading apostrophe, so it is never taken for a formula (CSV injection).
 * @example neutralise('=1+1') // "'=1+1"
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);

type Formatter = (field: Field, value: unknown, locale: Locale) => string | number;

const optionLabel = (field: Field, id: unknown, locale: Locale): string => {
  const options = 'options' in field ? field.options : [];
  const option = options.find((o) => o.id === id);
  return option ? labelFor(option.label, locale) : asText(id);
};
const numeric: Formatter = (_field, value) => {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && String(value).length <= 15 ? n : asText(value);
};
const text: Formatter = (_field, value) => asText(value);

// Every field type has a formatter: adding a type without one fails to compile.
const FORMATTERS: Record<FieldType, Formatter> = {
  text,
  longText: text,
  richText: (_f, value) =>
    asText(value)
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  number: numeric,
  money: numeric,
  percent: numeric,
  boolean: (_f, value, locale) => YES_NO[locale][value === true ? 0 : 1],
  date: text,
  datetime: text,
  singleSelect: optionLabel,
  multiSelect: (field, value, locale) =>
    (Array.isArray(value) ? value : [value]).map((id) => optionLabel(field, id, locale)).join(', '),
  email: text,
  phone: text,
  url: text,
  user: text,
  department: text,
  reference: text,
  subTable: () => '',
  attachment: (_f, value) =>
    (Array.isArray(value) ? value : [])
      .map((file) => (file && typeof file === 'object' && 'name' in file ? String(file.name) : asText(file)))
      .join(', '),
  autoNumber: text,
  formula: (field, value, locale) =>
    field.type === 'formula' && field.resultType === 'boolean'
      ? YES_NO[locale][value === true ? 0 : 1]
      : field.type === 'formula' && (field.resultType === 'integer' || field.resultType === 'decimal')
        ? numeric(field, value, locale)
        : asText(value),
  region: text,
};

function fieldColumn(field: Field, locale: Locale): ExportColumn {
  const format = FORMATTERS[field.type];
  return {
    key: field.key,
    header: neutralise(labelFor(field.label, locale)),
    numeric: format === numeric,
    cell: (value) => {
      if (value === null || value === undefined) return null;
      const out = format(field, value, locale);
      return typeof out === 'number' ? out : neutralise(out);
    },
  };
}

/**
 * The columns of an export: those named in `columns` (comma-separated record keys; fields and
 * `id`, `createdAt`, `updatedAt`, `ownerId`), else every stored field the caller can read. Naming a
 * hidden or unknown key is a 400 naming `/columns/{i}`.
 */
export function exportColumns(
  model: EntityModel,
  columns: string | undefined,
  hidden: ReadonlySet<string>,
  locale: Locale,
): ExportColumn[] {
  const exportable = (f: Field) => f.type !== 'subTable';
  if (columns === undefined || columns.trim() === '')
    return model.storedFields
      .filter((f) => exportable(f) && !hidden.has(f.key))
      .map((f) => fieldColumn(f, locale));
  const keys = columns.split(',').map((k) => k.trim());
  if (keys.length > 200)
    throw new DougongError('BAD_REQUEST', undefined, [{ path: '/columns', message: 'at most 200 columns' }]);
  return keys.map((key, i) => {
    const field = model.storedFields.find((f) => f.key === key);
    if (field && exportable(field) && !hidden.has(key)) return fieldColumn(field, locale);
    const system = SYSTEM_LABELS[key];
    if (system && !field)
      return {
        key,
        header: labelFor(system, locale),
        numeric: false,
        cell: (value) => (value === null || value === undefined ? null : neutralise(asText(value))),
      };
    const message =
      field && hidden.has(key) ? 'names a field you cannot read' : `"${key.slice(0, 64)}" cannot be exported`;
    throw new DougongError('BAD_REQUEST', undefined, [{ path: `/columns/${i}`, message }]);
  });
}

/**
 * One CSV line (RFC 4180): fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF ends it.
 * @example csvLine(['a', 'b,c', null]) // 'a,"b,c",\r\n'
 */
export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells
    .map((cell) => {
      if (cell === null) return '';
      const s = String(cell);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',')}\r\n`;
}
