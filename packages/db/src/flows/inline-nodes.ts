import { type FlowEffect, matchesRecordEvent, planStep, type RecordEvent, successors } from '@dougong/flows';
import {
  type AppModel,
  DougongError,
  type EntityModel,
  type Flow,
  type RecordInput,
  validateRecordInput,
} from '@dougong/schema';
import { sql } from 'kysely';
import type { CarriedBatch } from '../records/batch-carry.js';
import type { Db } from '../records/record-reader.js';
import { addByColumn, type RecordJson, rowToRecord, selectColumns } from '../records/row-mapping.js';
import { scoreRecords, scoreValues, scoringSpec } from '../workflow/record-scoring.js';
import { assignNewRecords } from './assignment-performer.js';

/** What the inline start nodes produced for one new record: flow id → the node's output. */
export type InlineOutcomes = Record<string, unknown>;

type InlineNode = Extract<Flow['nodes'][number], { kind: 'assignOwner' | 'recomputeScore' }>;

/** The start node of a flow when it runs inline (see {@link inlineFlows}). */
export function inlineStart(flow: Flow): InlineNode | undefined {
  const node = flow.nodes.find((n) => n.id === flow.start);
  return node && (node.kind === 'assignOwner' || node.kind === 'recomputeScore') && node.inline === true
    ? node
    : undefined;
}

/** Whether an inline start node is all of its flow (nothing runs after it). */
export function inlineOnly(flow: Flow): boolean {
  const node = inlineStart(flow);
  return node !== undefined && successors(node).length === 0;
}

/** The enabled `recordCreated` flows of an entity whose start node runs inline, in document order. */
export function inlineFlows(app: AppModel, model: EntityModel): Flow[] {
  return (app.document.flows ?? []).filter(
    (f) =>
      f.enabled !== false &&
      f.trigger.kind === 'recordCreated' &&
      f.trigger.entity === model.entity.id &&
      inlineStart(f) !== undefined,
  );
}

/** What the inline start nodes did to one new record. */
export interface InlineResult {
  /** The record as the nodes left it (its values merged in). */
  record: RecordJson;
  /** The values the nodes set (owner, explanation, score …), as an update's payload; empty when none. */
  values: Record<string, unknown>;
  /** Flow id → the node's output, carried in the record's `created` event. */
  outcomes: InlineOutcomes;
}

/**
 * Runs the inline start nodes of the entity's `recordCreated` flows over new records in the creating
 * transaction, before their history, duplicate keys and events are written: for each flow in document
 * order, the records its trigger condition holds for are assigned (one assignment session for all of
 * them, as if one by one in order) or scored (attribute points: a new record has no events). The
 * caller writes the values (with the rows, or by {@link writeInlineValues}); the run of each flow then
 * starts with that node done. A node that cannot be planned here (a bad expression) is left to the run.
 * `stored` tells whether the records are in their table already (written before the nodes run) or not.
 * `carry` carries assignment state between the batches of an import (see `BatchCarry`).
 */
export async function runInlineNodes(
  trx: Db,
  app: AppModel,
  model: EntityModel,
  records: readonly RecordJson[],
  now: Date,
  stored: boolean,
  carry?: CarriedBatch,
): Promise<InlineResult[]> {
  const out: InlineResult[] = records.map((record) => ({ record, values: {}, outcomes: {} }));
  const flows = inlineFlows(app, model);
  if (flows.length === 0 || records.length === 0) return out;
  const ctx = { now, timeZone: app.timeZone };
  for (const flow of flows) {
    await carry?.turn();
    const planned: Array<{ index: number; effect: FlowEffect }> = [];
    for (const [index, item] of out.entries()) {
      const event: RecordEvent = {
        kind: 'created',
        entity: model.entity.id,
        recordId: String(item.record.id),
        before: null,
        after: item.record,
      };
      if (!matchesRecordEvent(flow, event, ctx)) continue;
      const plan = planStep({
        flow,
        nodeId: flow.start,
        branch: '',
        scope: {
          record: item.record,
          previous: null,
          trigger: event,
          nodes: {},
          vars: {},
          run: { id: '', flow: flow.id },
        },
        now,
        timeZone: app.timeZone,
        state: null,
      });
      if (plan.kind === 'perform') planned.push({ index, effect: plan.effect });
    }
    if (planned.length === 0) continue;
    await carry?.turn();
    const patches = new Map<number, Record<string, unknown>>();
    const assigns = planned.filter((p) => p.effect.kind === 'assignOwner');
    if (assigns.length > 0) {
      const assigned = await assignNewRecords(
        trx,
        assigns.map((p) => ({
          ...(p.effect as Extract<FlowEffect, { kind: 'assignOwner' }>),
          record: out[p.index]!.record,
        })),
        { appKey: app.document.key, flowId: flow.id, nodeId: flow.start, model: app, now },
        stored,
        carry,
      );
      for (const [i, { index }] of assigns.entries()) {
        const { outcome, values } = assigned[i]!;
        out[index]!.outcomes[flow.id] = outcome;
        if (values) patches.set(index, values);
      }
    }
    await carry?.turn();
    const scores = planned.filter((p) => p.effect.kind === 'rescore');
    const ends = inlineOnly(flow);
    if (scores.length > 0) {
      const first = scores[0]!.effect as Extract<FlowEffect, { kind: 'rescore' }>;
      const spec = scoringSpec(model, first.model ? { ...first, model: first.model } : undefined);
      const scored = await scoreRecords(
        trx,
        app,
        model,
        scores.map((p) => out[p.index]!.record),
        spec,
        now,
        { recordEvents: false },
      );
      for (const [i, { index }] of scores.entries()) {
        const { total, grade, breakdown } = scored[i]!;
        // Nothing reads the breakdown of a flow that ends with this node (no run is started for it).
        out[index]!.outcomes[flow.id] = ends ? { total, grade } : { total, grade, breakdown };
        const values = scoreValues(spec, scored[i]!, out[index]!.record);
        if (Object.keys(values).length > 0) patches.set(index, values);
      }
    }
    for (const [index, values] of patches) {
      const item = out[index]!;
      // The record given is copied once, at its first patch; later flows' patches go into the copy.
      if (item.record === records[index]) item.record = { ...item.record };
      Object.assign(item.values, values);
      Object.assign(item.record, values);
    }
  }
  return out;
}

/**
 * What {@link runInlineNodes} set, checked and typed as an update's values are (the owner apart).
 */
export function checkInlineValues(
  app: AppModel,
  model: EntityModel,
  values: Readonly<Record<string, unknown>>,
  now: Date,
): RecordInput {
  const checked = validateRecordInput(model, values, { mode: 'update', timeZone: app.timeZone, now });
  if (!checked.ok) throw new DougongError('VALIDATION_FAILED', undefined, checked.issues);
  return checked.record;
}

/**
 * Writes what {@link runInlineNodes} set into rows already inserted in the creating transaction (no new
 * version, history or event: those are the creation's own), checked as an update's values are; returns
 * the rows as stored now (without sub-table rows).
 */
export async function writeInlineValues(
  trx: Db,
  app: AppModel,
  model: EntityModel,
  patches: ReadonlyArray<{ id: string; values: Record<string, unknown> }>,
  now: Date,
): Promise<Map<string, RecordJson>> {
  const table = sql.id(model.schemaName, model.tableName);
  const rows = patches.map(({ id, values }) => {
    const checked = checkInlineValues(app, model, values, now);
    const row = addByColumn(model, checked.values, { id });
    if (checked.owner?.ownerId !== undefined) row.owner_id = checked.owner.ownerId;
    if (checked.owner?.ownerDeptId !== undefined) row.owner_dept_id = checked.owner.ownerDeptId;
    return row;
  });
  // One statement per set of columns (the same node writes the same columns to every record).
  const groups = new Map<string, Array<Record<string, unknown>>>();
  for (const row of rows) {
    const key = Object.keys(row).sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const returned = sql.join(selectColumns(model).map((c) => sql.ref(`t.${c}`)));
  const stored = new Map<string, RecordJson>();
  for (const [key, group] of groups) {
    const columns = key.split(',').filter((c) => c !== 'id');
    if (columns.length === 0) continue;
    const sets = sql.join(columns.map((c) => sql`${sql.id(c)} = ${sql.ref(`x.${c}`)}`));
    const { rows: updated } = await sql<Record<string, unknown>>`update ${table} as t set ${sets}
      from jsonb_populate_recordset(cast(null as ${table}), cast(${JSON.stringify(group)} as jsonb)) as x
      where t.id = x.id returning ${returned}`.execute(trx);
    for (const row of updated) stored.set(String(row.id), rowToRecord(model, row, app.timeZone));
  }
  return stored;
}
