import {
  type AppModel,
  autoNumberPeriod,
  DougongError,
  dateInZone,
  type EntityModel,
  type FieldOf,
  formatAutoNumber,
  parseAutoNumberPattern,
  type RecordInput,
  validateRecordInput,
} from '@dougong/schema';
import { sql } from 'kysely';
import { checkInlineValues, type InlineOutcomes, runInlineNodes } from '../flows/inline-nodes.js';
import { emitRecordEvent, type FlowCause, hasListeners, MAX_CAUSE_DEPTH } from '../flows/record-events.js';
import { desiredIndexes } from '../planner/index-plan.js';
import type { BatchCarry, CarriedBatch } from './batch-carry.js';
import { indexDuplicatesBulk } from './bulk-duplicate-index.js';
import { enforceFormRules } from './form-rule-check.js';
import { computeFormula } from './formula.js';
import { newRecordOwner, ownerDepartments } from './owner-department.js';
import { OPEN_GATE } from './record-gate.js';
import { newRecordId } from './record-id.js';
import { CREATED_VALUES, type Db, RecordReader } from './record-reader.js';
import type { Actor } from './record-writer.js';
import { sanitizeRichText } from './rich-text.js';
import {
  addByColumn,
  createdValues,
  type RecordJson,
  rowToRecord,
  selectColumns,
  sentRecord,
  systemValues,
} from './row-mapping.js';
import { settleInOrder } from './settle-in-order.js';
import { freshenBeforeBulkWrite, noteBulkWrite } from './table-statistics.js';

/** One record of a bulk create: the API's create payload, who creates it and when (`actor.now`). */
export interface BulkRecord {
  /** The new record's id; a new one ({@link newRecordId}) when absent. */
  id?: string;
  payload: unknown;
  actor: Actor;
}

/** Options of {@link RecordBulkWriter.create}. */
export interface BulkCreateOptions {
  /** Write the `create` history entry of each record, as the API does (default true). */
  history?: boolean;
  /**
   * Raise record events for flows listening to the entity, as the API does (default true). Without
   * them no flow starts (imports of history, demo data); tracked fields are logged either way.
   */
  events?: boolean;
  /**
   * Ids of records created later in the same transaction: references to them are accepted (all of a
   * batch commits together, so two records may refer to each other).
   */
  pending?: ReadonlySet<string>;
  /**
   * Called once every statement of the batch has been sent, while the database runs the last of them
   * (history, duplicate keys, events) and before the commit: the moment to start other work of the
   * caller's (an import reads its next batch then) without holding up the statements before.
   */
  onStatementsSent?: () => void;
  /**
   * Auto-numbers and assignment state carried from the previous batch of the same import and on to
   * the next (see {@link BatchCarry}); a batch whose carried state turns out stale throws
   * `StaleCarryError` and rolls back.
   */
  carry?: BatchCarry;
  /**
   * The transaction commits only once this has settled, and rolls back when it rejects: a batch prepared
   * while the previous one was still being written commits after it, or not at all.
   */
  commitAfter?: Promise<unknown>;
  /** Called as soon as the transaction has committed (before the statistics are looked at). */
  onCommitted?: () => void;
}

/**
 * A create that passed {@link RecordBulkWriter.check}: validated, run through the form rules and
 * sanitised. {@link RecordBulkWriter.create} writes it without checking it again.
 */
export class CheckedCreate {
  /** @internal */
  constructor(readonly prepared: Prepared) {}
}

interface Prepared {
  id: string;
  actor: Actor;
  now: Date;
  input: RecordInput;
  /** The record the form rules saw (stored values ⊕ payload ⊕ rows, formulas computed). */
  merged: Record<string, unknown>;
  values: Record<string, unknown>;
  rows: Array<{ field: string; child: EntityModel; values: Array<Record<string, unknown>> }>;
}

interface Numbered {
  values: Record<string, unknown>;
  merged: Record<string, unknown>;
  now: Date;
}

/**
 * Creates many records of one entity with few round trips, producing what one API create per record
 * would: the same validation and form rules, defaults, auto-numbers (numbered in the given order),
 * formulas, sanitised rich text, reference checks, sub-table rows, system columns (created/updated at
 * and by, owner and owner department), `create` history entries, duplicate-rule keys and record events.
 * A batch is all or nothing: any invalid record fails it with the record's index in the error paths
 * (`/17/mobile`). Made for imports and demo data, where one request per record is too slow.
 *
 * @example
 * const writer = new RecordBulkWriter(db, model);
 * await writer.create(model.entitiesByKey.get('lead')!, [{ payload: { name: '张伟' }, actor: { userId } }]);
 */
export class RecordBulkWriter {
  private readonly reader: RecordReader;

  constructor(
    private readonly db: Db,
    readonly app: AppModel,
  ) {
    this.reader = new RecordReader(db, app);
  }

  /**
   * Creates the records in one transaction; returns their ids in order. Before it and after the commit,
   * the planner's statistics of the tables it writes are refreshed when they have grown a lot
   * ({@link freshenBeforeBulkWrite}, {@link noteBulkWrite}); the refresh after the commit may still
   * run when this returns (`statisticsSettled` waits for it).
   */
  async create(
    model: EntityModel,
    records: ReadonlyArray<BulkRecord | CheckedCreate>,
    options: BulkCreateOptions = {},
  ): Promise<string[]> {
    const tables = [`${model.schemaName}.${model.tableName}`];
    if ((model.entity.duplicateRules ?? []).length > 0) tables.push('dougong.record_match_keys');
    await freshenBeforeBulkWrite(this.db, tables);
    const ids = await this.db.transaction().execute(async (trx) => {
      const ids = await this.createIn(trx, model, records, options);
      await options.commitAfter;
      return ids;
    });
    options.onCommitted?.();
    await noteBulkWrite(this.db, tables, ids.length);
    return ids;
  }

  /** Like {@link create}, inside the caller's transaction (several entities in one commit). */
  async createIn(
    trx: Db,
    model: EntityModel,
    records: ReadonlyArray<BulkRecord | CheckedCreate>,
    options: BulkCreateOptions = {},
  ): Promise<string[]> {
    if (records.length === 0) return [];
    // With a carry, the previous batch's statements run meanwhile: the steps of building this batch's
    // own give them turns (`CarriedBatch.turn`).
    const carried = options.carry?.batch();
    const prepared = records.map((record, i) =>
      record instanceof CheckedCreate ? record.prepared : this.prepare(model, record, i),
    );
    await this.checkReferences(trx, model, prepared, options.pending);
    await this.complete(trx, model, prepared, carried);
    for (const p of prepared) {
      for (const sub of p.rows)
        await this.complete(
          trx,
          sub.child,
          sub.values.map((values) => ({ values, merged: values, now: p.now })),
        );
    }
    // Records given to someone else (without a department) take that person's department.
    const departments = await ownerDepartments(
      trx,
      prepared.map((p) => ({ owner: p.input.owner, actor: p.actor })),
    );
    // Inline start nodes of flows (assignment, scoring) complete the records before they are written,
    // only when flows run (they are part of them).
    const raise = options.events ?? true;
    const inline =
      raise && !prepared.some((p) => causeDepth(p.actor) >= MAX_CAUSE_DEPTH)
        ? await runInlineNodes(
            trx,
            this.app,
            model,
            prepared.map((p) => provisional(p, departments)),
            prepared[0]!.now,
            false,
            carried,
          )
        : [];
    await carried?.turn();
    // The nodes set the same few values on many records (owner, explanation, grade): each distinct set
    // is checked once per batch.
    const checks = new Map<string, RecordInput>();
    const check = (values: Record<string, unknown>, now: Date) => {
      const key = `${now.getTime()}\u0000${JSON.stringify(values)}`;
      let checked = checks.get(key);
      if (!checked) {
        checked = checkInlineValues(this.app, model, values, now);
        checks.set(key, checked);
      }
      return checked;
    };
    // The batch's reads are done: what a carry holds back (locks, counter moves, checks) goes now.
    carried?.flush();
    // The statements sent and not awaited yet, in order: they are awaited together at the end.
    const writes: Array<Promise<unknown>> = [];
    const send = (write: Promise<unknown>) => {
      // Awaited in order below: a refused statement must not count as unhandled meanwhile.
      write.catch(() => undefined);
      writes.push(write);
    };
    const stored = await this.insert(
      trx,
      model,
      prepared.map((p, i) => {
        const values = inline[i]?.values ?? {};
        if (Object.keys(values).length === 0)
          return { id: p.id, actor: p.actor, now: p.now, values: p.values, owner: p.input.owner };
        const checked = check(values, p.now);
        return {
          id: p.id,
          actor: p.actor,
          now: p.now,
          // Not merged into one object: the row is built from both (the nodes' values win).
          values: p.values,
          set: checked.values,
          owner: { ...p.input.owner, ...checked.owner },
        };
      }),
      departments,
      // Sub-table rows are inserted and read back after their parents: those are awaited.
      model.subTables.length === 0 ? send : undefined,
      carried,
    );
    for (const { field, child } of model.subTables) {
      const rows = prepared.flatMap((p) =>
        (p.rows.find((r) => r.field === field.key)?.values ?? []).map((values, order) => ({
          id: newRecordId(),
          actor: p.actor,
          now: p.now,
          values,
          parent: { id: p.id, order },
        })),
      );
      if (rows.length > 0) await this.insert(trx, child, rows);
    }
    const created = prepared.map((p) => stored.get(p.id)!);
    if (model.subTables.length > 0) await this.reader.attachRows(trx, model, created, OPEN_GATE);
    carried?.finish(model.entity.id, created);
    // The rest needs no answer from the database: each statement is built while the previous ones run
    // (the connection takes them in order), and all are awaited together.
    // The new records' values without the empty ones, as JSON text: the history stores them, the events
    // a sparse record made of them (one serialisation for both; a new record's fields are mostly empty).
    const sparse = created.map((record) => JSON.stringify(createdValues(model, record)));
    if (options.history ?? true) send(this.history(trx, model, prepared, sparse));
    await carried?.turn();
    send(
      indexDuplicatesBulk(
        trx,
        this.app,
        model,
        prepared.map((p, i) => ({ id: p.id, values: created[i]!, now: p.now })),
      ),
    );
    await carried?.turn();
    if (raise)
      send(
        this.events(
          trx,
          model,
          prepared,
          created,
          sparse,
          inline.map((r) => r.outcomes),
        ),
      );
    else send(this.logTracked(trx, model, prepared, created));
    options.onStatementsSent?.();
    // A carried state's checks are answered before the commit.
    if (carried) writes.push(carried.settle());
    await settleInOrder(writes);
    return prepared.map((p) => p.id);
  }

  /**
   * The checks of one create before it touches the database (validator, form rules), with the errors a
   * single create gives; the result is written by {@link create} without checking it again.
   */
  check(model: EntityModel, record: BulkRecord): CheckedCreate {
    return new CheckedCreate(this.prepare(model, record));
  }

  /**
   * Validates one payload and computes its stored values, except auto-numbers (numbered per batch).
   * With an index, error paths start with it (`/17/mobile`).
   */
  private prepare(model: EntityModel, record: BulkRecord, index?: number): Prepared {
    const now = record.actor.now ?? new Date();
    const at = (issues: Array<{ path: string; message: string }>) =>
      index === undefined
        ? issues
        : issues.map((i) => ({ ...i, path: `/${index}${i.path === '/' ? '' : i.path}` }));
    const checked = validateRecordInput(model, record.payload, {
      mode: 'create',
      timeZone: this.app.timeZone,
      now,
    });
    if (!checked.ok) throw new DougongError('VALIDATION_FAILED', undefined, at(checked.issues));
    const input = checked.record;
    let ruled: Record<string, unknown>;
    try {
      ruled = enforceFormRules(this.app, model, input, record.actor, now);
    } catch (error) {
      if (error instanceof DougongError)
        throw new DougongError(error.code, error.message, at(error.details ?? []));
      throw error;
    }
    const values = sanitized(model, input.values);
    const rows = model.subTables.flatMap(({ field, child }) => {
      const list = input.rows[field.key];
      if (!list) return [];
      return [{ field: field.key, child, values: list.map((row) => sanitized(child, row.values)) }];
    });
    return { id: record.id ?? newRecordId(), actor: record.actor, now, input, merged: ruled, values, rows };
  }

  /**
   * Completes values as the record writer does: auto-numbers for the records in order (one counter
   * update per field and period, as many numbers as records), then formulas, which may use them.
   */
  private async complete(
    trx: Db,
    model: EntityModel,
    items: Numbered[],
    carry?: CarriedBatch,
  ): Promise<void> {
    await this.numberAll(trx, model, items, carry);
    for (const item of items) {
      const all = { ...item.merged, ...item.values };
      for (const field of model.storedFields) {
        if (field.type === 'formula')
          item.values[field.key] = all[field.key] = computeFormula(field as FieldOf<'formula'>, all, {
            now: item.now,
            timeZone: this.app.timeZone,
          });
      }
    }
  }

  /**
   * With a carry, a counter a previous batch of the import moved is not waited for: the numbers follow
   * the previous batch's last one, and the counter's move is checked before the commit.
   */
  private async numberAll(
    trx: Db,
    model: EntityModel,
    items: Numbered[],
    carry?: CarriedBatch,
  ): Promise<void> {
    for (const field of model.storedFields) {
      if (field.type !== 'autoNumber') continue;
      const pattern = parseAutoNumberPattern((field as FieldOf<'autoNumber'>).pattern);
      if (!pattern.ok) throw new Error(`invalid auto-number pattern on ${field.id}: ${pattern.message}`);
      const byPeriod = new Map<string, Array<{ values: Record<string, unknown>; local: string }>>();
      for (const item of items) {
        const local = dateInZone(item.now, this.app.timeZone);
        const period = autoNumberPeriod(pattern, local);
        let list = byPeriod.get(period);
        if (!list) {
          list = [];
          byPeriod.set(period, list);
        }
        list.push({ values: item.values, local });
      }
      for (const [period, list] of byPeriod) {
        const move = () =>
          sql<{ value: number }>`
          insert into dougong.auto_number_counters as c (app_key, entity_id, field_id, period, value)
          values (${this.app.document.key}, ${model.entity.id}, ${field.id}, ${period}, ${list.length})
          on conflict (app_key, entity_id, field_id, period) do update set value = c.value + ${list.length}
          returning c.value`
            .execute(trx)
            .then(({ rows }) => Number(rows[0]!.value));
        const counter = `${model.entity.id}/${field.id}/${period}`;
        const previous = carry?.lastNumber(counter);
        const last = previous === undefined ? await move() : previous + list.length;
        carry?.numbered(counter, last, previous === undefined ? undefined : move);
        const first = last - list.length + 1;
        for (const [i, entry] of list.entries())
          entry.values[field.key] = formatAutoNumber(pattern, entry.local, first + i);
      }
    }
  }

  private async checkReferences(
    trx: Db,
    model: EntityModel,
    prepared: Prepared[],
    pending: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    // target entity id → referenced id → the first path naming it
    const wanted = new Map<string, Map<string, string>>();
    const collect = (m: EntityModel, values: Record<string, unknown>, base: string) => {
      for (const [key, value] of Object.entries(values)) {
        const field = m.fieldsByKey.get(key);
        if (field?.type !== 'reference' || typeof value !== 'string' || pending.has(value)) continue;
        let ids = wanted.get(field.target);
        if (!ids) {
          ids = new Map<string, string>();
          wanted.set(field.target, ids);
        }
        if (!ids.has(value)) ids.set(value, `${base}/${key}`);
      }
    };
    for (const [i, p] of prepared.entries()) {
      collect(model, p.input.values, `/${i}`);
      for (const sub of p.rows)
        for (const [r, values] of sub.values.entries()) collect(sub.child, values, `/${i}/${sub.field}/${r}`);
    }
    for (const [targetId, ids] of wanted) {
      const target = this.app.entitiesById.get(targetId);
      if (!target) continue;
      const { rows } = await sql<{ id: string }>`select id from ${this.reader.table(target)}
        where id = any(cast(${`{${[...ids.keys()].join(',')}}`} as uuid[])) and deleted_at is null`.execute(
        trx,
      );
      const found = new Set(rows.map((r) => String(r.id)));
      for (const [id, path] of ids) {
        if (!found.has(id))
          throw new DougongError('REFERENCE_NOT_FOUND', undefined, [
            { path, message: `no ${target.entity.key} has id ${id}` },
          ]);
      }
    }
  }

  /**
   * Inserts rows with one statement: the values travel as one JSON array that
   * `json_populate_recordset` types by the table's own columns. Returns the stored records by id.
   * (`json`, not `jsonb`: the text is only scanned, not built into a tree first; several times faster
   * for a batch of a thousand rows.) With `send`, when every record's stored form is known without the
   * database ({@link sentRecord}), the insert is not awaited but given to `send`, and the rows are not
   * read back; otherwise they are, as without it.
   */
  private async insert(
    trx: Db,
    model: EntityModel,
    rows: Array<{
      id: string;
      actor: Actor;
      now: Date;
      values: Record<string, unknown>;
      /** Values set over `values` (by the inline nodes). */
      set?: Record<string, unknown>;
      owner?: RecordInput['owner'];
      parent?: { id: string; order: number };
    }>,
    known?: ReadonlyMap<string, string>,
    send?: (write: Promise<unknown>) => void,
    carry?: CarriedBatch,
  ): Promise<Map<string, RecordJson>> {
    const columns = new Set([
      'id',
      'created_at',
      'updated_at',
      'created_by',
      'updated_by',
      'owner_id',
      'owner_dept_id',
    ]);
    const child = rows.some((r) => r.parent);
    if (child) columns.add('parent_id').add('sort_order');
    // Departments looked up already (`known`, for the inline nodes) are not looked up again.
    const departments = await ownerDepartments(trx, rows, known);
    const json = rows.map((row) => {
      const at = row.now.toISOString();
      const { ownerId, ownerDeptId } = newRecordOwner(row.owner, row.actor, departments);
      const out: Record<string, unknown> = {
        id: row.id,
        created_at: at,
        updated_at: at,
        created_by: row.actor.userId,
        updated_by: row.actor.userId,
        owner_id: ownerId,
        owner_dept_id: ownerDeptId,
      };
      if (row.parent) {
        out.parent_id = row.parent.id;
        out.sort_order = row.parent.order;
      }
      addByColumn(model, row.values, out, columns);
      return row.set ? addByColumn(model, row.set, out, columns) : out;
    });
    await carry?.turn();
    const list = sql.join([...columns].map((c) => sql.id(c)));
    const table = this.reader.table(model);
    const rowsJson = sql`json_populate_recordset(cast(null as ${table}), cast(${JSON.stringify(json)} as json))`;
    if (send) {
      // When every row's stored form is known from what is sent, the rows are not read back: the
      // statements built from them go out while the database is still inserting.
      const records = new Map<string, RecordJson>();
      for (const row of json) {
        const record = sentRecord(model, row, this.app.timeZone);
        if (!record) break;
        records.set(record.id, record);
      }
      if (records.size === json.length) {
        await carry?.turn();
        send(
          sql`insert into ${table} (${list}) select ${list} from ${rowsJson}`
            .execute(trx)
            .catch((e) => this.rethrow(e, model)),
        );
        return records;
      }
    }
    const returned = sql.join(selectColumns(model).map((c) => sql.id(c)));
    const { rows: stored } = await sql<Record<string, unknown>>`insert into ${table} (${list})
      select ${list} from ${rowsJson} returning ${returned}`
      .execute(trx)
      .catch((e) => this.rethrow(e, model));
    return new Map(stored.map((row) => [String(row.id), rowToRecord(model, row, this.app.timeZone)]));
  }

  /**
   * The `create` history entries, as a single create writes them: the record's values (JSON text of
   * `createdValues`) under {@link CREATED_VALUES}.
   */
  private async history(trx: Db, model: EntityModel, prepared: Prepared[], sparse: string[]): Promise<void> {
    const key = JSON.stringify(CREATED_VALUES);
    const changes = `[${sparse.map((s) => `{${key}:${s}}`).join(',')}]`;
    const who = prepared.map((p) => ({ record_id: p.id, actor: p.actor.userId, at: p.now.toISOString() }));
    // The changes travel apart from the small columns, zipped back by position.
    await sql`insert into dougong.record_history (app_key, entity_id, record_id, action, changes, actor, at)
      select ${this.app.document.key}, ${model.entity.id}, x.record_id, 'create', x.changes, x.actor, x.at
      from rows from (
        json_to_recordset(cast(${JSON.stringify(who)} as json)) as (record_id uuid, actor uuid, at timestamptz),
        json_array_elements(cast(${changes} as json))
      ) as x(record_id, actor, at, changes)`.execute(trx);
  }

  /**
   * The record events of new records, as {@link emitRecordEvent} writes them one by one: the tracked
   * fields' first values and, when a flow listens to the entity, one outbox event per record — each in
   * one statement. Writes made by a flow step or through a public form (idempotency keys, behaviour
   * events) go one by one.
   */
  private async events(
    trx: Db,
    model: EntityModel,
    prepared: Prepared[],
    stored: RecordJson[],
    sparse: string[],
    inline: readonly InlineOutcomes[],
  ): Promise<void> {
    if (prepared.some((p) => (p.actor as { flowCause?: unknown }).flowCause || p.actor.form)) {
      for (const [i, p] of prepared.entries())
        await emitRecordEvent(trx, this.app, model, 'created', p.id, null, stored[i]!, p.actor, inline[i]);
      return;
    }
    const tracked = this.logTracked(trx, model, prepared, stored);
    if (!hasListeners(this.app, model)) {
      await tracked;
      return;
    }
    const entity = model.entity.id;
    // The record travels sparse (`sparse: true`: its system keys and values without the empty ones);
    // the dispatcher completes it (`completeRecord`).
    const head = `{"kind":"created","entity":${JSON.stringify(entity)},"recordId":`;
    const payloads = prepared.map((p, i) => {
      // The record's id is always there: `system` is never `{}`.
      const system = JSON.stringify(systemValues(stored[i]!));
      const values = sparse[i]!;
      const after = values === '{}' ? system : `${system.slice(0, -1)},${values.slice(1)}`;
      const outcomes = inline[i];
      const tail =
        outcomes && Object.keys(outcomes).length > 0 ? `,"inline":${JSON.stringify(outcomes)}}` : '}';
      return `${head}${JSON.stringify(p.id)},"before":null,"sparse":true,"after":${after}${tail}`;
    });
    // In the records' order, as single creates would queue them.
    const ids = `{${prepared.map((p) => p.id).join(',')}}`;
    const insert = sql`insert into dougong.flow_events (app_key, kind, entity_id, record_id, payload)
      select ${this.app.document.key}, 'created', ${entity}, x.id, x.payload
      from rows from (unnest(cast(${ids} as uuid[])), json_array_elements(cast(${`[${payloads.join(',')}]`} as json)))
        with ordinality as x(id, payload, n)
      order by x.n`.execute(trx);
    await settleInOrder([tracked, insert]);
  }

  /**
   * The field-change log entries of new records (what {@link emitRecordEvent} logs for a creation: the
   * first value of every tracked field that has one), in one statement.
   */
  private async logTracked(
    trx: Db,
    model: EntityModel,
    prepared: Prepared[],
    stored: RecordJson[],
  ): Promise<void> {
    const tracked = model.entity.fields.filter((f) => f.trackChanges);
    if (tracked.length === 0) return;
    const entries = prepared.flatMap((p, i) =>
      tracked.flatMap((field) => {
        const value = stored[i]![field.key] ?? null;
        return value === null
          ? []
          : [
              {
                record_id: p.id,
                field_id: field.id,
                new_value: value,
                actor: p.actor.userId,
                at: p.now.toISOString(),
              },
            ];
      }),
    );
    if (entries.length === 0) return;
    await sql`insert into dougong.field_changes (app_key, entity_id, record_id, field_id, old_value, new_value, actor, at)
      select ${this.app.document.key}, ${model.entity.id}, record_id, field_id, cast('null' as jsonb), new_value, actor, at
      from json_to_recordset(cast(${JSON.stringify(entries)} as json))
        as x(record_id uuid, field_id text, new_value jsonb, actor uuid, at timestamptz)`.execute(trx);
  }

  private rethrow(error: unknown, model: EntityModel): never {
    const e = error as { code?: string; constraint?: string; message?: string; detail?: string };
    if (e?.code === '23505') {
      const indexes = desiredIndexes(this.app.document, model.entity);
      const name = e.constraint ?? /"([^"]+)"/.exec(e.message ?? '')?.[1];
      const fieldId = name ? indexes.get(name)?.fieldId : undefined;
      const field = fieldId ? model.fieldsById.get(fieldId) : undefined;
      const value = /\)=\((.*)\)/.exec(e.detail ?? '')?.[1];
      throw new DougongError('UNIQUE_VIOLATION', undefined, [
        {
          path: field ? `/${field.key}` : '',
          message: `is already used by another record${value ? ` (${value.slice(0, 200)})` : ''}`,
        },
      ]);
    }
    throw error;
  }
}

/** Values as the record writer stores them: rich text sanitised. */
function sanitized(model: EntityModel, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = model.fieldsByKey.get(key)!;
    out[key] = field.type === 'richText' && typeof value === 'string' ? sanitizeRichText(value) : value;
  }
  return out;
}

const causeDepth = (actor: Actor) => (actor as { flowCause?: FlowCause }).flowCause?.depth ?? 0;

/**
 * A record about to be written as its stored form will read (values, system fields), for the inline
 * nodes' conditions and rules.
 */
function provisional(p: Prepared, departments: ReadonlyMap<string, string>): RecordJson {
  const at = p.now.toISOString();
  // One object, filled in place: the form rules' view, the values over it, then the system fields.
  const record: Record<string, unknown> = {};
  for (const source of [p.merged, p.values])
    for (const key of Object.keys(source)) {
      const v = source[key];
      record[key] = v instanceof Date ? v.toISOString() : v;
    }
  const { ownerId, ownerDeptId } = newRecordOwner(p.input.owner, p.actor, departments);
  record.id = p.id;
  record.version = 1;
  record.createdAt = at;
  record.updatedAt = at;
  record.createdBy = p.actor.userId;
  record.updatedBy = p.actor.userId;
  record.ownerId = ownerId;
  record.ownerDeptId = ownerDeptId;
  return record as RecordJson;
}
