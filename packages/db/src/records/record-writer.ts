import {
  DougongError,
  type EntityModel,
  type FieldOf,
  type RecordInput,
  validateRecordInput,
} from '@dougong/schema';
import { type SqlBool, sql } from 'kysely';
import { runInlineNodes, writeInlineValues } from '../flows/inline-nodes.js';
import { emitRecordEvent, type FlowCause, MAX_CAUSE_DEPTH } from '../flows/record-events.js';
import {
  bindIdempotencyKey,
  claimIdempotencyKey,
  type IdempotencyClaim,
} from '../intake/idempotency-keys.js';
import { desiredIndexes } from '../planner/index-plan.js';
import { nextAutoNumber } from './auto-number.js';
import { indexDuplicates } from './duplicate-index.js';
import { enforceFormRules, type FormRuleActor } from './form-rule-check.js';
import { computeFormula } from './formula.js';
import { recordOwner } from './owner-department.js';
import { RECORD_ALIAS, type RecordGate } from './record-gate.js';
import { newRecordId } from './record-id.js';
import { CREATED_VALUES, type Db, MERGE_NOTE, type RecordReader } from './record-reader.js';
import { sanitizeRichText } from './rich-text.js';
import { createdValues, OWNER_KEYS, type RecordJson, rowToRecord } from './row-mapping.js';
import { encodeValue } from './value-codec.js';

/** Who is acting, and when (an injectable clock keeps tests deterministic). */
export interface Actor extends FormRuleActor {
  userId: string | null;
  /** The actor's primary department: the owner department of records they create. */
  departmentId?: string | null;
  now?: Date;
  /** Where the write came from (a capture hook: channel, hook, received at), kept with its history entry. */
  source?: Readonly<Record<string, unknown>>;
  /** A key a create claims in its own transaction; a second create with it fails (409 with `duplicateOf`). */
  idempotency?: IdempotencyClaim;
}

/**
 * How a write joins a larger operation (a merge): run inside `trx` instead of its own transaction, and
 * record the history entry under `history.action` with `history.note` (returned as the entry's `merge`).
 */
export interface WriteOptions {
  trx?: Db;
  history?: { action: 'merge' | 'merged'; note: Record<string, unknown> };
}

/**
 * The write side of the record repository. Every write runs in one transaction with its sub-table rows,
 * auto-numbers and audit entry, checks the gate before writing, and leaves the database unchanged on
 * any failure.
 */
export class RecordWriter {
  constructor(private readonly reader: RecordReader) {}

  private get db(): Db {
    return this.reader.db;
  }

  private get app() {
    return this.reader.app;
  }

  /** Creates a record from an API payload; returns it as the caller may see it. */
  async create(model: EntityModel, payload: unknown, actor: Actor, gate: RecordGate): Promise<RecordJson> {
    if (!gate.create) throw new DougongError('FORBIDDEN', `You may not create ${model.entity.key} records.`);
    const now = actor.now ?? new Date();
    const checked = validateRecordInput(model, payload, { mode: 'create', timeZone: this.app.timeZone, now });
    if (!checked.ok) throw new DougongError('VALIDATION_FAILED', undefined, checked.issues);
    const input = checked.record;
    this.checkWritable(payload, gate, gate.assign !== null);
    const ruled = enforceFormRules(this.app, model, input, actor, now);
    return this.inTransaction(undefined, async (trx) => {
      // Claimed first: a concurrent create with the same key waits here, then answers `duplicateOf`.
      const claim = actor.idempotency;
      if (claim) await claimIdempotencyKey(trx, this.app.document.key, model.entity.id, claim);
      await this.checkReferences(trx, model, input);
      const values = await this.completeValues(trx, model, input.values, now, ruled, true);
      const owner = await recordOwner(trx, input.owner, actor);
      const id = await this.insertRow(trx, model, values, actor, now, owner);
      if (claim) await bindIdempotencyKey(trx, this.app.document.key, claim, id);
      if (input.owner && gate.assign) {
        // The owner given must be one the caller may assign records to.
        const { rows } = await sql<{
          ok: boolean;
        }>`select (${gate.assign}) as ok from ${this.reader.table(model)} as ${sql.id(RECORD_ALIAS)} where id = ${id}`.execute(
          trx,
        );
        if (!rows[0]?.ok)
          throw new DougongError('FORBIDDEN', undefined, [
            { path: '/ownerId', message: 'is outside the owners you may assign' },
          ]);
      }
      await this.writeRows(trx, model, id, input, actor, now);
      // Inline start nodes of flows (assignment, scoring) complete the record before it is recorded.
      let stored = await this.reader.get(model, id, openView(gate), trx);
      const depth = (actor as { flowCause?: FlowCause }).flowCause?.depth ?? 0;
      const [inline] =
        depth < MAX_CAUSE_DEPTH ? await runInlineNodes(trx, this.app, model, [stored], now, true) : [];
      if (inline && Object.keys(inline.values).length > 0) {
        const written = await writeInlineValues(trx, this.app, model, [{ id, values: inline.values }], now);
        stored = { ...stored, ...written.get(id) };
      }
      // The new record's values (the history read gives a change per value, as `diff` would).
      const created = { [CREATED_VALUES]: createdValues(model, stored) };
      await this.history(trx, model, id, 'create', created, actor, now);
      await indexDuplicates(trx, this.app, model, id, null, stored, now);
      await emitRecordEvent(trx, this.app, model, 'created', id, null, stored, actor, inline?.outcomes);
      for (const key of gate.hidden) delete stored[key];
      return stored;
    });
  }

  /** Applies a partial update when `expectedVersion` matches; else 409 with the current version. */
  async update(
    model: EntityModel,
    id: string,
    payload: unknown,
    actor: Actor,
    gate: RecordGate,
    expectedVersion?: number,
    options: WriteOptions = {},
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
    return this.inTransaction(options.trx, async (trx) => {
      const row = await this.reader.loadRow(trx, model, id, gate, { lock: true });
      if (!row._can_update) throw new DougongError('FORBIDDEN', 'You may not change this record.');
      this.checkWritable(payload, gate, row._can_assign);
      if (Number(row.version) !== version) {
        throw new DougongError(
          'VERSION_CONFLICT',
          undefined,
          [{ path: '/version', message: `is ${row.version} now` }],
          { currentVersion: Number(row.version) },
        );
      }
      const full = openView(gate);
      const before = rowToRecord(model, row, this.app.timeZone);
      await this.reader.attachRows(trx, model, [before], full);
      const ruled = enforceFormRules(this.app, model, input, actor, now, before);
      await this.checkReferences(trx, model, input);
      const values = await this.completeValues(trx, model, input.values, now, ruled, false);
      const sets = Object.entries(values).map(([key, value]) => {
        const info = model.columnsByKey.get(key)!;
        return sql`${sql.id(info.column)} = ${encodeValue(info.sqlType, value)}`;
      });
      if (input.owner?.ownerId !== undefined) sets.push(sql`owner_id = ${input.owner.ownerId}`);
      // A record handed to someone else goes with them to their department, unless one is given.
      let ownerDeptId = input.owner?.ownerDeptId;
      const handedTo = input.owner?.ownerId;
      if (ownerDeptId === undefined && typeof handedTo === 'string' && handedTo !== before.ownerId)
        ownerDeptId = (await recordOwner(trx, { ownerId: handedTo }, actor)).ownerDeptId;
      if (ownerDeptId !== undefined) sets.push(sql`owner_dept_id = ${ownerDeptId}`);
      sets.push(
        sql`version = version + 1`,
        sql`updated_at = ${now.toISOString()}`,
        sql`updated_by = ${actor.userId}`,
      );
      await sql`update ${this.reader.table(model)} set ${sql.join(sets)} where id = ${before.id}`
        .execute(trx)
        .catch((e) => this.rethrow(e, model));
      await this.writeRows(trx, model, before.id, input, actor, now);
      const after = await this.reader.get(model, before.id, full, trx);
      const changes = diff(before, after, model);
      await this.history(
        trx,
        model,
        before.id,
        options.history?.action ?? 'update',
        changes,
        actor,
        now,
        options,
      );
      await indexDuplicates(trx, this.app, model, before.id, before, after, now);
      await emitRecordEvent(trx, this.app, model, 'updated', before.id, before, after, actor);
      for (const key of gate.hidden) delete after[key];
      return after;
    });
  }

  /** Soft-deletes a record (kept, hidden; restorable). */
  async remove(
    model: EntityModel,
    id: string,
    actor: Actor,
    gate: RecordGate,
    expectedVersion?: number,
    options: WriteOptions = {},
  ): Promise<void> {
    const now = actor.now ?? new Date();
    await this.inTransaction(options.trx, async (trx) => {
      const row = await this.reader.loadRow(trx, model, id, gate, { lock: true });
      if (!row._can_delete) throw new DougongError('FORBIDDEN', 'You may not delete this record.');
      if (expectedVersion !== undefined && Number(row.version) !== expectedVersion) {
        throw new DougongError(
          'VERSION_CONFLICT',
          undefined,
          [{ path: '/version', message: `is ${row.version} now` }],
          { currentVersion: Number(row.version) },
        );
      }
      await sql`update ${this.reader.table(model)} set deleted_at = ${now.toISOString()}, version = version + 1, updated_at = ${now.toISOString()}, updated_by = ${actor.userId}
        where id = ${String(row.id)}`.execute(trx);
      await this.history(
        trx,
        model,
        String(row.id),
        options.history?.action ?? 'delete',
        {},
        actor,
        now,
        options,
      );
      await indexDuplicates(trx, this.app, model, String(row.id), {}, null, now);
      await emitRecordEvent(
        trx,
        this.app,
        model,
        'deleted',
        String(row.id),
        rowToRecord(model, row, this.app.timeZone),
        null,
        actor,
      );
    });
  }

  /** Brings back a soft-deleted record (needs the delete right on it); 409 when a unique value was taken meanwhile. */
  async restore(model: EntityModel, id: string, actor: Actor, gate: RecordGate): Promise<RecordJson> {
    const now = actor.now ?? new Date();
    return this.inTransaction(undefined, async (trx) => {
      const row = await this.reader.loadRow(trx, model, id, gate, { includeDeleted: true, lock: true });
      if (!row._can_delete) throw new DougongError('FORBIDDEN', 'You may not restore this record.');
      if (row.deleted_at === null) throw new DougongError('CONFLICT', 'The record is not deleted.');
      await sql`update ${this.reader.table(model)} set deleted_at = null, version = version + 1, updated_at = ${now.toISOString()}, updated_by = ${actor.userId}
        where id = ${String(row.id)}`
        .execute(trx)
        .catch((e) => this.rethrow(e, model));
      await this.history(trx, model, String(row.id), 'restore', {}, actor, now);
      if (model.entity.duplicateRules?.length) {
        const restored = await this.reader.get(model, String(row.id), openView(gate), trx);
        await indexDuplicates(trx, this.app, model, restored.id, null, restored, now);
      }
      await emitRecordEvent(trx, this.app, model, 'restored', String(row.id), null, null, actor);
      return this.reader.get(model, String(row.id), gate, trx);
    });
  }

  /** Refuses (403, naming the path) any top-level key the gate does not let the caller write. */
  private checkWritable(payload: unknown, gate: RecordGate, mayAssign: boolean): void {
    if (!payload || typeof payload !== 'object') return;
    for (const key of Object.keys(payload)) {
      if ((OWNER_KEYS as readonly string[]).includes(key)) {
        if (!mayAssign)
          throw new DougongError('FORBIDDEN', 'Changing the owner needs the assign right.', [
            { path: `/${key}`, message: 'needs the assign right' },
          ]);
      } else if (key !== 'version' && !gate.writable(key)) {
        throw new DougongError('FORBIDDEN', 'Some fields are read-only for you.', [
          {
            path: `/${key}`,
            message: gate.hidden.has(key) ? 'is not visible to you' : 'is read-only for you',
          },
        ]);
      }
    }
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
        out[field.key] = all[field.key] = computeFormula(field as FieldOf<'formula'>, all, {
          now,
          timeZone: this.app.timeZone,
        });
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
      sql.id('id'),
      sql.id('created_at'),
      sql.id('updated_at'),
      sql.id('created_by'),
      sql.id('updated_by'),
      sql.id('owner_id'),
      sql.id('owner_dept_id'),
    ];
    const params = [
      sql`${newRecordId()}`,
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
    }>`insert into ${this.reader.table(model)} (${sql.join(columns)}) values (${sql.join(params)}) returning id`
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
      }>`select id from ${this.reader.table(child)} where parent_id = ${parentId} and deleted_at is null`.execute(
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
          await sql`update ${this.reader.table(child)} set ${sql.join(sets)} where id = ${row.id}`.execute(
            trx,
          );
        } else {
          await this.insertRow(trx, child, values, actor, now, undefined, { id: parentId, order });
        }
      }
      const removed = [...existingIds].filter((id) => !kept.has(id));
      if (removed.length > 0) {
        await sql`update ${this.reader.table(child)} set deleted_at = ${now.toISOString()}, version = version + 1
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
        }>`select id from ${this.reader.table(target)} where id = ${value} and deleted_at is null`.execute(
          trx,
        );
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
    options: WriteOptions = {},
  ) {
    const entry = options.history ? { ...changes, [MERGE_NOTE]: options.history.note } : changes;
    const source = actor.source ? JSON.stringify(actor.source) : null;
    await sql`insert into dougong.record_history (app_key, entity_id, record_id, action, changes, actor, at, source)
      values (${this.app.document.key}, ${model.entity.id}, ${id}, ${action}, cast(${JSON.stringify(entry)} as json), ${actor.userId}, ${now.toISOString()}, cast(${source} as jsonb))`.execute(
      trx,
    );
  }

  /** Runs `work` in the given transaction, or in a new one. */
  private inTransaction<T>(trx: Db | undefined, work: (trx: Db) => Promise<T>): Promise<T> {
    // A writer over a transaction (a repository built on `trx`) joins it: conversions and claims.
    if (trx) return work(trx);
    return this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
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

/** The same gate reading every row and field: history and the re-read after a write need every value. */
export function openView(gate: RecordGate): RecordGate {
  return { ...gate, read: sql<SqlBool>`true`, hidden: new Set() };
}

function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  model: EntityModel,
): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  const keys = [...model.entity.fields.map((f) => f.key), ...OWNER_KEYS];
  for (const key of keys) {
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[key] = { before: a, after: b };
  }
  return changes;
}
