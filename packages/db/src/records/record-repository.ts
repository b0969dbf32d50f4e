import { type AppModel, DougongError, type EntityModel, type Field } from '@dougong/schema';
import { type PreparedExport, prepareExport } from './record-exporter.js';
import { OPEN_GATE, type RecordGate } from './record-gate.js';
import { findMatch } from './record-matcher.js';
import { type Db, type ListOptions, type RecordPage, RecordReader } from './record-reader.js';
import { type Actor, RecordWriter } from './record-writer.js';
import type { RecordJson } from './row-mapping.js';

/**
 * Reads and writes the records of one app's entities, always through a {@link RecordGate} that holds
 * the caller's rights (the open gate for system work). See {@link RecordReader} and {@link RecordWriter}.
 *
 * @example
 * const repo = new RecordRepository(db, model);
 * const lead = repo.entity('lead');
 * await repo.list(lead, { filter: { '==': [{ var: 'region' }, 'east'] }, sort: '-createdAt' }, gate);
 */
export class RecordRepository {
  private readonly reader: RecordReader;
  private readonly writer: RecordWriter;

  constructor(
    db: Db,
    readonly app: AppModel,
  ) {
    this.reader = new RecordReader(db, app);
    this.writer = new RecordWriter(this.reader);
  }

  /** The model of an entity by key, or a 404 (child entities are only reachable through their parent). */
  entity(key: string): EntityModel {
    const model = this.app.entitiesByKey.get(key);
    if (!model || model.entity.kind === 'child')
      throw new DougongError('NOT_FOUND', `No entity "${key.slice(0, 64)}".`);
    return model;
  }

  /** A page of records the gate lets the caller read. */
  list(model: EntityModel, options: ListOptions, gate: RecordGate = OPEN_GATE): Promise<RecordPage> {
    return this.reader.list(model, options, gate);
  }

  /**
   * Prepares an export of a list within the gate's export scope (403 without the right, 422 beyond the
   * row cap); its rows then come in keyset batches. See {@link prepareExport}.
   */
  prepareExport(
    model: EntityModel,
    options: Pick<ListOptions, 'filter' | 'sort' | 'q'>,
    gate: RecordGate = OPEN_GATE,
  ): Promise<PreparedExport> {
    return prepareExport(this.reader, model, options, gate);
  }

  /**
   * A readable live record whose `field` equals `key` once normalised (trimmed, lower-case; phones by
   * digits), for duplicate checks. See {@link findMatch}.
   */
  findMatch(
    model: EntityModel,
    field: Field,
    key: string,
    gate: RecordGate = OPEN_GATE,
  ): Promise<{ id: string; version: number } | null> {
    return findMatch(this.reader, model, field, key, gate);
  }

  /** Counts and sums per value of a field, over the rows the gate lets the caller read. */
  aggregate(
    model: EntityModel,
    options: { groupBy: string; sum?: string[]; filter?: unknown },
    gate: RecordGate = OPEN_GATE,
  ) {
    return this.reader.aggregate(model, options, gate);
  }

  /** One record with its sub-table rows. */
  get(model: EntityModel, id: string, gate: RecordGate = OPEN_GATE): Promise<RecordJson> {
    return this.reader.get(model, id, gate);
  }

  /** Creates a record. */
  create(
    model: EntityModel,
    payload: unknown,
    actor: Actor,
    gate: RecordGate = OPEN_GATE,
  ): Promise<RecordJson> {
    return this.writer.create(model, payload, actor, gate);
  }

  /** Updates a record (optimistic: `expectedVersion` or the payload's `version`). */
  update(
    model: EntityModel,
    id: string,
    payload: unknown,
    actor: Actor,
    expectedVersion?: number,
    gate: RecordGate = OPEN_GATE,
  ): Promise<RecordJson> {
    return this.writer.update(model, id, payload, actor, gate, expectedVersion);
  }

  /** Soft-deletes a record. */
  remove(
    model: EntityModel,
    id: string,
    actor: Actor,
    expectedVersion?: number,
    gate: RecordGate = OPEN_GATE,
  ): Promise<void> {
    return this.writer.remove(model, id, actor, gate, expectedVersion);
  }

  /** Restores a soft-deleted record. */
  restore(model: EntityModel, id: string, actor: Actor, gate: RecordGate = OPEN_GATE): Promise<RecordJson> {
    return this.writer.restore(model, id, actor, gate);
  }

  /** The audit trail of a record. */
  historyOf(
    model: EntityModel,
    id: string,
    gate: RecordGate = OPEN_GATE,
  ): Promise<Array<Record<string, unknown>>> {
    return this.reader.history(model, id, gate);
  }
}

export { EXPORT_ROW_LIMIT, type PreparedExport } from './record-exporter.js';
export { EXACT_COUNT_LIMIT, type ListOptions, type RecordPage } from './record-reader.js';
export type { Actor } from './record-writer.js';
