import {
  type AppModel,
  checkPayloadSafety,
  DougongError,
  type EntityModel,
  type Field,
  type FieldOf,
  physicalNames,
  type RecordInput,
  SYSTEM_COLUMNS,
  validateRecordInput,
} from '@dougong/schema';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { desiredIndexes } from '../planner/index-plan.js';
import { nextAutoNumber } from './auto-number.js';
import { compileFilter } from './filter-sql.js';
import { computeFormula } from './formula.js';
import { afterCursor, decodeCursor, encodeCursor, likePattern, orderBy, parseSort } from './list-query.js';
import { sanitizeRichText } from './rich-text.js';
import { type RecordJson, rowToRecord, selectColumns } from './row-mapping.js';
import { encodeValue } from './value-codec.js';

// biome-ignore lint/suspicious/noExplicitAny: app tables are created at run time
type Db = Kysely<any>;

/** Who is acting, and when (an injectable clock keeps tests deterministic). */
export interface Actor {
  userId: string | null;
  departmentId?: string | null;
  now?: Date;
}

/** Options of a list query; all strings come straight from the request and are checked here. */
export interface ListOptions {
  filter?: unknown;
  sort?: string;
  q?: string;
  limit?: number;
  cursor?: string;
  expand?: string[];
  /** Extra predicate ANDed in by the caller (the permission scope). */
  scope?: Expression<SqlBool>;
  /** Count exactly even when the set is large. */
  exactTotal?: boolean;
}

/** A page of records. */
export interface RecordPage {
  items: RecordJson[];
  nextCursor: string | null;
  total: number;
  /** False when `total` is the planner's estimate (large filtered sets). */
  totalExact: boolean;
}

/** Counting stops here; beyond it the planner's estimate is returned and flagged. */
export const EXACT_COUNT_LIMIT = 10_000;
const MAX_LIMIT = 500;
const ALIAS = 'r';

/**
 * Reads and writes the records of one app's entities. Every write runs in one transaction with its
 * sub-table rows, auto-numbers and audit entry; every failure leaves the database unchanged.
 */
export class RecordRepository {
  constructor(
    private readonly db: Db,
    private readonly app: AppModel,
  ) {}

  /** The model of an entity by key, or a 404 (child entities are only reachable through their parent). */
  entity(key: string): EntityModel {
    const model = this.app.entitiesByKey.get(key);
    if (!model || model.entity.kind === 'child')
      throw new DougongError('NOT_FOUND', `No entity "${key.slice(0, 64)}".`);
    return model;
  }

  private table(model: EntityModel) {
    return sql.id(model.schemaName, model.tableName);
  }

  /** Lists records with filter, search, sort, keyset paging and reference expansion. */
  async list(model: EntityModel, options: ListOptions): Promise<RecordPage> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/limit', message: `must be an integer from 1 to ${MAX_LIMIT}` },
      ]);
    }
    const terms = parseSort(model, options.sort);
    const predicates: Expression<SqlBool>[] = [sql<SqlBool>`${sql.ref(`${ALIAS}.deleted_at`)} is null`];
    if (options.filter !== undefined)
      predicates.push(compileFilter(model, options.filter, this.app.timeZone, ALIAS));
    if (options.q !== undefined && options.q.trim() !== '')
      predicates.push(this.searchPredicate(model, options.q.trim()));
    if (options.scope) predicates.push(options.scope);
    const where = sql<SqlBool>`${sql.join(predicates, sql` and `)}`;
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
    const items = pageRows.map((row) => rowToRecord(model, row, this.app.timeZone));
    const last = pageRows[pageRows.length - 1];
    const nextCursor =
      hasMore && last
        ? encodeCursor([...terms.map((t) => cursorValue(last[t.column])), String(last.id)])
        : null;
    if (options.expand?.length) await this.expand(model, items, options.expand);
    return { items, nextCursor, total: total.count, totalExact: total.exact };
  }

  private searchPredicate(model: EntityModel, q: string): Expression<SqlBool> {
    if (q.length > 200)
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/q', message: 'must be at most 200 characters' },
      ]);
    // PostgreSQL refuses NUL in text; refuse it here as a 400 rather than fail in SQL.
    const unsafe = checkPayloadSafety(q)[0];
    if (unsafe) throw new DougongError('BAD_REQUEST', undefined, [{ path: '/q', message: unsafe.message }]);
    const ids = model.entity.searchFields ?? (model.entity.titleField ? [model.entity.titleField] : []);
    const fields = ids.map((id) => model.fieldsById.get(id)).filter((f): f is Field => Boolean(f));
    if (fields.length === 0)
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/q', message: `${model.entity.key} has no search fields` },
      ]);
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

  private async expand(model: EntityModel, items: RecordJson[], keys: string[]): Promise<void> {
    const seen = new Set<string>();
    for (const [i, key] of keys.entries()) {
      if (seen.has(key)) continue;
      seen.add(key);
      const field = model.fieldsByKey.get(key);
      if (field?.type !== 'reference') {
        throw new DougongError('BAD_REQUEST', undefined, [
          { path: `/expand/${i}`, message: `"${key.slice(0, 64)}" is not a reference field` },
        ]);
      }
      const target = this.app.entitiesById.get(field.target);
      if (!target) continue;
      const ids = [
        ...new Set(items.map((item) => item[key]).filter((v): v is string => typeof v === 'string')),
      ];
      if (ids.length === 0) continue;
      const { rows } = await sql<
        Record<string, unknown>
      >`select ${sql.join(selectColumns(target).map((c) => sql.id(c)))}
        from ${this.table(target)} where id = any(cast(${JSON.stringify(ids).replace('[', '{').replace(/]$/, '}')} as uuid[])) and deleted_at is null`.execute(
        this.db,
      );
      const byId = new Map(rows.map((row) => [String(row.id), rowToRecord(target, row, this.app.timeZone)]));
      for (const item of items) {
        const ref = item[key];
        if (typeof ref !== 'string') continue;
        const expanded = (item._expand ?? {}) as Record<string, unknown>;
        expanded[key] = byId.get(ref) ?? null;
        item._expand = expanded;
      }
    }
  }

  /** One record with its sub-table rows; 404 when missing or deleted (unless `includeDeleted`). */
  async get(
    model: EntityModel,
    id: string,
    options: { includeDeleted?: boolean; scope?: Expression<SqlBool> } = {},
    db: Db = this.db,
  ): Promise<RecordJson> {
    const row = await this.loadRow(db, model, id, options, false);
    const record = rowToRecord(model, row, this.app.timeZone);
    await this.attachRows(db, model, [record]);
    return record;
  }

  private async loadRow(
    db: Db,
    model: EntityModel,
    id: string,
    options: { includeDeleted?: boolean; scope?: Expression<SqlBool> },
    lock: boolean,
  ) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw new DougongError('NOT_FOUND');
    const predicates: Expression<SqlBool>[] = [sql<SqlBool>`${sql.ref(`${ALIAS}.id`)} = ${id.toLowerCase()}`];
    if (!options.includeDeleted) predicates.push(sql<SqlBool>`${sql.ref(`${ALIAS}.deleted_at`)} is null`);
    if (options.scope) predicates.push(options.scope);
    const { rows } = await sql<
      Record<string, unknown>
    >`select ${sql.join(selectColumns(model).map((c) => sql.ref(`${ALIAS}.${c}`)))}
      from ${this.table(model)} as ${sql.id(ALIAS)} where ${sql.join(predicates, sql` and `)}${lock ? sql` for update` : sql``}`.execute(
      db,
    );
    const row = rows[0];
    if (!row) throw new DougongError('NOT_FOUND', 'No such record.');
    return row;
  }

  private async attachRows(db: Db, model: EntityModel, records: RecordJson[]): Promise<void> {
    for (const { field, child } of model.subTables) {
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

  /** Creates a record from an API payload; returns it as stored. */
  async create(model: EntityModel, payload: unknown, actor: Actor): Promise<RecordJson> {
    const now = actor.now ?? new Date();
    const checked = validateRecordInput(model, payload, { mode: 'create', timeZone: this.app.timeZone, now });
    if (!checked.ok) throw new DougongError('VALIDATION_FAILED', undefined, checked.issues);
    const input = checked.record;
    return this.db.transaction().execute(async (trx) => {
      await this.checkReferences(trx, model, input);
      const values = await this.completeValues(trx, model, input.values, now, {}, true);
      const id = await this.insertRow(trx, model, values, actor, now, input.owner);
      await this.writeRows(trx, model, id, input, actor, now);
      const record = await this.get(model, id, {}, trx);
      await this.history(trx, model, id, 'create', diff({}, record, model), actor, now);
      return record;
    });
  }

  /** Applies a partial update when `expectedVersion` matches; else 409 with the current version. */
  async update(
    model: EntityModel,
    id: string,
    payload: unknown,
    actor: Actor,
    expectedVersion?: number,
    scope?: Expression<SqlBool>,
  ): Promise<RecordJson> {
    const now = actor.now ?? new Date();
    const checked = validateRecordInput(model, payload, { mode: 'update', timeZone: this.app.timeZone, now });
    if (!checked.ok) throw new DougongError('VALIDATION_FAILED', undefined, checked.issues);
    const input = checked.record;
    const version = expectedVersion ?? input.version;
    if (version === undefined) {
      throw new DougongError(
        'VALIDATION_FAILED',
        'Send the version you edited (body "version" or If-Match).',
        [{ path: '/version', message: 'is required' }],
      );
    }
    if (input.version !== undefined && expectedVersion !== undefined && input.version !== expectedVersion) {
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/version', message: 'differs from If-Match' },
      ]);
    }
    return this.db.transaction().execute(async (trx) => {
      const row = await this.loadRow(trx, model, id, scope ? { scope } : {}, true);
      if (Number(row.version) !== version) {
        throw new DougongError(
          'VERSION_CONFLICT',
          undefined,
          [{ path: '/version', message: `is ${row.version} now` }],
          { currentVersion: Number(row.version) },
        );
      }
      const before = rowToRecord(model, row, this.app.timeZone);
      await this.attachRows(trx, model, [before]);
      await this.checkReferences(trx, model, input);
      const merged = { ...before, ...input.values };
      const values = await this.completeValues(trx, model, input.values, now, merged, false);
      const sets = Object.entries(values).map(([key, value]) => {
        const info = model.columnsByKey.get(key)!;
        return sql`${sql.id(info.column)} = ${encodeValue(info.sqlType, value)}`;
      });
      if (input.owner?.ownerId !== undefined) sets.push(sql`owner_id = ${input.owner.ownerId}`);
      if (input.owner?.ownerDeptId !== undefined) sets.push(sql`owner_dept_id = ${input.owner.ownerDeptId}`);
      sets.push(
        sql`version = version + 1`,
        sql`updated_at = ${now.toISOString()}`,
        sql`updated_by = ${actor.userId}`,
      );
      await sql`update ${this.table(model)} set ${sql.join(sets)} where id = ${before.id}`
        .execute(trx)
        .catch((e) => this.rethrow(e, model));
      await this.writeRows(trx, model, before.id, input, actor, now);
      const after = await this.get(model, before.id, {}, trx);
      await this.history(trx, model, before.id, 'update', diff(before, after, model), actor, now);
      return after;
    });
  }

  /** Soft-deletes a record (kept, hidden; restorable). */
  async remove(
    model: EntityModel,
    id: string,
    actor: Actor,
    expectedVersion?: number,
    scope?: Expression<SqlBool>,
  ): Promise<void> {
    const now = actor.now ?? new Date();
    await this.db.transaction().execute(async (trx) => {
      const row = await this.loadRow(trx, model, id, scope ? { scope } : {}, true);
      if (expectedVersion !== undefined && Number(row.version) !== expectedVersion) {
        throw new DougongError(
          'VERSION_CONFLICT',
          undefined,
          [{ path: '/version', message: `is ${row.version} now` }],
          { currentVersion: Number(row.version) },
        );
      }
      await sql`update ${this.table(model)} set deleted_at = ${now.toISOString()}, version = version + 1, updated_at = ${now.toISOString()}, updated_by = ${actor.userId}
        where id = ${String(row.id)}`.execute(trx);
      await this.history(trx, model, String(row.id), 'delete', {}, actor, now);
    });
  }

  /** Brings back a soft-deleted record; 409 when a unique value was taken meanwhile. */
  async restore(
    model: EntityModel,
    id: string,
    actor: Actor,
    scope?: Expression<SqlBool>,
  ): Promise<RecordJson> {
    const now = actor.now ?? new Date();
    return this.db.transaction().execute(async (trx) => {
      const row = await this.loadRow(
        trx,
        model,
        id,
        { includeDeleted: true, ...(scope ? { scope } : {}) },
        true,
      );
      if (row.deleted_at === null) throw new DougongError('CONFLICT', 'The record is not deleted.');
      await sql`update ${this.table(model)} set deleted_at = null, version = version + 1, updated_at = ${now.toISOString()}, updated_by = ${actor.userId}
        where id = ${String(row.id)}`
        .execute(trx)
        .catch((e) => this.rethrow(e, model));
      await this.history(trx, model, String(row.id), 'restore', {}, actor, now);
      return this.get(model, String(row.id), {}, trx);
    });
  }

  /** The audit trail of a record, oldest first. */
  async historyOf(
    model: EntityModel,
    id: string,
    scope?: Expression<SqlBool>,
  ): Promise<Array<Record<string, unknown>>> {
    await this.loadRow(this.db, model, id, { includeDeleted: true, ...(scope ? { scope } : {}) }, false);
    const { rows } = await sql<{
      id: number;
      action: string;
      changes: unknown;
      actor: string | null;
      at: Date;
    }>`
      select id, action, changes, actor, at from dougong.record_history
      where app_key = ${this.app.document.key} and entity_id = ${model.entity.id} and record_id = ${id.toLowerCase()} order by id`.execute(
      this.db,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      action: r.action,
      actor: r.actor,
      at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(),
      changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes,
    }));
  }

  private async completeValues(
    trx: Db,
    model: EntityModel,
    values: Record<string, unknown>,
    now: Date,
    merged: Record<string, unknown>,
    creating: boolean,
  ) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const field = model.fieldsByKey.get(key)!;
      out[key] = field.type === 'richText' && typeof value === 'string' ? sanitizeRichText(value) : value;
    }
    for (const field of model.storedFields) {
      if (creating && field.type === 'autoNumber') {
        out[field.key] = await nextAutoNumber(
          trx,
          this.app.document.key,
          model.entity.id,
          field,
          now,
          this.app.timeZone,
        );
      }
    }
    const all = { ...merged, ...out };
    for (const field of model.storedFields) {
      if (field.type === 'formula')
        out[field.key] = all[field.key] = computeFormula(field as FieldOf<'formula'>, all);
    }
    return out;
  }

  private async insertRow(
    trx: Db,
    model: EntityModel,
    values: Record<string, unknown>,
    actor: Actor,
    now: Date,
    owner?: RecordInput['owner'],
    parent?: { id: string; order: number },
  ): Promise<string> {
    const columns = [
      sql.id('created_at'),
      sql.id('updated_at'),
      sql.id('created_by'),
      sql.id('updated_by'),
      sql.id('owner_id'),
      sql.id('owner_dept_id'),
    ];
    const params = [
      sql`${now.toISOString()}`,
      sql`${now.toISOString()}`,
      sql`${actor.userId}`,
      sql`${actor.userId}`,
      sql`${owner?.ownerId !== undefined ? owner.ownerId : actor.userId}`,
      sql`${owner?.ownerDeptId !== undefined ? owner.ownerDeptId : (actor.departmentId ?? null)}`,
    ];
    if (parent) {
      columns.push(sql.id('parent_id'), sql.id('sort_order'));
      params.push(sql`${parent.id}`, sql`${parent.order}`);
    }
    for (const [key, value] of Object.entries(values)) {
      const info = model.columnsByKey.get(key);
      if (!info) continue;
      columns.push(sql.id(info.column));
      params.push(encodeValue(info.sqlType, value));
    }
    const { rows } = await sql<{
      id: string;
    }>`insert into ${this.table(model)} (${sql.join(columns)}) values (${sql.join(params)}) returning id`
      .execute(trx)
      .catch((e) => this.rethrow(e, model));
    return String(rows[0]!.id);
  }

  private async writeRows(
    trx: Db,
    model: EntityModel,
    parentId: string,
    input: RecordInput,
    actor: Actor,
    now: Date,
  ): Promise<void> {
    for (const { field, child } of model.subTables) {
      const rows = input.rows[field.key];
      if (!rows) continue;
      const { rows: existing } = await sql<{
        id: string;
      }>`select id from ${this.table(child)} where parent_id = ${parentId} and deleted_at is null`.execute(
        trx,
      );
      const existingIds = new Set(existing.map((r) => String(r.id)));
      const kept = new Set<string>();
      for (const [order, row] of rows.entries()) {
        const values = await this.completeValues(trx, child, row.values, now, row.values, !row.id);
        if (row.id) {
          if (!existingIds.has(row.id)) {
            throw new DougongError('VALIDATION_FAILED', undefined, [
              { path: `/${field.key}/${order}/id`, message: 'is not a row of this record' },
            ]);
          }
          kept.add(row.id);
          const sets = child.storedFields.map((f) => {
            const info = child.columnsByKey.get(f.key)!;
            return sql`${sql.id(info.column)} = ${encodeValue(info.sqlType, values[f.key] ?? null)}`;
          });
          sets.push(
            sql`sort_order = ${order}`,
            sql`version = version + 1`,
            sql`updated_at = ${now.toISOString()}`,
            sql`updated_by = ${actor.userId}`,
          );
          await sql`update ${this.table(child)} set ${sql.join(sets)} where id = ${row.id}`.execute(trx);
        } else {
          await this.insertRow(trx, child, values, actor, now, undefined, { id: parentId, order });
        }
      }
      const removed = [...existingIds].filter((id) => !kept.has(id));
      if (removed.length > 0) {
        await sql`update ${this.table(child)} set deleted_at = ${now.toISOString()}, version = version + 1
          where id = any(cast(${`{${removed.join(',')}}`} as uuid[]))`.execute(trx);
      }
    }
  }

  private async checkReferences(trx: Db, model: EntityModel, input: RecordInput): Promise<void> {
    const check = async (m: EntityModel, values: Record<string, unknown>, base: string) => {
      for (const [key, value] of Object.entries(values)) {
        const field = m.fieldsByKey.get(key);
        if (field?.type !== 'reference' || typeof value !== 'string') continue;
        const target = this.app.entitiesById.get(field.target);
        if (!target) continue;
        const { rows } = await sql<{
          id: string;
        }>`select id from ${this.table(target)} where id = ${value} and deleted_at is null`.execute(trx);
        if (rows.length === 0)
          throw new DougongError('REFERENCE_NOT_FOUND', undefined, [
            { path: `${base}/${key}`, message: `no ${target.entity.key} has id ${value}` },
          ]);
      }
    };
    await check(model, input.values, '');
    for (const { field, child } of model.subTables) {
      for (const [i, row] of (input.rows[field.key] ?? []).entries())
        await check(child, row.values, `/${field.key}/${i}`);
    }
  }

  private async history(
    trx: Db,
    model: EntityModel,
    id: string,
    action: string,
    changes: Record<string, unknown>,
    actor: Actor,
    now: Date,
  ) {
    await sql`insert into dougong.record_history (app_key, entity_id, record_id, action, changes, actor, at)
      values (${this.app.document.key}, ${model.entity.id}, ${id}, ${action}, cast(${JSON.stringify(changes)} as jsonb), ${actor.userId}, ${now.toISOString()})`.execute(
      trx,
    );
  }

  private rethrow(error: unknown, model: EntityModel): never {
    const e = error as { code?: string; constraint?: string; message?: string };
    if (e?.code === '23505') {
      const indexes = desiredIndexes(this.app.document, model.entity);
      const name = e.constraint ?? /"([^"]+)"/.exec(e.message ?? '')?.[1];
      const fieldId = name ? indexes.get(name)?.fieldId : undefined;
      const field = fieldId ? model.fieldsById.get(fieldId) : undefined;
      throw new DougongError('UNIQUE_VIOLATION', undefined, [
        { path: field ? `/${field.key}` : '', message: 'is already used by another record' },
      ]);
    }
    throw error;
  }
}

function cursorValue(raw: unknown): unknown {
  if (raw instanceof Date) return raw.toISOString();
  if (Array.isArray(raw)) return JSON.stringify(raw);
  return raw ?? null;
}

function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  model: EntityModel,
): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  const keys = [...model.entity.fields.map((f) => f.key), 'ownerId', 'ownerDeptId'];
  for (const key of keys) {
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[key] = { before: a, after: b };
  }
  return changes;
}

void SYSTEM_COLUMNS;
