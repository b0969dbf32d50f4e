import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  dateTriggerDue,
  dateTriggerHolds,
  type LinkClickEvent,
  matchesLinkClick,
  matchesRecordEvent,
  matchesStoredEvent,
  nextCronRun,
  type RecordEvent,
  type StoredEvent,
} from '@dougong/flows';
import { type AppModel, DougongError, type Flow } from '@dougong/schema';
import { sql } from 'kysely';
import type { AppStore } from '../metadata/app-store.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import { completeRecord } from '../records/row-mapping.js';
import { insertRun, jsonParam as json, parseJsonColumn } from './flow-store.js';
import { inlineOnly } from './inline-nodes.js';
import { MAX_CAUSE_DEPTH } from './record-events.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Turns what happens into runs: outbox events (record triggers, date timers), cron schedules, date
 * timers falling due, webhooks and manual starts. Every start is idempotent by a trigger key unique per
 * flow, so a replayed event, a re-delivered webhook or a second worker never starts a second run.
 */
export class FlowTriggers {
  private readonly synced = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly store: AppStore,
    private readonly now: () => Date,
  ) {}

  /** Dispatches a batch of outbox events; returns how many. */
  async dispatchEvents(limit = 500): Promise<number> {
    const { rows: apps } = await sql<{
      app_key: string;
    }>`select distinct app_key from (select app_key from dougong.flow_events
      where dispatched_at is null order by id limit ${limit}) e`.execute(this.db);
    if (apps.length === 0) return 0;
    const models = new Map<string, { version: number; model: AppModel } | undefined>();
    for (const { app_key } of apps)
      models.set(app_key, await this.store.publishedModel(app_key).catch(() => undefined));
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        id: string;
        app_key: string;
        payload: unknown;
      }>`select id, app_key, payload from dougong.flow_events
        where dispatched_at is null order by id limit ${limit} for update skip locked`.execute(trx);
      const handled: string[] = [];
      for (const row of rows) {
        const app = models.get(row.app_key);
        // Another worker took the events this one looked at; leave these for the next round.
        if (!models.has(row.app_key)) continue;
        handled.push(String(row.id));
        if (!app) continue;
        const stored = parseJsonColumn<RecordEvent & { cause?: { depth: number }; sparse?: boolean }>(
          row.payload,
        );
        // A bulk create's event holds the new record without its empty fields.
        const sparseOf =
          stored.sparse && stored.after ? app.model.entitiesById.get(stored.entity) : undefined;
        const payload = sparseOf ? { ...stored, after: completeRecord(sparseOf, stored.after!) } : stored;
        const depth = payload.cause?.depth ?? 0;
        if ((payload.kind as string) === 'linkClicked') {
          await this.startClickRuns(trx, row, app, payload as unknown as LinkClickEvent, now);
          continue;
        }
        if ((payload.kind as string) === 'recordEvent') {
          await this.startStoredEventRuns(trx, row, app, payload as unknown as StoredEvent, now);
          continue;
        }
        for (const flow of app.model.document.flows ?? []) {
          if (flow.enabled === false) continue;
          const t = flow.trigger;
          if (t.kind === 'dateRelative' && t.entity === payload.entity) {
            await this.planDateTimer(trx, app.model, flow, payload, now);
          } else if (
            // An inline start node ran when the record was created, where the trigger's condition held
            // (the record it sees now already carries the node's values): the run goes on from there,
            // and a flow that is all that node is done.
            inlineOf(payload, flow) !== undefined
              ? !inlineOnly(flow)
              : depth < MAX_CAUSE_DEPTH &&
                matchesRecordEvent(flow, payload, { now, timeZone: app.model.timeZone })
          ) {
            const inline = inlineOf(payload, flow);
            await this.startEventRun(trx, row, app, flow, now, {
              kind: payload.kind,
              entity: payload.entity,
              recordId: payload.recordId,
              record: payload.after ?? payload.before,
              previous: payload.before,
              ...(payload.form ? { form: payload.form } : {}),
              ...(inline !== undefined ? { inline: { [flow.id]: inline } } : {}),
              depth: depth + 1,
            });
          }
        }
      }
      if (handled.length > 0) {
        const ids = `{${handled.join(',')}}`;
        await sql`update dougong.flow_events set dispatched_at = ${now.toISOString()} where id = any(cast(${ids} as bigint[]))`.execute(
          trx,
        );
      }
      return handled.length;
    });
  }

  // A click on a tracked link: one run per listening flow, keyed by the outbox event.
  private async startClickRuns(
    trx: Db,
    row: { id: string; app_key: string },
    app: { version: number; model: AppModel },
    click: LinkClickEvent & { after?: Record<string, unknown> | null },
    now: Date,
  ): Promise<void> {
    for (const flow of app.model.document.flows ?? []) {
      if (!matchesLinkClick(flow, click)) continue;
      await this.startEventRun(trx, row, app, flow, now, {
        kind: 'linkClicked',
        entity: click.entity,
        recordId: click.recordId,
        record: click.after ?? null,
        label: click.label,
        url: click.url,
        sentBy: click.runId,
        depth: 0,
      });
    }
  }

  // A stored behaviour event of a record: one run per flow with a matching `recordEvent` trigger.
  private async startStoredEventRuns(
    trx: Db,
    row: { id: string; app_key: string },
    app: { version: number; model: AppModel },
    event: StoredEvent & { after?: Record<string, unknown> | null },
    now: Date,
  ): Promise<void> {
    for (const flow of app.model.document.flows ?? []) {
      if (!matchesStoredEvent(flow, event)) continue;
      await this.startEventRun(trx, row, app, flow, now, {
        kind: 'recordEvent',
        entity: event.entity,
        recordId: event.recordId,
        record: event.after ?? null,
        eventType: event.type,
        at: event.at,
        data: event.data,
        depth: 0,
      });
    }
  }

  // A run of `flow` started by the outbox event `row` (one per flow and event), on the trigger's record.
  private async startEventRun(
    trx: Db,
    row: { id: string; app_key: string },
    app: { version: number; model: AppModel },
    flow: Flow,
    now: Date,
    trigger: { kind: string; entity: string | null; recordId: string | null } & Record<string, unknown>,
  ): Promise<void> {
    await insertRun(
      trx,
      {
        appKey: row.app_key,
        appVersion: app.version,
        flow,
        triggerKey: `event:${row.id}`,
        trigger,
        entityId: trigger.entity,
        recordId: trigger.recordId,
      },
      now,
    );
  }

  private async planDateTimer(
    trx: Db,
    model: AppModel,
    flow: Flow,
    event: RecordEvent,
    now: Date,
  ): Promise<void> {
    const t = flow.trigger;
    if (t.kind !== 'dateRelative') return;
    const due =
      event.after && event.kind !== 'deleted' ? dateTriggerDue(t, event.after, model.timeZone) : null;
    if (!due) {
      await sql`delete from dougong.flow_date_timers where app_key = ${model.document.key} and flow_id = ${flow.id} and record_id = ${event.recordId}`.execute(
        trx,
      );
      return;
    }
    void now;
    await sql`insert into dougong.flow_date_timers (app_key, flow_id, record_id, due_at) values (${model.document.key}, ${flow.id}, ${event.recordId}, ${due.toISOString()})
      on conflict (app_key, flow_id, record_id) do update set due_at = excluded.due_at`.execute(trx);
  }

  /** Keeps the schedule rows in step with the published flows (only when a version changed). */
  async syncSchedules(): Promise<void> {
    const versions = await this.store.publishedVersions();
    for (const [key, version] of versions) {
      if (version === 0 || this.synced.get(key) === version) continue;
      this.store.invalidate(key);
      const { model } = await this.store.publishedModel(key);
      const now = this.now();
      const scheduled = (model.document.flows ?? []).filter(
        (f) => f.enabled !== false && f.trigger.kind === 'scheduled',
      );
      await this.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{
          flow_id: string;
          cron: string;
        }>`select flow_id, cron from dougong.flow_schedules where app_key = ${key} for update`.execute(trx);
        const existing = new Map(rows.map((r) => [r.flow_id, r.cron]));
        for (const flow of scheduled) {
          const cron = (flow.trigger as { cron: string }).cron;
          if (existing.get(flow.id) === cron) continue;
          const next = nextCronRun(cron, now, model.timeZone);
          await sql`insert into dougong.flow_schedules (app_key, flow_id, cron, next_at) values (${key}, ${flow.id}, ${cron}, ${next?.toISOString() ?? null})
            on conflict (app_key, flow_id) do update set cron = excluded.cron, next_at = excluded.next_at`.execute(
            trx,
          );
        }
        const keep = scheduled.map((f) => f.id);
        await sql`delete from dougong.flow_schedules where app_key = ${key} and not (flow_id = any(cast(${`{${keep.join(',')}}`} as text[])))`.execute(
          trx,
        );
      });
      this.synced.set(key, version);
    }
  }

  /**
   * Fires due cron schedules and date timers. A schedule that fell due several times during downtime
   * fires once (its next time is computed from now); a date timer re-reads its record and re-checks the
   * trigger's condition before starting a run.
   */
  async fireTimers(limit = 100): Promise<number> {
    await this.syncSchedules();
    const now = this.now();
    const at = now.toISOString();
    let fired = 0;
    const { rows: dueApps } = await sql<{ app_key: string }>`select distinct app_key from (
        select app_key from dougong.flow_schedules where next_at <= ${at}
        union all select app_key from dougong.flow_date_timers where due_at <= ${at}) d`.execute(this.db);
    if (dueApps.length === 0) return 0;
    const models = new Map<string, { version: number; model: AppModel }>();
    for (const { app_key } of dueApps) models.set(app_key, await this.store.publishedModel(app_key));
    fired += await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        app_key: string;
        flow_id: string;
        cron: string;
        next_at: Date;
      }>`select app_key, flow_id, cron, next_at from dougong.flow_schedules
        where next_at <= ${at} order by next_at limit ${limit} for update skip locked`.execute(trx);
      for (const row of rows) {
        const app = models.get(row.app_key);
        const flow = app?.model.document.flows?.find((f) => f.id === row.flow_id);
        const scheduledFor = new Date(row.next_at).toISOString();
        if (app && flow && flow.enabled !== false) {
          await insertRun(
            trx,
            {
              appKey: row.app_key,
              appVersion: app.version,
              flow,
              triggerKey: `cron:${scheduledFor}`,
              trigger: { kind: 'scheduled', scheduledFor, firedAt: at },
            },
            now,
          );
        }
        const next = nextCronRun(row.cron, now, app?.model.timeZone ?? 'Asia/Shanghai');
        await sql`update dougong.flow_schedules set next_at = ${next?.toISOString() ?? null}, last_fired_at = ${at}
          where app_key = ${row.app_key} and flow_id = ${row.flow_id}`.execute(trx);
      }
      return rows.length;
    });
    fired += await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        app_key: string;
        flow_id: string;
        record_id: string;
        due_at: Date;
      }>`select app_key, flow_id, record_id, due_at from dougong.flow_date_timers
        where due_at <= ${at} order by due_at limit ${limit} for update skip locked`.execute(trx);
      for (const row of rows) {
        const app = models.get(row.app_key);
        const flow = app?.model.document.flows?.find((f) => f.id === row.flow_id);
        const where = sql`app_key = ${row.app_key} and flow_id = ${row.flow_id} and record_id = ${row.record_id}`;
        if (!app || !flow || flow.trigger.kind !== 'dateRelative' || flow.enabled === false) {
          await sql`delete from dougong.flow_date_timers where ${where}`.execute(trx);
          continue;
        }
        const entity = app.model.entitiesById.get(flow.trigger.entity);
        const record = entity
          ? await new RecordRepository(trx, app.model).get(entity, String(row.record_id)).catch(() => null)
          : null;
        const due = record ? dateTriggerDue(flow.trigger, record, app.model.timeZone) : null;
        if (due && due > now) {
          await sql`update dougong.flow_date_timers set due_at = ${due.toISOString()} where ${where}`.execute(
            trx,
          );
          continue;
        }
        await sql`delete from dougong.flow_date_timers where ${where}`.execute(trx);
        if (!record || !due || !dateTriggerHolds(flow.trigger, record, { now, timeZone: app.model.timeZone }))
          continue;
        await insertRun(
          trx,
          {
            appKey: row.app_key,
            appVersion: app.version,
            flow,
            triggerKey: `date:${row.record_id}:${due.toISOString()}`,
            trigger: {
              kind: 'dateRelative',
              entity: flow.trigger.entity,
              recordId: String(row.record_id),
              record,
              dueAt: due.toISOString(),
              depth: 0,
            },
            entityId: flow.trigger.entity,
            recordId: String(row.record_id),
          },
          now,
        );
      }
      return rows.length;
    });
    return fired;
  }

  /**
   * Starts a run by hand or from a webhook. The same `triggerKey` (an idempotency key) returns the run
   * it started the first time.
   */
  async startRun(
    appKey: string,
    flowKey: string,
    triggerKey: string,
    trigger: Record<string, unknown>,
    options: { kinds: ReadonlyArray<Flow['trigger']['kind']>; recordId?: string } = { kinds: ['manual'] },
  ): Promise<{ runId: string; created: boolean }> {
    const { version, model } = await this.store.publishedModel(appKey);
    const flow = model.document.flows?.find((f) => f.key === flowKey || f.id === flowKey);
    if (!flow || !options.kinds.includes(flow.trigger.kind))
      throw new DougongError('NOT_FOUND', 'No such flow.');
    if (flow.enabled === false) throw new DougongError('CONFLICT', 'The flow is disabled.');
    let record: Record<string, unknown> | null = null;
    const entityId = 'entity' in flow.trigger ? (flow.trigger.entity ?? null) : null;
    if (options.recordId) {
      const entity = entityId ? model.entitiesById.get(entityId) : undefined;
      if (!entity) throw new DougongError('VALIDATION_FAILED', 'This flow does not take a record.');
      record = await new RecordRepository(this.db, model).get(entity, options.recordId);
    }
    const now = this.now();
    const started = await this.db.transaction().execute((trx) =>
      insertRun(
        trx,
        {
          appKey,
          appVersion: version,
          flow,
          triggerKey,
          trigger: {
            ...trigger,
            ...(record ? { record, recordId: options.recordId, entity: entityId } : {}),
            depth: 0,
          },
          entityId: record ? entityId : null,
          recordId: record ? (options.recordId ?? null) : null,
        },
        now,
      ),
    );
    return { runId: started.id, created: started.created };
  }

  /** Creates (or replaces) a flow's webhook; returns its id and secret — the secret is not shown again. */
  async createWebhook(appKey: string, flowKey: string): Promise<{ hookId: string; secret: string }> {
    const { model } = await this.store.publishedModel(appKey);
    const flow = model.document.flows?.find((f) => f.key === flowKey || f.id === flowKey);
    if (flow?.trigger.kind !== 'webhook') throw new DougongError('NOT_FOUND', 'No such webhook flow.');
    const hookId = randomBytes(16).toString('base64url');
    const secret = `whs_${randomBytes(24).toString('base64url')}`;
    await sql`insert into dougong.flow_webhooks (app_key, flow_id, hook_id, secret_hash) values (${appKey}, ${flow.id}, ${hookId}, ${sha256(secret)})
      on conflict (app_key, flow_id) do update set hook_id = excluded.hook_id, secret_hash = excluded.secret_hash, created_at = now()`.execute(
      this.db,
    );
    return { hookId, secret };
  }

  /** The app and flow of a webhook when the secret matches; undefined otherwise (timing-safe). */
  async resolveWebhook(
    hookId: string,
    secret: string,
  ): Promise<{ appKey: string; flowId: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{10,64}$/.test(hookId)) return undefined;
    const { rows } = await sql<{
      app_key: string;
      flow_id: string;
      secret_hash: string;
    }>`select app_key, flow_id, secret_hash from dougong.flow_webhooks where hook_id = ${hookId}`.execute(
      this.db,
    );
    const row = rows[0];
    const given = Buffer.from(sha256(secret));
    const expected = Buffer.from(row?.secret_hash ?? sha256(`${secret}x`));
    if (!row || !timingSafeEqual(given, expected)) return undefined;
    return { appKey: row.app_key, flowId: row.flow_id };
  }
}

export { json };

/** The output of the flow's inline start node that a record event carries, if any. */
function inlineOf(payload: unknown, flow: Flow): unknown {
  return (payload as { inline?: Record<string, unknown> }).inline?.[flow.id];
}
