import {
  type Actor,
  BatchCarry,
  type CheckedCreate,
  type RecordGate,
  type RecordRepository,
  StaleCarryError,
} from '@dougong/db';
import { DougongError, type EntityModel, type Field, type Locale, labelFor } from '@dougong/schema';
import { csvLine, neutralise } from '../exports/export-cells.js';
import { cellValue } from './import-cells.js';
import { type ImportMatcher, importMatcher } from './import-match.js';

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

/** A data row turned into a record payload, with the cells that could not be read. */
export function rowPayload(
  cells: string[],
  columns: ReadonlyArray<{ column: number; field: Field }>,
): { payload: Record<string, unknown>; reasons: RejectedRow['reasons'] } {
  const payload: Record<string, unknown> = {};
  const reasons: RejectedRow['reasons'] = [];
  for (const { column, field } of columns) {
    const text = cells[column] ?? '';
    if (text.trim() === '') continue;
    const parsed = cellValue(field, text);
    if (parsed.ok) payload[field.key] = parsed.value;
    else reasons.push({ path: `/${field.key}`, message: parsed.message });
  }
  return { payload, reasons };
}

/** True for a row with no cell filled (ignored by imports). */
export const isEmptyRow = (cells: string[]) => cells.every((c) => c.trim() === '');

/**
 * Called after each data row an import handles, with the report so far; `'stop'` ends the import there
 * (the report then covers the rows handled).
 */
export type ImportProgressHook = (report: ImportReport) => Promise<'stop' | undefined> | 'stop' | undefined;

/** Data rows an import writes per transaction by default (see {@link ImportOptions}). */
export const IMPORT_BATCH_ROWS = 1000;

/** How an import writes. */
export interface ImportOptions {
  /**
   * Data rows per batch (default {@link IMPORT_BATCH_ROWS}); 1 writes row by row, each row in its own
   * transaction. The report and the records are the same either way.
   */
  batchSize?: number;
}

/** The state an import carries from row to row. */
interface ImportState {
  readonly report: ImportReport;
  /** Keys of rows handled (created, updated or skipped as existing): later rows with them are skipped. */
  readonly seen: Set<string>;
  /** The keys in `seen`, in the order they were added (a redo takes back those added after its mark). */
  readonly journal: string[];
}

/** Marks a key as handled. */
function see(state: ImportState, key: string): void {
  if (key === '' || state.seen.has(key)) return;
  state.seen.add(key);
  state.journal.push(key);
}

interface ImportContext {
  repo: RecordRepository;
  model: EntityModel;
  plan: ImportPlan;
  columns: ReadonlyArray<{ column: number; field: Field }>;
  actor: Actor;
  gate: RecordGate;
  matcher: ImportMatcher | undefined;
}

/**
 * Imports data rows (after the header). Duplicates by `matchOn` (a field or a duplicate rule, see
 * {@link importMatcher}) — within the file and against readable records — are skipped, or update the
 * existing record with `update`. A bad row is reported and the others still go in.
 *
 * By default rows are written in batches: each batch's rows are read and checked (validator, form rules)
 * in memory, its duplicates of existing records are looked up with one query, and its new records are
 * created with one multi-row write in one transaction (history, duplicate keys and flow events as single
 * creates write them). A batch the database refuses (a unique value, a missing reference, a blocking
 * duplicate rule) is written again row by row, so the good rows still go in and the bad one is reported
 * with the reason a single create gives. Updates (`dedupe=update`) are written one by one, in row order.
 * With `batchSize: 1` every row goes through the normal create / update path in its own transaction.
 */
export async function runImport(
  repo: RecordRepository,
  model: EntityModel,
  rows: string[][],
  plan: ImportPlan,
  columns: Array<{ column: number; field: Field }>,
  actor: Actor,
  gate: RecordGate,
  progress?: ImportProgressHook,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const state: ImportState = {
    report: { total: 0, created: 0, updated: 0, skipped: 0, rejected: [] },
    seen: new Set<string>(),
    journal: [],
  };
  const ctx: ImportContext = {
    repo,
    model,
    plan,
    columns,
    actor,
    gate,
    matcher: importMatcher(repo, model, plan.matchOn, columns, gate),
  };
  const size = Math.max(1, Math.floor(options.batchSize ?? IMPORT_BATCH_ROWS));
  const slice = (i: number) => rows.slice(i, i + size).map((cells, n) => ({ cells, row: i + n + 1 }));
  // Without updates, two batches are written at once (see importPipelined).
  if (size > 1 && (plan.dedupe === 'skip' || !ctx.matcher)) {
    await importPipelined(ctx, state, rows.length, size, slice, progress);
    repo.refineStatistics();
    return state.report;
  }
  // Batches are pipelined: the next batch is read and checked while this one's write is in flight.
  let next = size > 1 && rows.length > 1 ? await readBatch(ctx, slice(1)) : [];
  for (let i = 1; i < rows.length; i += size) {
    if (i > 1 && progress && (await progress(state.report)) === 'stop') break;
    if (size === 1) await importRows(ctx, state, slice(i));
    else {
      const parsed = next;
      const following = i + size < rows.length ? i + size : undefined;
      await importBatch(ctx, state, parsed, async () => {
        next = following === undefined ? [] : await readBatch(ctx, slice(following));
      });
    }
  }
  repo.refineStatistics();
  return state.report;
}

/** A batch being written: its rows, the state before them, the write and its commit. */
interface Flight {
  parsed: readonly ReadRow[];
  mark: Mark;
  /** Settles with the write: undefined when it committed, else the error. */
  outcome: Promise<{ error: unknown } | undefined>;
  /** Resolves when the write has committed; rejects when it failed. */
  committed: Promise<unknown>;
}

/**
 * Batches of creates (no updates: `dedupe=skip`, or no dedupe) with two writes in flight: while one
 * batch's statements run on the database, the next batch is decided and prepared (validated,
 * numbered, assigned, scored, its statements built and sent) on a connection of its own. Its numbers
 * and assignment state follow on from the previous batch ({@link BatchCarry}); it commits only after
 * the previous batch has, and rolls back when that one failed. A failed batch is taken back with the
 * batch after it, and both are written again as without pipelining (row by row when the database
 * refused it): the report is the same either way. On the embedded database, which has one
 * connection, the writes simply follow each other.
 */
async function importPipelined(
  ctx: ImportContext,
  state: ImportState,
  count: number,
  size: number,
  slice: (i: number) => Array<{ cells: string[]; row: number }>,
  progress: ImportProgressHook | undefined,
): Promise<void> {
  const carry = new BatchCarry();
  let reading: Promise<ReadRow[]> = count > 1 ? readBatch(ctx, slice(1)) : Promise.resolve([]);
  let flight: Flight | undefined;
  // A failed batch and the one after it, written again one after the other.
  const redo = async (failed: Flight, error: unknown, after: readonly ReadRow[] | undefined) => {
    restore(state, failed.mark);
    carry.reset();
    if (error instanceof StaleCarryError) await importBatch(ctx, state, failed.parsed, async () => {});
    else await importRows(ctx, state, failed.parsed);
    if (after) await importBatch(ctx, state, after, async () => {});
  };
  for (let i = 1; i < count; i += size) {
    if (i > 1 && progress && (await progress(state.report)) === 'stop') break;
    const parsed = await reading;
    const following = i + size < count ? i + size : undefined;
    // The next batch is read once this one's statements are sent (or its write has failed).
    let started = false;
    let startReading = (_rows: Promise<ReadRow[]>) => {};
    reading = new Promise<ReadRow[]>((resolve) => {
      startReading = resolve;
    });
    // Awaited by the next turn; until then a failure must not count as unhandled.
    reading.catch(() => undefined);
    const readNext = () => {
      if (started) return;
      started = true;
      startReading(following === undefined ? Promise.resolve([]) : readBatch(ctx, slice(following)));
    };
    const mark = markOf(state, 0);
    const creates = await decideCreates(ctx, state, parsed);
    let current: Flight;
    if (creates.length === 0) {
      readNext();
      const committed = flight?.committed ?? Promise.resolve();
      current = { parsed, mark, committed, outcome: Promise.resolve(undefined) };
    } else {
      let done = false;
      let onCommitted = () => {};
      const committed = new Promise<void>((resolve) => {
        onCommitted = () => {
          done = true;
          resolve();
        };
      });
      const write = ctx.repo.createMany(ctx.model, creates, {
        carry,
        ...(flight ? { commitAfter: flight.committed } : {}),
        onCommitted,
        onStatementsSent: readNext,
      });
      // Once committed, the batch is in: what fails after (the statistics) does not undo it.
      const outcome = write.then(
        () => undefined,
        (error: unknown) => (done ? undefined : { error }),
      );
      void outcome.then(readNext);
      current = {
        parsed,
        mark,
        outcome,
        committed: Promise.race([committed, outcome.then((o) => (o ? Promise.reject(o.error) : undefined))]),
      };
      current.committed.catch(() => undefined);
    }
    if (flight) {
      const failed = await flight.outcome;
      if (failed) {
        await current.outcome;
        await redo(flight, failed.error, parsed);
        flight = undefined;
        continue;
      }
    }
    flight = current;
  }
  if (flight) {
    const failed = await flight.outcome;
    if (failed) await redo(flight, failed.error, undefined);
  }
}

/**
 * A batch's rows decided in order without updates: rejected, skipped (seen before, or matching an
 * existing record), or created; returns the creates to write.
 */
async function decideCreates(
  ctx: ImportContext,
  state: ImportState,
  parsed: readonly ReadRow[],
): Promise<CheckedCreate[]> {
  const { report, seen } = state;
  const lookup = parsed.filter((p) => p.key !== '' && !seen.has(p.key)).map((p) => p.key);
  const existing =
    ctx.matcher && lookup.length > 0 ? await ctx.matcher.findAll(lookup) : new Map<string, never>();
  const creates: CheckedCreate[] = [];
  for (const { row, reasons, key, checked } of parsed) {
    report.total += 1;
    if (reasons.length > 0) report.rejected.push({ row, reasons });
    else if (key !== '' && seen.has(key)) report.skipped += 1;
    else if (key !== '' && existing.get(key)) {
      report.skipped += 1;
      see(state, key);
    } else if (checked?.ok) {
      creates.push(checked.create);
      report.created += 1;
      see(state, key);
    } else reject(report, row, checked?.error);
  }
  return creates;
}

/** A data row read for a batch: its payload or the reasons it cannot be read, its dedupe key, its checks. */
interface ReadRow {
  cells: string[];
  row: number;
  payload: Record<string, unknown>;
  reasons: RejectedRow['reasons'];
  key: string;
  /** The create checks' outcome (rows that can be read): what to write, or the error a create gives. */
  checked?: { ok: true; create: CheckedCreate } | { ok: false; error: unknown };
}

/** Rows {@link readBatch} reads before it lets other work (the previous batch's write) go on. */
const READ_SLICE = 10;

/**
 * Reads a batch's rows and runs the create checks (validator, form rules) on every row that can be
 * read. All of it depends on the row alone, so it runs while the previous batch is being written, a
 * slice of rows at a time so the write's own steps are not held up.
 */
async function readBatch(
  ctx: ImportContext,
  rows: ReadonlyArray<{ cells: string[]; row: number }>,
): Promise<ReadRow[]> {
  const out: ReadRow[] = [];
  for (let i = 0; i < rows.length; i += READ_SLICE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    out.push(...rows.slice(i, i + READ_SLICE).flatMap((r) => readRow(ctx, r)));
  }
  return out;
}

function readRow(ctx: ImportContext, { cells, row }: { cells: string[]; row: number }): ReadRow[] {
  if (isEmptyRow(cells)) return [];
  const { payload, reasons } = rowPayload(cells, ctx.columns);
  if (reasons.length > 0) return [{ cells, row, payload, reasons, key: '' }];
  let checked: ReadRow['checked'];
  try {
    checked = { ok: true, create: ctx.repo.checkCreate(ctx.model, payload, ctx.actor, ctx.gate) };
  } catch (error) {
    checked = { ok: false, error };
  }
  return [{ cells, row, payload, reasons, key: ctx.matcher ? ctx.matcher.key(payload) : '', checked }];
}

/** Rows one by one, each through the normal create / update path in its own transaction. */
async function importRows(
  ctx: ImportContext,
  state: ImportState,
  rows: ReadonlyArray<{ cells: string[]; row: number }>,
): Promise<void> {
  const { report, seen } = state;
  const { repo, model, matcher } = ctx;
  for (const { cells, row } of rows) {
    if (isEmptyRow(cells)) continue;
    report.total += 1;
    const { payload, reasons } = rowPayload(cells, ctx.columns);
    if (reasons.length > 0) {
      report.rejected.push({ row, reasons });
      continue;
    }
    const key = matcher ? matcher.key(payload) : '';
    try {
      if (key !== '' && seen.has(key)) {
        report.skipped += 1;
        continue;
      }
      const existing = matcher && key !== '' ? await matcher.find(payload) : null;
      if (existing && ctx.plan.dedupe === 'skip') report.skipped += 1;
      else if (existing) {
        await repo.update(model, existing.id, payload, ctx.actor, existing.version, ctx.gate);
        report.updated += 1;
      } else {
        await repo.create(model, payload, ctx.actor, ctx.gate);
        report.created += 1;
      }
      see(state, key);
    } catch (error) {
      reject(report, row, error);
    }
  }
}

/**
 * One batch with the outcome of {@link importRows}: rows are decided in order in memory (skips, checked
 * creates, updates); the creates since the last update go in with one write, and when the database
 * refuses that write, those rows are done again one by one from the state before them. `whileWriting`
 * (reading the next batch) runs while the last write is in flight.
 */
async function importBatch(
  ctx: ImportContext,
  state: ImportState,
  parsed: readonly ReadRow[],
  whileWriting: () => Promise<void>,
): Promise<void> {
  const { report, seen } = state;
  const { repo, model, matcher } = ctx;
  const lookup = parsed.filter((p) => p.key !== '' && !seen.has(p.key)).map((p) => p.key);
  const existing = matcher && lookup.length > 0 ? await matcher.findAll(lookup) : new Map<string, never>();
  // The creates not written yet, and the state to restore before redoing rows `from…` one by one
  // (the counts then, and the keys marked seen since).
  let creates: CheckedCreate[] = [];
  let from = markOf(state, 0);
  const flush = async (next: number, last = false) => {
    if (creates.length > 0) {
      // The next batch is read once this one's statements are all sent: reading it earlier would slow
      // down the building of those statements, while the database waits for them.
      let reading: Promise<void> | undefined;
      const read = () => {
        if (reading) return;
        reading = whileWriting();
        // Awaited below, once the write has settled; until then a failure must not count as unhandled.
        reading.catch(() => undefined);
      };
      const [outcome] = await Promise.allSettled([
        repo.createMany(model, creates, last ? { onStatementsSent: read } : {}),
      ]);
      if (last) {
        read();
        await reading;
      }
      if (outcome.status === 'rejected') {
        // The database refused the batch (a unique value, a reference, a blocking duplicate rule):
        // single writes name the row and let the others in.
        restore(state, from);
        await importRows(ctx, state, parsed.slice(from.index, next));
      }
    } else if (last) await whileWriting();
    creates = [];
    from = markOf(state, next);
  };
  for (const [index, { row, payload, reasons, key, checked }] of parsed.entries()) {
    const match = reasons.length === 0 && key !== '' && !seen.has(key) ? existing.get(key) : undefined;
    if (match && ctx.plan.dedupe === 'update') await flush(index);
    report.total += 1;
    if (reasons.length > 0) report.rejected.push({ row, reasons });
    else if (key !== '' && seen.has(key)) report.skipped += 1;
    else if (match && ctx.plan.dedupe === 'skip') {
      report.skipped += 1;
      see(state, key);
    } else if (match) {
      try {
        await repo.update(model, match.id, payload, ctx.actor, match.version, ctx.gate);
        report.updated += 1;
        see(state, key);
      } catch (error) {
        reject(report, row, error);
      }
      from = markOf(state, index + 1);
    } else if (checked?.ok) {
      creates.push(checked.create);
      report.created += 1;
      see(state, key);
    } else reject(report, row, checked?.error);
  }
  await flush(parsed.length, true);
}

function reject(report: ImportReport, row: number, error: unknown): void {
  if (!(error instanceof DougongError)) throw error;
  const details = error.details.length > 0 ? error.details : [{ path: '', message: error.message }];
  report.rejected.push({ row, reasons: details.map((d) => ({ path: d.path, message: d.message })) });
}

/** Where a redo would start: the row index, the counts then, and the length of the keys' journal. */
interface Mark {
  index: number;
  counts: Omit<ImportReport, 'rejected'> & { rejected: number };
  journal: number;
}

function markOf(state: ImportState, index: number): Mark {
  const { total, created, updated, skipped, rejected } = state.report;
  return {
    index,
    counts: { total, created, updated, skipped, rejected: rejected.length },
    journal: state.journal.length,
  };
}

function restore(state: ImportState, from: Mark): void {
  const { rejected, ...counts } = from.counts;
  Object.assign(state.report, counts);
  state.report.rejected.length = rejected;
  for (const key of state.journal.splice(from.journal)) state.seen.delete(key);
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
