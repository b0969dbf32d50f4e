import { listensTo } from '@dougong/flows';
import type { AppModel, EntityModel } from '@dougong/schema';
import { sql } from 'kysely';
import type { Db } from '../records/record-reader.js';
import type { Actor } from '../records/record-writer.js';
import { logFieldChanges } from '../workflow/field-change-log.js';
import { recordBehaviourEvent } from '../workflow/record-event-store.js';

/** Set on the actor of a write made by a flow step: its idempotency key and the causing run. */
export interface FlowCause {
  /** Recorded in the write's own transaction: a second write with the same key fails and rolls back. */
  readonly effectKey: string;
  readonly runId: string;
  /** How many flow runs led to this write (flows triggering flows stop at {@link MAX_CAUSE_DEPTH}). */
  readonly depth: number;
}

/** Flows started by flow writes nest at most this deep. */
export const MAX_CAUSE_DEPTH = 8;

/** The kinds of record events written to the outbox. */
export type RecordEventKind = 'created' | 'updated' | 'deleted' | 'restored';

/**
 * Writes a record event to the flow outbox inside the write's transaction, so the event commits exactly
 * when the write does (nothing when no flow of the app listens to the entity). For writes made by a
 * flow step (`actor.flowCause`), records the step's idempotency key in the same transaction. In the same
 * transaction, appends the changes of tracked fields to the field-change log, and stores a creation
 * through a public form as the record's `formSubmitted` behaviour event. `inline`: what the inline start
 * nodes of flows produced for a new record (flow id → output), carried to their runs.
 * @example await emitRecordEvent(trx, app, model, 'created', id, null, stored, actor);
 */
export async function emitRecordEvent(
  trx: Db,
  app: AppModel,
  model: EntityModel,
  kind: RecordEventKind,
  recordId: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  actor: Actor,
  inline?: Readonly<Record<string, unknown>>,
): Promise<void> {
  const cause = (actor as { flowCause?: FlowCause }).flowCause;
  if (cause) {
    await sql`insert into dougong.flow_effects (key, result) values (${cause.effectKey}, cast(${JSON.stringify(after ?? { id: recordId })} as jsonb))`.execute(
      trx,
    );
  }
  const now = actor.now ?? new Date();
  if (kind === 'created' || kind === 'updated')
    await logFieldChanges(trx, app, model, recordId, before, after, actor.userId, now);
  // Only a creation counts as a form submission (later edits through the form's rules do not).
  const form = kind === 'created' ? actor.form : undefined;
  if (form)
    await recordBehaviourEvent(
      trx,
      app,
      { entityId: model.entity.id, recordId, type: 'formSubmitted', at: now, data: { form } },
      after,
    );
  if (!hasListeners(app, model, form)) return;
  const payload = {
    kind,
    entity: model.entity.id,
    recordId,
    before,
    after,
    ...(form ? { form } : {}),
    ...(cause ? { cause: { runId: cause.runId, depth: cause.depth } } : {}),
    ...(inline && Object.keys(inline).length > 0 ? { inline } : {}),
  };
  await sql`insert into dougong.flow_events (app_key, kind, entity_id, record_id, payload)
    values (${app.document.key}, ${kind}, ${model.entity.id}, ${recordId}, cast(${JSON.stringify(payload)} as json))`.execute(
    trx,
  );
}

/** True when an enabled flow listens to the entity's record events (through `form`, when given). */
export function hasListeners(app: AppModel, model: EntityModel, form?: string): boolean {
  return (app.document.flows ?? []).some((f) => f.enabled !== false && listensTo(f, model.entity.id, form));
}
