import { DougongError, type EntityModel, type Label } from '@dougong/schema';
import { type Expression, type SqlBool, sql } from 'kysely';
import { RECORD_ALIAS as ALIAS, type RecordGate } from './record-gate.js';
import type { Db, RecordReader } from './record-reader.js';
import { type RecordJson, selectColumns } from './row-mapping.js';

/** Review states of a suspected duplicate. */
export const DUPLICATE_STATUSES = ['open', 'merged', 'dismissed'] as const;
/** One of {@link DUPLICATE_STATUSES}. */
export type DuplicateStatus = (typeof DUPLICATE_STATUSES)[number];

/** A suspected duplicate: `record` (written later) looks like `duplicateOf` under a rule. */
export interface DuplicateLink {
  id: string;
  status: DuplicateStatus;
  /** The rule that matched; null for a merge of two records no rule had linked. */
  rule: { id: string; label: Label | null } | null;
  recordId: string;
  duplicateOfId: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  /** Both records as the caller may see them. */
  record: RecordJson;
  duplicateOf: RecordJson;
}

/** A page of links, newest first. */
export interface DuplicatePage {
  items: DuplicateLink[];
  nextCursor: string | null;
  total: number;
}

interface LinkRow {
  id: string | number;
  record_id: string;
  duplicate_of: string;
  rule_id: string | null;
  status: DuplicateStatus;
  created_at: Date | string;
  resolved_at: Date | string | null;
  resolved_by: string | null;
}

const MAX_LIMIT = 200;
const LINK_ID = /^[1-9]\d{0,17}$/;

/** Whether the gate lets the caller read the record at `column` of the link (merged-away ones included). */
function readable(
  model: EntityModel,
  reader: RecordReader,
  column: 'record_id' | 'duplicate_of',
  gate: RecordGate,
) {
  return sql<SqlBool>`exists (select 1 from ${reader.table(model)} as ${sql.id(ALIAS)}
    where ${sql.ref(`${ALIAS}.id`)} = ${sql.ref(`l.${column}`)}
      and (${sql.ref(`${ALIAS}.deleted_at`)} is null or l.status = 'merged') and ${gate.read})`;
}

/**
 * Suspected duplicates of an entity in one status, newest first, keyset-paged by link id. A link is
 * listed only when the gate lets the caller read both of its records (and, unless merged, both are
 * live); `recordId` narrows to the links of one record.
 */
export async function listDuplicates(
  reader: RecordReader,
  model: EntityModel,
  options: { status?: DuplicateStatus; limit?: number; cursor?: string; recordId?: string },
  gate: RecordGate,
): Promise<DuplicatePage> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new DougongError('BAD_REQUEST', undefined, [
      { path: '/limit', message: `must be an integer from 1 to ${MAX_LIMIT}` },
    ]);
  if (options.cursor !== undefined && !LINK_ID.test(options.cursor))
    throw new DougongError('INVALID_CURSOR', undefined, [
      { path: '/cursor', message: 'is not a cursor of this list' },
    ]);
  const predicates: Expression<SqlBool>[] = [
    sql<SqlBool>`l.app_key = ${reader.app.document.key}`,
    sql<SqlBool>`l.entity_id = ${model.entity.id}`,
    sql<SqlBool>`l.status = ${options.status ?? 'open'}`,
    readable(model, reader, 'record_id', gate),
    readable(model, reader, 'duplicate_of', gate),
  ];
  if (options.recordId !== undefined) {
    if (!/^[0-9a-f-]{36}$/i.test(options.recordId))
      throw new DougongError('BAD_REQUEST', undefined, [{ path: '/record', message: 'is not a record id' }]);
    const id = options.recordId.toLowerCase();
    predicates.push(sql<SqlBool>`(l.record_id = ${id} or l.duplicate_of = ${id})`);
  }
  const where = sql.join(predicates, sql` and `);
  const page = options.cursor === undefined ? where : sql`${where} and l.id < ${options.cursor}`;
  const [{ rows }, counted] = await Promise.all([
    sql<LinkRow>`select l.id, l.record_id, l.duplicate_of, l.rule_id, l.status, l.created_at, l.resolved_at, l.resolved_by
      from dougong.duplicate_links l where ${page} order by l.id desc limit ${limit + 1}`.execute(reader.db),
    sql<{ n: number }>`select count(*)::int as n from dougong.duplicate_links l where ${where}`.execute(
      reader.db,
    ),
  ]);
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const items = await linksWithRecords(reader, reader.db, model, pageRows, gate);
  return {
    items,
    nextCursor: hasMore ? String(pageRows[pageRows.length - 1]!.id) : null,
    total: counted.rows[0]?.n ?? 0,
  };
}

/**
 * Marks an open link dismissed ("not a duplicate"): the caller must be able to read and update both
 * records (404 / 403 otherwise, nothing changed); a link no longer open is a 409.
 */
export async function dismissDuplicate(
  reader: RecordReader,
  model: EntityModel,
  linkId: string,
  userId: string | null,
  gate: RecordGate,
  now: Date,
): Promise<DuplicateLink> {
  if (!LINK_ID.test(linkId)) throw new DougongError('NOT_FOUND', 'No such duplicate link.');
  return reader.db.transaction().execute(async (trx) => {
    const { rows } =
      await sql<LinkRow>`select id, record_id, duplicate_of, rule_id, status, created_at, resolved_at, resolved_by
      from dougong.duplicate_links where id = ${linkId} and app_key = ${reader.app.document.key}
        and entity_id = ${model.entity.id} for update`.execute(trx);
    const link = rows[0];
    if (!link) throw new DougongError('NOT_FOUND', 'No such duplicate link.');
    for (const id of [link.record_id, link.duplicate_of]) {
      const row = await reader
        .loadRow(trx, model, String(id), gate, { includeDeleted: true })
        .catch((error: unknown) => {
          throw error instanceof DougongError && error.code === 'NOT_FOUND'
            ? new DougongError('NOT_FOUND', 'No such duplicate link.')
            : error;
        });
      if (!row._can_update)
        throw new DougongError('FORBIDDEN', 'Dismissing needs the update right on both records.');
    }
    if (link.status !== 'open')
      throw new DougongError('CONFLICT', `The link is ${link.status} already.`, [
        { path: '/status', message: `is ${link.status}` },
      ]);
    const updated = await sql<LinkRow>`update dougong.duplicate_links
      set status = 'dismissed', resolved_at = ${now.toISOString()}, resolved_by = ${userId}
      where id = ${linkId} returning id, record_id, duplicate_of, rule_id, status, created_at, resolved_at, resolved_by`.execute(
      trx,
    );
    const [item] = await linksWithRecords(reader, trx, model, updated.rows, gate);
    return item!;
  });
}

/**
 * Marks the link of a merged pair merged (creating it when no rule had linked them) and hands the
 * merged-away record's open links to the survivor, in the merge's transaction. Returns the link id.
 */
export async function resolveMergedLinks(
  trx: Db,
  model: EntityModel,
  appKey: string,
  survivorId: string,
  otherId: string,
  userId: string | null,
  now: Date,
): Promise<string> {
  const at = now.toISOString();
  const pair = sql<SqlBool>`app_key = ${appKey} and entity_id = ${model.entity.id}
    and least(record_id, duplicate_of) = least(cast(${survivorId} as uuid), cast(${otherId} as uuid))
    and greatest(record_id, duplicate_of) = greatest(cast(${survivorId} as uuid), cast(${otherId} as uuid))`;
  await sql`insert into dougong.duplicate_links (app_key, entity_id, record_id, duplicate_of, rule_id, status, created_at)
    select app_key, entity_id,
      case when record_id = ${otherId} then cast(${survivorId} as uuid) else record_id end,
      case when duplicate_of = ${otherId} then cast(${survivorId} as uuid) else duplicate_of end,
      rule_id, 'open', ${at}
    from dougong.duplicate_links
    where app_key = ${appKey} and entity_id = ${model.entity.id} and status = 'open'
      and (record_id = ${otherId} or duplicate_of = ${otherId}) and not (${pair})
    on conflict do nothing`.execute(trx);
  const updated = await sql<{ id: string }>`update dougong.duplicate_links
    set status = 'merged', resolved_at = ${at}, resolved_by = ${userId} where ${pair} returning id`.execute(
    trx,
  );
  if (updated.rows[0]) return String(updated.rows[0].id);
  const inserted = await sql<{ id: string }>`insert into dougong.duplicate_links
    (app_key, entity_id, record_id, duplicate_of, rule_id, status, created_at, resolved_at, resolved_by)
    values (${appKey}, ${model.entity.id}, ${otherId}, ${survivorId}, null, 'merged', ${at}, ${at}, ${userId})
    returning id`.execute(trx);
  return String(inserted.rows[0]!.id);
}

async function linksWithRecords(
  reader: RecordReader,
  db: Db,
  model: EntityModel,
  rows: LinkRow[],
  gate: RecordGate,
): Promise<DuplicateLink[]> {
  const ids = [...new Set(rows.flatMap((r) => [String(r.record_id), String(r.duplicate_of)]))];
  const records = new Map<string, RecordJson>();
  if (ids.length > 0) {
    const { rows: found } = await sql<Record<string, unknown>>`select ${sql.join(
      selectColumns(model).map((c) => sql.ref(`${ALIAS}.${c}`)),
    )} from ${reader.table(model)} as ${sql.id(ALIAS)}
      where ${sql.ref(`${ALIAS}.id`)} = any(cast(${`{${ids.join(',')}}`} as uuid[])) and ${gate.read}`.execute(
      db,
    );
    for (const row of found) records.set(String(row.id), reader.toRecord(model, row, gate));
  }
  const rules = new Map((model.entity.duplicateRules ?? []).map((r) => [r.id, r]));
  const iso = (value: Date | string | null) =>
    value === null ? null : (value instanceof Date ? value : new Date(value)).toISOString();
  return rows.flatMap((row) => {
    const record = records.get(String(row.record_id));
    const duplicateOf = records.get(String(row.duplicate_of));
    if (!record || !duplicateOf) return [];
    return [
      {
        id: String(row.id),
        status: row.status,
        rule: row.rule_id === null ? null : { id: row.rule_id, label: rules.get(row.rule_id)?.label ?? null },
        recordId: record.id,
        duplicateOfId: duplicateOf.id,
        createdAt: iso(row.created_at)!,
        resolvedAt: iso(row.resolved_at),
        resolvedBy: row.resolved_by,
        record,
        duplicateOf,
      },
    ];
  });
}
