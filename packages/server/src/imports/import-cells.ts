import { type Field, type FieldType, labelFor } from '@dougong/schema';
import ExcelJS from 'exceljs';

/**
 * Parses RFC 4180 CSV (a UTF-8 BOM is dropped; CRLF or LF line ends; quoted fields may hold commas,
 * quotes and line breaks) into rows of cells. Blank lines are kept as empty rows so row numbers match
 * the file.
 * @example parseCsv('a,"b,c"\r\n') // [['a', 'b,c']]
 */
export function parseCsv(text: string): string[][] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < input.length; i += 1) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The first sheet of an .xlsx file as rows of cell texts (row 1 first; empty rows kept). */
export async function parseXlsx(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  for (let r = 1; r <= sheet.rowCount; r += 1) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c += 1) cells.push(row.getCell(c).text ?? '');
    rows.push(cells);
  }
  return rows;
}

/** A cell turned into a payload value, or why it cannot be. */
export type CellResult = { ok: true; value: unknown } | { ok: false; message: string };

const YES = new Set(['是', 'yes', 'y', 'true', '1', '√']);
const NO = new Set(['否', 'no', 'n', 'false', '0']);

const asIs = (_field: Field, text: string): CellResult => ({ ok: true, value: text });
const option = (field: Field, text: string): string | undefined => {
  const options = 'options' in field ? field.options : [];
  const wanted = text.trim().toLowerCase();
  return options.find(
    (o) =>
      o.id === text.trim() ||
      labelFor(o.label, 'zh-CN').toLowerCase() === wanted ||
      labelFor(o.label, 'en').toLowerCase() === wanted,
  )?.id;
};
const number = (_field: Field, text: string): CellResult => {
  const cleaned = text.replace(/[,\s¥$]/g, '');
  return /^-?\d+(\.\d+)?$/.test(cleaned)
    ? { ok: true, value: cleaned }
    : { ok: false, message: 'is not a number' };
};
const cannot = (): CellResult => ({ ok: false, message: 'cannot be imported' });

// Every field type has a parser: adding a type without one fails to compile.
const PARSERS: Record<FieldType, (field: Field, text: string) => CellResult> = {
  text: asIs,
  longText: asIs,
  richText: asIs,
  number: (field, text) => {
    const parsed = number(field, text);
    if (!parsed.ok || !(field.type === 'number' && field.integer)) return parsed;
    return { ok: true, value: Number(parsed.value) };
  },
  money: number,
  percent: number,
  boolean: (_field, text) => {
    const t = text.trim().toLowerCase();
    if (YES.has(t)) return { ok: true, value: true };
    if (NO.has(t)) return { ok: true, value: false };
    return { ok: false, message: 'is not 是/否 or yes/no' };
  },
  date: (_f, text) => ({ ok: true, value: text.trim().replace(/\//g, '-') }),
  datetime: asIs,
  singleSelect: (field, text) => {
    const id = option(field, text);
    return id ? { ok: true, value: id } : { ok: false, message: `"${text.slice(0, 64)}" is not an option` };
  },
  multiSelect: (field, text) => {
    const ids: string[] = [];
    for (const part of text
      .split(/[,，、;]/)
      .map((p) => p.trim())
      .filter(Boolean)) {
      const id = option(field, part);
      if (!id) return { ok: false, message: `"${part.slice(0, 64)}" is not an option` };
      ids.push(id);
    }
    return { ok: true, value: ids };
  },
  email: (_f, text) => ({ ok: true, value: text.trim() }),
  phone: (_f, text) => ({ ok: true, value: text.trim() }),
  url: (_f, text) => ({ ok: true, value: text.trim() }),
  user: (_f, text) => ({ ok: true, value: text.trim() }),
  department: (_f, text) => ({ ok: true, value: text.trim() }),
  reference: (_f, text) => ({ ok: true, value: text.trim() }),
  subTable: cannot,
  attachment: cannot,
  autoNumber: cannot,
  formula: cannot,
  region: (_f, text) => ({ ok: true, value: text.trim() }),
};

/** Turns the text of a cell into the value a record payload carries for `field`. */
export function cellValue(field: Field, text: string): CellResult {
  return PARSERS[field.type](field, text);
}

/**
 * The form of a value duplicates are matched by: trimmed and case-insensitive; a phone number by its
 * digits without a leading +86 / 86 / 0086, so `+86 138-0013-8000` matches `13800138000`.
 */
export function matchKey(field: Field, value: unknown): string {
  const text = String(value ?? '')
    .trim()
    .toLowerCase();
  if (field.type !== 'phone') return text;
  return text.replace(/\D/g, '').replace(/^(0086|86)(?=1\d{10}$)/, '');
}
