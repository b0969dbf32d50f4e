import {
  type AppModel,
  DougongError,
  type DuplicateRule,
  type EntityModel,
  type Field,
} from '@dougong/schema';
import {
  type DuplicateLink,
  type DuplicatePage,
  type DuplicateStatus,
  dismissDuplicate,
  listDuplicates,
} from './duplicate-links.js';
import { findMatches, findRuleMatches, type MatchedRecord } from './record-batch.js';
import {
  type BulkCreateOptions,
  type BulkRecord,
  type CheckedCreate,
  RecordBulkWriter,
} from './record-bulk-writer.js';
import { type PreparedExport, prepareExport } from './record-exporter.js';
import { OPEN_GATE, type RecordGate } from './record-gate.js';
import { findMatch, findRuleMatch } from './record-matcher.js';
import { type MergePreview, type MergeRequest, type MergeResult, RecordMerger } from './record-merger.js';
import { type Db, type ListOptions, type RecordPage, RecordReader } from './record-reader.js';
import { type Actor, RecordWriter } from './record-writer.js';
import { type RelatedOptions, type RelatedRecordList, relatedRecords } from './related-records.js';
import type { RecordJson } from './row-mapping.js';
import { refineStatistics } from './table-statistics.js';

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
  private readonly merger: RecordMerger;
  private readonly bulk: RecordBulkWriter;

  constructor(
    db: Db,
    readonly app: AppModel,
  ) {
    this.reader = new RecordReader(db, app);
    this.writer = new RecordWriter(this.reader);
    this.merger = new RecordMerger(this.reader, this.writer);
    this.bulk = new RecordBulkWriter(db, app);
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

  /**
   * A readable live record sharing its key under a duplicate rule with `values` (field values by key),
   * for duplicate checks on import by rule (e.g. a similar company name). See {@link findRuleMatch}.
   */
  findRuleMatch(
    model: EntityModel,
    rule: DuplicateRule,
    values: Readonly<Record<string, unknown>>,
    gate: RecordGate = OPEN_GATE,
  ): Promise<{ id: string; version: number } | null> {
    return findRuleMatch(this.reader, model, rule, values, gate);
  }

  /** {@link findMatch} for many normalised keys with one query: key → the first readable match. */
  findMatches(
    model: EntityModel,
    field: Field,
    keys: readonly string[],
    gate: RecordGate = OPEN_GATE,
  ): Promise<Map<string, MatchedRecord>> {
    return findMatches(this.reader, model, field, keys, gate);
  }

  /** {@link findRuleMatch} for many rule keys with one query: rule key → the first readable match. */
  findRuleMatches(
    model: EntityModel,
    rule: DuplicateRule,
    keys: readonly string[],
    gate: RecordGate = OPEN_GATE,
  ): Promise<Map<string, MatchedRecord>> {
    return findRuleMatches(this.reader, model, rule, keys, gate);
  }

  /**
   * The checks {@link create} runs before writing (create right, validator, form rules), with the same
   * errors; what it returns goes to {@link createMany} without being checked again.
   */
  checkCreate(
    model: EntityModel,
    payload: unknown,
    actor: Actor,
    gate: RecordGate = OPEN_GATE,
  ): CheckedCreate {
    if (!gate.create) throw new DougongError('FORBIDDEN', `You may not create ${model.entity.key} records.`);
    return this.bulk.check(model, { payload, actor });
  }

  /**
   * Creates many records in one transaction through {@link RecordBulkWriter} (all or nothing); returns
   * their ids in order. Records from {@link checkCreate} are not checked again. The caller checks the
   * gate: the bulk writer writes as the system.
   */
  createMany(
    model: EntityModel,
    records: ReadonlyArray<BulkRecord | CheckedCreate>,
    options?: BulkCreateOptions,
  ): Promise<string[]> {
    return this.bulk.create(model, records, options);
  }

  /**
   * After a run of {@link createMany} calls (an import): the tables they analysed at low resolution
   * while growing are analysed in full, in the background (`refineStatistics`).
   */
  refineStatistics(): void {
    refineStatistics(this.reader.db);
  }

  /** Suspected duplicates in one status whose two records the caller can read. See {@link listDuplicates}. */
  duplicates(
    model: EntityModel,
    options: { status?: DuplicateStatus; limit?: number; cursor?: string; recordId?: string },
    gate: RecordGate = OPEN_GATE,
  ): Promise<DuplicatePage> {
    return listDuplicates(this.reader, model, options, gate);
  }

  /** Marks a suspected duplicate "not a duplicate" (update right on both records). */
  dismissDuplicate(
    model: EntityModel,
    linkId: string,
    actor: Actor,
    gate: RecordGate = OPEN_GATE,
  ): Promise<DuplicateLink> {
    return dismissDuplicate(this.reader, model, linkId, actor.userId, gate, actor.now ?? new Date());
  }

  /** The field-by-field preview of merging `otherId` into `id`. See {@link RecordMerger}. */
  mergePreview(
    model: EntityModel,
    id: string,
    otherId: string,
    gate: RecordGate = OPEN_GATE,
  ): Promise<MergePreview> {
    return this.merger.preview(model, id, otherId, gate);
  }

  /** Merges `request.with` into `id` in one transaction. See {@link RecordMerger}. */
  merge(
    model: EntityModel,
    id: string,
    request: MergeRequest,
    actor: Actor,
    gate: RecordGate = OPEN_GATE,
  ): Promise<MergeResult> {
    return this.merger.merge(model, id, request, actor, gate);
  }

  /** The related lists of a record (a 360° view), each counted and paged in the caller's scopes. */
  related(
    model: EntityModel,
    id: string,
    gate: RecordGate = OPEN_GATE,
    options: RelatedOptions = {},
  ): Promise<RelatedRecordList[]> {
    return relatedRecords(this.reader, model, id, gate, options);
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

export {
  DUPLICATE_STATUSES,
  type DuplicateLink,
  type DuplicatePage,
  type DuplicateStatus,
} from './duplicate-links.js';
export { EXPORT_ROW_LIMIT, type PreparedExport } from './record-exporter.js';
export type {
  MergeFieldPreview,
  MergePreview,
  MergeRequest,
  MergeResult,
  MergeSource,
  ReferenceCount,
} from './record-merger.js';
export { EXACT_COUNT_LIMIT, type ListOptions, type RecordPage } from './record-reader.js';
export type { Actor } from './record-writer.js';
export type { RelatedOptions, RelatedRecordList } from './related-records.js';
