import { DougongError, type EntityModel } from '@dougong/schema';
import { type Expression, type SqlBool, sql } from 'kysely';
import { afterCursor, orderBy } from './list-query.js';
import { RECORD_ALIAS as ALIAS, type RecordGate } from './record-gate.js';
import { cursorValue, type ListOptions, type RecordReader } from './record-reader.js';
import { type RecordJson, selectColumns } from './row-mapping.js';

/** Exports stop here: a larger set is refused with a 422 before a byte is sent. */
export const EXPORT_ROW_LIMIT = 100_000;
/** Rows fetched per keyset query while exporting. */
export const EXPORT_BATCH_SIZE = 2_000;

/** An export prepared and checked: its row count and an iterator over keyset batches. */
export interface PreparedExport {
  readonly total: number;
  batches(): AsyncGenerator<RecordJson[]>;
}

/**
 * Prepares an export of a list (same filter, sort and search as the list endpoint) within the gate's
 * `export` scope: a 403 without the right, a 400 for a hidden field in filter or sort, a 422 beyond
 * {@link EXPORT_ROW_LIMIT} rows. Rows are then read in keyset batches, never all at once.
 *
 * @example
 * const prepared = await prepareExport(reader, model, { filter, sort: '-createdAt' }, gate);
 * for await (const batch of prepared.batches()) write(batch);
 */
export async function prepareExport(
  reader: RecordReader,
  model: EntityModel,
  options: Pick<ListOptions, 'filter' | 'sort' | 'q'>,
  gate: RecordGate,
  batchSize = EXPORT_BATCH_SIZE,
): Promise<PreparedExport> {
  if (!gate.export) throw new DougongError('FORBIDDEN', 'You may not export these records.');
  const terms = reader.sortTerms(model, options.sort, gate);
  const where = reader.listWhere(model, options, gate, [gate.export]);
  const table = reader.table(model);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from (select 1 from ${table}
    as ${sql.id(ALIAS)} where ${where} limit ${EXPORT_ROW_LIMIT + 1}) as bounded`.execute(reader.db);
  const total = rows[0]?.n ?? 0;
  if (total > EXPORT_ROW_LIMIT) {
    throw new DougongError(
      'UNPROCESSABLE',
      `An export holds at most ${EXPORT_ROW_LIMIT} rows; narrow the list with a filter.`,
      [{ path: '/filter', message: `matches more than ${EXPORT_ROW_LIMIT} rows` }],
    );
  }
  const columns = sql.join(selectColumns(model).map((c) => sql.ref(`${ALIAS}.${c}`)));
  return {
    total,
    async *batches() {
      let after: Expression<SqlBool> | null = null;
      let sent = 0;
      while (sent < total) {
        const page: Expression<SqlBool> = after ? sql<SqlBool>`${where} and ${after}` : where;
        const { rows: batch } = await sql<Record<string, unknown>>`select ${columns} from ${table}
          as ${sql.id(ALIAS)} where ${page} order by ${orderBy(terms, ALIAS)}
          limit ${Math.min(batchSize, total - sent)}`.execute(reader.db);
        if (batch.length === 0) return;
        sent += batch.length;
        const last = batch[batch.length - 1]!;
        after = afterCursor(
          terms,
          [...terms.map((t) => cursorValue(last[t.column])), String(last.id)],
          ALIAS,
        );
        yield batch.map((row) => reader.toRecord(model, row, gate));
      }
    },
  };
}
