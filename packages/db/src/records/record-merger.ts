import {
  DougongError,
  type EntityModel,
  type Field,
  type FieldType,
  type Label,
  physicalNames,
} from '@dougong/schema';
import { sql } from 'kysely';
import { resolveMergedLinks } from './duplicate-links.js';
import type { RecordGate } from './record-gate.js';
import type { Db, RecordReader } from './record-reader.js';
import { type Actor, openView, type RecordWriter } from './record-writer.js';
import { type RecordJson, rowToRecord } from './row-mapping.js';

/** Where a merged value comes from. */
export type MergeSource = 'survivor' | 'other';

/** One row of a merge preview. */
export interface MergeFieldPreview {
  field: string;
  label: Label;
  type: FieldType;
  survivor: unknown;
  other: unknown;
  proposed: unknown;
  /** The side the proposed value comes from: the survivor's unless it is empty and the other's is not. */
  source: MergeSource;
  differs: boolean;
  /** False when the caller may not write the field: the survivor's value is kept. */
  writable: boolean;
}

/**
 * Records of other entities (or this one) that reference the merged-away record through a field,
 * deleted ones included (they move too, so restoring one never brings back a dangling reference).
 */
export interface ReferenceCount {
  entity: string;
  field: string;
  count: number;
}

/** What merging `other` into `survivor` would do. */
export interface MergePreview {
  survivor: RecordJson;
  other: RecordJson;
  fields: MergeFieldPreview[];
  references: ReferenceCount[];
  /** Whether the caller has the update and delete rights on both records. */
  allowed: boolean;
}

/** A merge request: the other record, versions, and per-field choices by field key. */
export interface MergeRequest {
  with: string;
  version?: number;
  otherVersion?: number;
  values?: Record<string, MergeSource | { value: unknown }>;
}

/** What a merge did. */
export interface MergeResult {
  record: RecordJson;
  mergedId: string;
  linkId: string;
  repointed: ReferenceCount[];
}

interface Loaded {
  record: RecordJson;
  /** Inside both the update and the delete scope of the caller. */
  canMerge: boolean;
}

// Values the platform computes; merging keeps the survivor's.
const COMPUTED = new Set<FieldType>(['autoNumber', 'formula']);

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const bad = (path: string, message: string) =>
  new DougongError('BAD_REQUEST', undefined, [{ path, message }]);

/**
 * Merges duplicates of one entity: a field-by-field preview, and the merge itself — the survivor is
 * updated through the normal write path, every reference to the merged-away record is moved to the
 * survivor (with a history entry on each moved record), the other record is soft-deleted with a
 * `merged` history entry, and the pair's duplicate link is marked merged; all in one transaction.
 */
export class RecordMerger {
  constructor(
    private readonly reader: RecordReader,
    private readonly writer: RecordWriter,
  ) {}

  /** The preview of merging `otherId` into `id`; both must be readable (404 otherwise). */
  async preview(model: EntityModel, id: string, otherId: string, gate: RecordGate): Promise<MergePreview> {
    const [survivor, other] = await this.loadPair(this.reader.db, model, id, otherId, gate, false);
    const fields = this.mergeable(model, gate).map((field): MergeFieldPreview => {
      const a = survivor.record[field.key] ?? null;
      const b = other.record[field.key] ?? null;
      const writable = gate.writable(field.key);
      const source: MergeSource = writable && isEmpty(a) && !isEmpty(b) ? 'other' : 'survivor';
      return {
        field: field.key,
        label: field.label,
        type: field.type,
        survivor: a,
        other: b,
        proposed: source === 'other' ? b : a,
        source,
        differs: !same(a, b),
        writable,
      };
    });
    return {
      survivor: this.visible(survivor.record, gate),
      other: this.visible(other.record, gate),
      fields,
      references: await this.references(this.reader.db, model, other.record.id),
      allowed: survivor.canMerge && other.canMerge,
    };
  }

  /** Merges `request.with` into `id` (see the class comment); needs update and delete rights on both. */
  async merge(
    model: EntityModel,
    id: string,
    request: MergeRequest,
    actor: Actor,
    gate: RecordGate,
  ): Promise<MergeResult> {
    const choices = this.checkRequest(model, id, request, gate);
    const now = actor.now ?? new Date();
    return this.reader.db.transaction().execute(async (trx) => {
      const [survivor, other] = await this.loadPair(trx, model, id, request.with, gate, true);
      if (!survivor.canMerge || !other.canMerge)
        throw new DougongError('FORBIDDEN', 'Merging needs the update and delete rights on both records.');
      if (request.otherVersion !== undefined && other.record.version !== request.otherVersion)
        throw new DougongError(
          'VERSION_CONFLICT',
          undefined,
          [{ path: '/otherVersion', message: `is ${other.record.version} now` }],
          { currentVersion: other.record.version },
        );
      const payload: Record<string, unknown> = {};
      for (const field of this.mergeable(model, gate)) {
        const a = survivor.record[field.key] ?? null;
        const b = other.record[field.key] ?? null;
        const choice =
          choices[field.key] ??
          (gate.writable(field.key) && isEmpty(a) && !isEmpty(b) ? 'other' : 'survivor');
        if (choice === 'survivor') continue;
        const value = choice === 'other' ? b : choice.value;
        if (same(a, value)) continue;
        payload[field.key] =
          field.type === 'subTable' && choice === 'other' ? this.copyRows(model, field, b) : value;
      }
      const note = { survivor: survivor.record.id, other: other.record.id };
      // The other record goes first, so its unique values and match keys are free for the survivor.
      await this.writer.remove(model, other.record.id, actor, gate, undefined, {
        trx,
        history: { action: 'merged', note },
      });
      const record = await this.writer
        .update(model, survivor.record.id, payload, actor, gate, request.version, {
          trx,
          history: { action: 'merge', note },
        })
        .catch((error: unknown) => {
          throw relocate(error, Object.keys(payload));
        });
      const repointed = await this.repoint(trx, model, other.record.id, survivor.record.id, actor, now, note);
      const linkId = await resolveMergedLinks(
        trx,
        model,
        this.reader.app.document.key,
        survivor.record.id,
        other.record.id,
        actor.userId,
        now,
      );
      return { record, mergedId: other.record.id, linkId, repointed };
    });
  }

  /** Fields the caller can see that a merge may take from either side. */
  private mergeable(model: EntityModel, gate: RecordGate): Field[] {
    return model.entity.fields.filter((f) => !COMPUTED.has(f.type) && !gate.hidden.has(f.key));
  }

  private checkRequest(
    model: EntityModel,
    id: string,
    request: MergeRequest,
    gate: RecordGate,
  ): Record<string, MergeSource | { value: unknown }> {
    if (!request || typeof request !== 'object' || Array.isArray(request)) throw bad('', 'must be an object');
    for (const key of Object.keys(request))
      if (!['with', 'version', 'otherVersion', 'values'].includes(key))
        throw bad(`/${key}`, 'is not a merge option');
    if (typeof request.with !== 'string' || !/^[0-9a-f-]{36}$/i.test(request.with))
      throw bad('/with', 'must be the id of the record to merge into this one');
    if (request.with.toLowerCase() === id.toLowerCase()) throw bad('/with', 'must be another record');
    for (const key of ['version', 'otherVersion'] as const) {
      const v = request[key];
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 1))
        throw bad(`/${key}`, 'must be a positive integer');
    }
    const values = request.values ?? {};
    if (typeof values !== 'object' || Array.isArray(values) || values === null)
      throw bad('/values', 'must be an object of field key → "survivor", "other" or {"value": …}');
    const allowed = new Set(this.mergeable(model, gate).map((f) => f.key));
    for (const [key, choice] of Object.entries(values)) {
      const path = `/values/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!allowed.has(key)) throw bad(path, `"${key.slice(0, 64)}" is not a field you may merge`);
      const explicit =
        choice !== null &&
        typeof choice === 'object' &&
        !Array.isArray(choice) &&
        Object.keys(choice).join() === 'value';
      if (choice !== 'survivor' && choice !== 'other' && !explicit)
        throw bad(path, 'must be "survivor", "other" or {"value": …}');
    }
    return values;
  }

  private async loadPair(
    db: Db,
    model: EntityModel,
    id: string,
    otherId: string,
    gate: RecordGate,
    lock: boolean,
  ): Promise<[Loaded, Loaded]> {
    const full = openView(gate);
    // Lock in id order, so two merges of the same pair cannot deadlock.
    const order = [id.toLowerCase(), otherId.toLowerCase()].sort();
    const loaded = new Map<string, Loaded>();
    for (const key of order) {
      const row = await this.reader.loadRow(db, model, key, gate, { lock });
      const record = rowToRecord(model, row, this.reader.app.timeZone);
      await this.reader.attachRows(db, model, [record], full);
      loaded.set(key, { record, canMerge: row._can_update && row._can_delete });
    }
    return [loaded.get(id.toLowerCase())!, loaded.get(otherId.toLowerCase())!];
  }

  private visible(record: RecordJson, gate: RecordGate): RecordJson {
    const copy = { ...record };
    for (const key of gate.hidden) delete copy[key];
    return copy;
  }

  /** Sub-table rows of the other record as new rows of the survivor (ids and computed values dropped). */
  private copyRows(model: EntityModel, field: Field, rows: unknown): unknown {
    const child = model.subTables.find((s) => s.field.id === field.id)?.child;
    if (!child || !Array.isArray(rows)) return rows;
    return rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(row).filter(([key]) => {
          const f = child.fieldsByKey.get(key);
          return f !== undefined && !COMPUTED.has(f.type);
        }),
      ),
    );
  }

  /** Every reference field of the app that targets the entity (sub-table rows included). */
  private referencing(model: EntityModel): Array<{ entity: EntityModel; field: Field }> {
    return [...this.reader.app.entitiesById.values()].flatMap((entity) =>
      entity.storedFields
        .filter((f) => f.type === 'reference' && f.target === model.entity.id)
        .map((field) => ({ entity, field })),
    );
  }

  private async references(db: Db, model: EntityModel, otherId: string): Promise<ReferenceCount[]> {
    const counts: ReferenceCount[] = [];
    for (const { entity, field } of this.referencing(model)) {
      const column = sql.id(physicalNames.column(field.id));
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${this.reader.table(entity)}
        where ${column} = ${otherId}`.execute(db);
      const n = rows[0]?.n ?? 0;
      if (n > 0) counts.push({ entity: entity.entity.key, field: field.key, count: n });
    }
    return counts;
  }

  /** Moves every reference to `otherId` onto `survivorId`, with a history entry per moved record. */
  private async repoint(
    trx: Db,
    model: EntityModel,
    otherId: string,
    survivorId: string,
    actor: Actor,
    now: Date,
    note: Record<string, unknown>,
  ): Promise<ReferenceCount[]> {
    const at = now.toISOString();
    const moved: ReferenceCount[] = [];
    for (const { entity, field } of this.referencing(model)) {
      const column = sql.id(physicalNames.column(field.id));
      const update = sql`update ${this.reader.table(entity)} set ${column} = ${survivorId}, version = version + 1,
        updated_at = ${at}, updated_by = ${actor.userId} where ${column} = ${otherId} returning id`;
      let count: number;
      if (entity.entity.kind === 'child') {
        count = (await update.execute(trx)).rows.length;
      } else {
        const changes = JSON.stringify({
          [field.key]: { before: otherId, after: survivorId },
          '@merge': note,
        });
        const { rows } = await sql`with moved as (${update})
          insert into dougong.record_history (app_key, entity_id, record_id, action, changes, actor, at)
          select ${this.reader.app.document.key}, ${entity.entity.id}, moved.id, 'update', cast(${changes} as json), ${actor.userId}, ${at}
          from moved returning record_id`.execute(trx);
        count = rows.length;
      }
      if (count > 0) moved.push({ entity: entity.entity.key, field: field.key, count });
    }
    return moved;
  }
}

/** Errors of the survivor's update name the merge request's `/values/{key}` rather than the field. */
function relocate(error: unknown, keys: string[]): unknown {
  if (!(error instanceof DougongError)) return error;
  const details = error.details.map((d) => {
    const key = d.path.split('/')[1] ?? '';
    return keys.includes(key) ? { ...d, path: `/values${d.path}` } : d;
  });
  return new DougongError(error.code, error.message, details, error.extra);
}
