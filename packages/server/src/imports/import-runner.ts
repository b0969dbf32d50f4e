import type { Actor, RecordGate, RecordRepository } from '@dougong/db';
import { DougongError, type EntityModel, type Field, type Locale, labelFor } from '@dougong/schema';
import { csvLine, neutralise } from '../exports/export-cells.js';
import { cellValue, matchKey } from './import-cells.js';

/** Why one row was not imported (row 1 is the header). */
export interface RejectedRow {
  row: number;
  reasons: Array<{ path: string; message: string }>;
}

/** What an import did. */
export interface ImportReport {
  total: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: RejectedRow[];
}

/** How an import runs: the mapping from file columns to fields and the duplicate strategy. */
export interface ImportPlan {
  /** Column header → field key; headers left out are ignored. */
  mapping: Record<string, string>;
  dedupe: 'skip' | 'update';
  matchOn?: string;
}

// Computed or structured values that a spreadsheet cell cannot carry.
const NOT_IMPORTED = new Set(['subTable', 'attachment', 'autoNumber', 'formula']);

const badQuery = (path: string, message: string) =>
  new DougongError('BAD_REQUEST', undefined, [{ path, message }]);

/**
 * The mapping to use: the one given, else every header that equals a field's key or its label in
 * either locale. Each target must be a field the caller may write; a header missing from the file is a
 * 400 naming `/mapping/{header}`.
 */
export function resolveMapping(
  model: EntityModel,
  header: string[],
  given: Record<string, string> | undefined,
  gate: RecordGate,
): Array<{ column: number; field: Field }> {
  const fields = model.storedFields;
  const entries =
    given !== undefined
      ? Object.entries(given)
      : header.flatMap((h) => {
          const name = h.trim().toLowerCase();
          const field = fields.find(
            (f) =>
              f.key.toLowerCase() === name ||
              labelFor(f.label, 'zh-CN').toLowerCase() === name ||
              labelFor(f.label, 'en').toLowerCase() === name,
          );
          return field ? [[h, field.key] as [string, string]] : [];
        });
  if (entries.length === 0) throw badQuery('/mapping', 'maps no column of the file to a field');
  const seen = new Set<string>();
  return entries.map(([name, key]) => {
    const path = `/mapping/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const column = header.indexOf(name);
    if (column < 0) throw badQuery(path, 'is not a column of the file');
    const field = fields.find((f) => f.key === key);
    if (!field || gate.hidden.has(key) || !gate.writable(key) || NOT_IMPORTED.has(field.type))
      throw badQuery(path, `"${String(key).slice(0, 64)}" is not a field you may import into`);
    if (seen.has(key)) throw badQuery(path, `"${key}" is mapped twice`);
    seen.add(key);
    return { column, field };
  });
}

/**
 * Imports data rows (after the header) one by one through the normal create / update path, each in its
 * own transaction, so a bad row is reported and the others still go in. Duplicates by `matchOn` — within
 * the file and against readable records — are skipped, or update the existing record with `update`.
 */
export async function runImport(
  repo: RecordRepository,
  model: EntityModel,
  rows: string[][],
  plan: ImportPlan,
  columns: Array<{ column: number; field: Field }>,
  actor: Actor,
  gate: RecordGate,
): Promise<ImportReport> {
  const report: ImportReport = { total: 0, created: 0, updated: 0, skipped: 0, rejected: [] };
  const match =
    plan.matchOn === undefined ? undefined : columns.find((c) => c.field.key === plan.matchOn)?.field;
  const seen = new Set<string>();
  for (let i = 1; i < rows.length; i += 1) {
    const cells = rows[i]!;
    if (cells.every((c) => c.trim() === '')) continue;
    report.total += 1;
    const row = i + 1;
    const payload: Record<string, unknown> = {};
    const reasons: RejectedRow['reasons'] = [];
    for (const { column, field } of columns) {
      const text = cells[column] ?? '';
      if (text.trim() === '') continue;
      const parsed = cellValue(field, text);
      if (parsed.ok) payload[field.key] = parsed.value;
      else reasons.push({ path: `/${field.key}`, message: parsed.message });
    }
    if (reasons.length > 0) {
      report.rejected.push({ row, reasons });
      continue;
    }
    const key = match && payload[match.key] !== undefined ? matchKey(match, payload[match.key]) : '';
    try {
      if (key !== '' && seen.has(key)) {
        report.skipped += 1;
        continue;
      }
      const existing = match && key !== '' ? await repo.findMatch(model, match, key, gate) : null;
      if (existing && plan.dedupe === 'skip') report.skipped += 1;
      else if (existing) {
        await repo.update(model, existing.id, payload, actor, existing.version, gate);
        report.updated += 1;
      } else {
        await repo.create(model, payload, actor, gate);
        report.created += 1;
      }
      if (key !== '') seen.add(key);
    } catch (error) {
      if (!(error instanceof DougongError)) throw error;
      const details = error.details.length > 0 ? error.details : [{ path: '', message: error.message }];
      report.rejected.push({ row, reasons: details.map((d) => ({ path: d.path, message: d.message })) });
    }
  }
  return report;
}

/** The rejected rows as CSV (UTF-8 with BOM): the file's header plus a reasons column, cells neutralised. */
export function rejectedCsv(rows: string[][], rejected: RejectedRow[], locale: Locale): Buffer {
  const header = rows[0] ?? [];
  const title = locale === 'en' ? 'Reasons' : '原因';
  const lines = [csvLine([...header, title].map(neutralise))];
  for (const { row, reasons } of rejected) {
    const cells = rows[row - 1] ?? [];
    const text = reasons.map((r) => (r.path ? `${r.path}: ${r.message}` : r.message)).join('; ');
    lines.push(csvLine([...header.map((_, c) => neutralise(cells[c] ?? '')), neutralise(text)]));
  }
  return Buffer.from(`\uFEFF${lines.join('')}`, 'utf8');
}
