import {
  type AppModel,
  checkPayloadSafety,
  DougongError,
  type EntityModel,
  type Field,
  physicalNames,
  UUID_PATTERN,
} from '@dougong/schema';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { compileFilter } from './filter-sql.js';
import { hiddenVarPath } from './hidden-fields.js';
import {
  afterCursor,
  decodeCursor,
  encodeCursor,
  likePattern,
  orderBy,
  parseSort,
  type SortTerm,
} from './list-query.js';
import { RECORD_ALIAS as ALIAS, type RecordGate } from './record-gate.js';
import { createdValues, type RecordJson, rowToRecord, selectColumns } from './row-mapping.js';

// biome-ignore lint/suspicious/noExplicitAny: app tables are created at run time
export type Db = Kysely<any>;

/** Options of a list query; all strings come straight from the request and are checked here. */
export interface ListOptions {
  filter?: unknown;
  sort?: string;
  q?: string;
  limit?: number;
  cursor?: string;
  expand?: string[];
  /** Count exactly even when the set is large. */
  exactTotal?: boolean;
  /** The clock reading the filter's `now` / `today` mean (default: the current time). */
  now?: Date;
}

/** A page of records. */
export interface RecordPage {
  items: RecordJson[];
  nextCursor: string | null;
  total: number;
  /** False when `total` is the planner's estimate (large filtered sets). */
  totalExact: boolean;
}

/** The key under which a history entry keeps the merge it belongs to (no field key starts with `@`). */
export const MERGE_NOTE = '@merge';
/**
 * A create's history entry holds the new record's values (`createdValues`: no empty ones) under this
 * key instead of a change per field; {@link RecordReader.history} gives the changes from them.
 */
export const CREATED_VALUES = '@created';

/** Counting stops here; beyond it the planner's estimate is returned and flagged. */
export const EXACT_COUNT_LIMIT = 10_000;
const MAX_LIMIT = 500;

/** The read side of the record repository: lists, single records, history; always through a gate. */
export class RecordReader {
  constructor(
    readonly db: Db,
    readonly app: AppModel,
  ) {}

  table(model: EntityModel) {
    return sql.id(model.schemaName, model.tableName);
  }

  /** Lists records with filter, search, sort, keyset paging and reference expansion (`extra` narrows it). */
  async list(
    model: EntityModel,
    options: ListOptions,
    gate: RecordGate,
    extra: Expression<SqlBool>[] = [],
  ): Promise<RecordPage> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/limit', message: `must be an integer from 1 to ${MAX_LIMIT}` },
      ]);
    }
    const terms = this.sortTerms(model, options.sort, gate);
    const where = this.listWhere(model, options, gate, extra);
    const pagePredicates = options.cursor
      ? sql.join([where, afterCursor(terms, decodeCursor(options.cursor, terms), ALIAS)], sql` and `)
      : where;
    const columns = sql.join(selectColumns(model).map((c) => sql.ref(`${ALIAS}.${c}`)));
    const [{ rows }, total] = await Promise.all([
      sql<Record<string, unknown>>`select ${columns} from ${this.table(model)} as ${sql.id(ALIAS)}
        where ${pagePredicates} order by ${orderBy(terms, ALIAS)} limit ${limit + 1}`.execute(this.db),
      this.count(model, where, options.exactTotal ?? false),
    ]);
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;
    const items = pageRows.map((row) => this.toRecord(model, row, gate));
    const last = pageRows[pageRows.length - 1];
    const nextCursor =
      hasMore && last
        ? encodeCursor([...terms.map((t) => cursorValue(last[t.column])), String(last.id)])
        : null;
    if (options.expand?.length) await this.expand(model, items, options.expand, gate);
    return { items, nextCursor, total: total.count, totalExact: total.exact };
  }

  /** Parses a list sort; sorting on a field the gate hides is a 400 (it would be an oracle). */
  sortTerms(model: EntityModel, sort: string | undefined, gate: RecordGate): SortTerm[] {
    const terms = parseSort(model, sort);
    terms.forEach((term, i) => {
      if (gate.hidden.has(term.key))
        throw new DougongError('INVALID_SORT', undefined, [
          { path: `/sort/${i}`, message: `"${term.key}" cannot be sorted on` },
        ]);
    });
    return terms;
  }

  /** The WHERE of a list: live rows, read scope, filter and search (`extra` narrows it further). */
  listWhere(
    model: EntityModel,
    options: Pick<ListOptions, 'filter' | 'q' | 'now'>,
    gate: RecordGate,
    extra: Expression<SqlBool>[] = [],
  ): Expression<SqlBool> {
    const predicates = [...this.basePredicates(model, options.filter, gate, options.now), ...extra];
    if (options.q !== undefined && options.q.trim() !== '')
      predicates.push(this.searchPredicate(model, options.q.trim(), gate));
    return sql<SqlBool>`${sql.join(predicates, sql` and `)}`;
  }

  /**
   * Counts and sums per value of a field (e.g. opportunities per stage with their amounts), in SQL over
   * the rows the gate lets the caller read. Grouping or summing a hidden or unsuitable field is a 400.
   */
  async aggregate(
    model: EntityModel,
    options: { groupBy: string; sum?: string[]; filter?: unknown },
    gate: RecordGate,
  ): Promise<Array<{ key: unknown; count: number; sums: Record<string, string | null> }>> {
    const group = model.columnsByKey.get(options.groupBy);
    if (
      !group ||
      gate.hidden.has(options.groupBy) ||
      !['text', 'boolean', 'uuid', 'date', 'integer'].includes(group.kind)
    ) {
      throw new DougongError('BAD_REQUEST', undefined, [
        {
          path: '/groupBy',
          message: 'must be a readable text, select, boolean, date, integer or reference field',
        },
      ]);
    }
    const sums = (options.sum ?? []).map((key, i) => {
      const info = model.columnsByKey.get(key);
      if (!info || gate.hidden.has(key) || (info.kind !== 'decimal' && info.kind !== 'integer')) {
        throw new DougongError('BAD_REQUEST', undefined, [
          { path: `/sum/${i}`, message: 'must be a readable number or money field' },
        ]);
      }
      return info;
    });
    if (sums.length > 5)
      throw new DougongError('BAD_REQUEST', undefined, [{ path: '/sum', message: 'sum at most 5 fields' }]);
    const predicates = this.basePredicates(model, options.filter, gate);
    const groupRef = sql.ref(`${ALIAS}.${group.column}`);
    const sumColumns = sums.map(
      (info, i) => sql`sum(${sql.ref(`${ALIAS}.${info.column}`)})::text as ${sql.id(`s${i}`)}`,
    );
    const { rows } = await sql<
      Record<string, unknown>
    >`select ${groupRef} as k, count(*)::int as n${sumColumns.length ? sql`, ${sql.join(sumColumns)}` : sql``}
      from ${this.table(model)} as ${sql.id(ALIAS)} where ${sql.join(predicates, sql` and `)} group by ${groupRef} order by ${groupRef} nulls last limit 1000`.execute(
      this.db,
    );
    return rows.map((row) => ({
      key: row.k instanceof Date ? row.k.toISOString() : (row.k ?? null),
      count: Number(row.n),
      sums: Object.fromEntries(sums.map((info, i) => [info.key, (row[`s${i}`] as string | null) ?? null])),
    }));
  }

  /**
   * The predicates every read starts from: live rows, the gate's read scope, and the caller's filter,
   * which may not name a field the gate hides (it would become an oracle).
   */
  private basePredicates(
    model: EntityModel,
    filter: unknown,
    gate: RecordGate,
    now?: Date,
  ): Expression<SqlBool>[] {
    const predicates: Expression<SqlBool>[] = [
      sql<SqlBool>`${sql.ref(`${ALIAS}.deleted_at`)} is null`,
      gate.read,
    ];
    if (filter !== undefined) {
      const hiddenPath = hiddenVarPath(filter, gate.hidden);
      if (hiddenPath !== undefined) {
        throw new DougongError('INVALID_FILTER', undefined, [
          { path: `/filter${hiddenPath}`, message: 'names a field you cannot read' },
        ]);
      }
      predicates.push(compileFilter(model, filter, this.app.timeZone, ALIAS, now));
    }
    return predicates;
  }

  /** A row as record JSON without the fields the gate hides. */
  toRecord(model: EntityModel, row: Record<string, unknown>, gate: RecordGate): RecordJson {
    const record = rowToRecord(model, row, this.app.timeZone);
    for (const key of gate.hidden) delete record[key];
    return record;
  }

  private searchPredicate(model: EntityModel, q: string, gate: RecordGate): Expression<SqlBool> {
    if (q.length > 200)
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/q', message: 'must be at most 200 characters' },
      ]);
    // PostgreSQL refuses NUL in text; refuse it here as a 400 rather than fail in SQL.
    const unsafe = checkPayloadSafety(q)[0];
    if (unsafe) throw new DougongError('BAD_REQUEST', undefined, [{ path: '/q', message: unsafe.message }]);
    const ids = model.entity.searchFields ?? (model.entity.titleField ? [model.entity.titleField] : []);
    const all = ids.map((id) => model.fieldsById.get(id)).filter((f): f is Field => Boolean(f));
    if (all.length === 0)
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/q', message: `${model.entity.key} has no search fields` },
      ]);
    // Hidden fields are silently left out: the caller did not name them, and matching on them would leak.
    const fields = all.filter((f) => !gate.hidden.has(f.key));
    if (fields.length === 0) return sql<SqlBool>`false`;
    const pattern = likePattern(q);
    return sql<SqlBool>`(${sql.join(
      fields.map((f) => sql`${sql.ref(`${ALIAS}.${physicalNames.column(f.id)}`)} ilike ${pattern}`),
      sql` or `,
    )})`;
  }

  private async count(
    model: EntityModel,
    where: Expression<SqlBool>,
    exact: boolean,
  ): Promise<{ count: number; exact: boolean }> {
    if (exact) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${this.table(model)} as ${sql.id(ALIAS)} where ${where}`.execute(
        this.db,
      );
      return { count: rows[0]?.n ?? 0, exact: true };
    }
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from (select 1 from ${this.table(model)} as ${sql.id(ALIAS)}
      where ${where} limit ${EXACT_COUNT_LIMIT + 1}) as bounded`.execute(this.db);
    const n = rows[0]?.n ?? 0;
    if (n <= EXACT_COUNT_LIMIT) return { count: n, exact: true };
    const plan = await sql<{
      'QUERY PLAN': unknown;
    }>`explain (format json) select 1 from ${this.table(model)} as ${sql.id(ALIAS)} where ${where}`.execute(
      this.db,
    );
    const raw = plan.rows[0]?.['QUERY PLAN'];
    const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{
      Plan: { 'Plan Rows': number };
    }>;
    return { count: Math.max(Math.round(parsed[0]?.Plan['Plan Rows'] ?? n), n), exact: false };
  }

  private async expand(
    model: EntityModel,
    items: RecordJson[],
    keys: string[],
    gate: RecordGate,
  ): Promise<void> {
    const seen = new Set<string>();
    for (const [i, key] of keys.entries()) {
      if (seen.has(key)) continue;
      seen.add(key);
      const field = model.fieldsByKey.get(key);
      if (field?.type !== 'reference' || gate.hidden.has(key)) {
        const message =
          field?.type === 'reference'
            ? 'names a field you cannot read'
            : `"${key.slice(0, 64)}" is not a reference field`;
        throw new DougongError('BAD_REQUEST', undefined, [{ path: `/expand/${i}`, message }]);
      }
      const target = this.app.entitiesById.get(field.target);
      if (!target) continue;
      const ids = [
        ...new Set(items.map((item) => item[key]).filter((v): v is string => typeof v === 'string')),
      ];
      if (ids.length === 0) continue;
      // Expanded records pass through the target entity's own gate: scope and hidden fields.
      const targetGate = gate.of(target);
      const { rows } = await sql<
        Record<string, unknown>
      >`select ${sql.join(selectColumns(target).map((c) => sql.ref(`${ALIAS}.${c}`)))}
        from ${this.table(target)} as ${sql.id(ALIAS)}
        where ${sql.ref(`${ALIAS}.id`)} = any(cast(${`{${ids.join(',')}}`} as uuid[])) and ${sql.ref(`${ALIAS}.deleted_at`)} is null and ${targetGate.read}`.execute(
        this.db,
      );
      const byId = new Map(rows.map((row) => [String(row.id), this.toRecord(target, row, targetGate)]));
      for (const item of items) {
        const ref = item[key];
        if (typeof ref !== 'string') continue;
        const expanded = (item._expand ?? {}) as Record<string, unknown>;
        expanded[key] = byId.get(ref) ?? null;
        item._expand = expanded;
      }
    }
  }

  /**
   * Loads one row the gate lets the caller read (404 otherwise — ids leak nothing), with flags telling
   * whether it is also inside the update, delete and assign scopes.
   */
  async loadRow(
    db: Db,
    model: EntityModel,
    id: string,
    gate: RecordGate,
    options: { includeDeleted?: boolean; lock?: boolean } = {},
  ): Promise<Record<string, unknown> & { _can_update: boolean; _can_delete: boolean; _can_assign: boolean }> {
    if (!UUID_PATTERN.test(id)) throw new DougongError('NOT_FOUND', 'No such record.');
    const predicates: Expression<SqlBool>[] = [
      sql<SqlBool>`${sql.ref(`${ALIAS}.id`)} = ${id.toLowerCase()}`,
      gate.read,
    ];
    if (!options.includeDeleted) predicates.push(sql<SqlBool>`${sql.ref(`${ALIAS}.deleted_at`)} is null`);
    const flag = (predicate: Expression<SqlBool> | null) => predicate ?? sql<SqlBool>`false`;
    const { rows } = await sql<
      Record<string, unknown> & { _can_update: boolean; _can_delete: boolean; _can_assign: boolean }
    >`
      select ${sql.join(selectColumns(model).map((c) => sql.ref(`${ALIAS}.${c}`)))},
        (${flag(gate.update)}) as _can_update, (${flag(gate.delete)}) as _can_delete, (${flag(gate.assign)}) as _can_assign
      from ${this.table(model)} as ${sql.id(ALIAS)} where ${sql.join(predicates, sql` and `)}${options.lock ? sql` for update` : sql``}`.execute(
      db,
    );
    const row = rows[0];
    if (!row) throw new DougongError('NOT_FOUND', 'No such record.');
    return row;
  }

  /** One record with its sub-table rows; 404 when missing, deleted or outside the gate. */
  async get(model: EntityModel, id: string, gate: RecordGate, db: Db = this.db): Promise<RecordJson> {
    const row = await this.loadRow(db, model, id, gate);
    const record = this.toRecord(model, row, gate);
    await this.attachRows(db, model, [record], gate);
    return record;
  }

  /** Fills sub-table fields of records with their rows (child entities follow the parent's gate). */
  async attachRows(db: Db, model: EntityModel, records: RecordJson[], gate: RecordGate): Promise<void> {
    for (const { field, child } of model.subTables) {
      if (gate.hidden.has(field.key)) continue;
      const ids = records.map((r) => r.id);
      const { rows } = await sql<
        Record<string, unknown>
      >`select parent_id, ${sql.join(selectColumns(child).map((c) => sql.id(c)))}
        from ${this.table(child)} where parent_id = any(cast(${`{${ids.join(',')}}`} as uuid[])) and deleted_at is null
        order by parent_id, sort_order, id`.execute(db);
      for (const record of records) {
        record[field.key] = rows
          .filter((row) => String(row.parent_id) === record.id)
          .map((row) => {
            const { id, ...rest } = rowToRecord(child, row, this.app.timeZone);
            const {
              version: _v,
              createdBy: _c,
              updatedBy: _u,
              ownerId: _o,
              ownerDeptId: _d,
              deletedAt: _x,
              ...values
            } = rest;
            return { id, ...values };
          });
      }
    }
  }

  /** The audit trail of a record, oldest first, without changes to fields the gate hides. */
  async history(model: EntityModel, id: string, gate: RecordGate): Promise<Array<Record<string, unknown>>> {
    await this.loadRow(this.db, model, id, gate, { includeDeleted: true });
    const { rows } = await sql<{
      id: number;
      action: string;
      changes: unknown;
      actor: string | null;
      at: Date;
      source: unknown;
    }>`
      select id, action, changes, actor, at, source from dougong.record_history
      where app_key = ${this.app.document.key} and entity_id = ${model.entity.id} and record_id = ${id.toLowerCase()} order by id`.execute(
      this.db,
    );
    return rows.map((r) => {
      const changes = (typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes) as Record<
        string,
        unknown
      >;
      const created = changes[CREATED_VALUES] as Record<string, unknown> | undefined;
      if (created && typeof created === 'object') {
        delete changes[CREATED_VALUES];
        for (const [key, after] of Object.entries(createdValues(model, created)))
          changes[key] = { before: null, after };
      }
      for (const key of gate.hidden) delete changes[key];
      const merge = changes[MERGE_NOTE];
      delete changes[MERGE_NOTE];
      return {
        id: Number(r.id),
        action: r.action,
        actor: r.actor,
        at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(),
        changes,
        ...(merge ? { merge } : {}),
        ...(r.source ? { source: typeof r.source === 'string' ? JSON.parse(r.source) : r.source } : {}),
      };
    });
  }
}

/** A sort value of a row as a cursor holds it. */
export function cursorValue(raw: unknown): unknown {
  if (raw instanceof Date) return raw.toISOString();
  if (Array.isArray(raw)) return JSON.stringify(raw);
  return raw ?? null;
}
