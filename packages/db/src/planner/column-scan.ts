import { type AppDocument, physicalNames } from '@dougong/schema';
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: app tables are created at run time
type Db = Kysely<any>;

/** Rows read per round trip when a step must look at every value. */
export const SCAN_BATCH = 5000;

/** Context of checking or applying a plan. */
export interface PlanContext {
  doc: AppDocument;
  timeZone: string;
  now: Date;
}

/** A schema-qualified reference to an app table. */
export const tableRef = (doc: AppDocument, table: string) => sql.id(physicalNames.schema(doc.key), table);

/** Visits every non-null value of a column in id order, in batches (live rows only when asked). */
export async function scanColumn(
  db: Db,
  doc: AppDocument,
  table: string,
  column: string,
  visit: (id: string, raw: unknown) => void | Promise<void>,
  liveOnly = false,
): Promise<void> {
  let last = '00000000-0000-0000-0000-000000000000';
  const live = liveOnly ? sql` and deleted_at is null` : sql``;
  for (;;) {
    const { rows } = await sql<{
      id: string;
      v: unknown;
    }>`select id, ${sql.id(column)} as v from ${tableRef(doc, table)}
      where ${sql.id(column)} is not null${live} and id > ${last} order by id limit ${SCAN_BATCH}`.execute(
      db,
    );
    for (const row of rows) await visit(row.id, row.v);
    if (rows.length < SCAN_BATCH) return;
    last = rows[rows.length - 1]!.id;
  }
}
