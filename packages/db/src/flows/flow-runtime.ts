import { randomBytes } from 'node:crypto';
import {
  durationMs,
  type FlowEffect,
  finishStep,
  LOCAL_EFFECTS,
  needsEscalation,
  planStep,
  type RunScope,
  retryAt,
  retryPolicy,
  type StepInput,
  type StepPlan,
  type StepState,
} from '@dougong/flows';
import { type AppModel, DougongError, type FlowNode, isDougongError } from '@dougong/schema';
import { sql } from 'kysely';
import type { AppStore } from '../metadata/app-store.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import {
  type EffectContext,
  type ExternalPerformers,
  escalateApprovals,
  performEffect,
  performLocal,
} from './effect-performer.js';
import {
  claimSteps,
  finishRun,
  insertNext,
  jsonParam as json,
  loadRun,
  lockForCompletion,
  openSteps,
  type RunRow,
  type StepRow,
} from './flow-store.js';
import { FlowTriggers } from './flow-triggers.js';
import { LinkSigner } from './link-tracker.js';
import type { SecretBox } from './secret-box.js';

/** Options of a {@link FlowRuntime}. */
export interface FlowRuntimeOptions {
  db: Db;
  store: AppStore;
  external: ExternalPerformers;
  /** The clock (tests move it; nothing sleeps). */
  now?: () => Date;
  secrets?: SecretBox;
  /** Signs tracked e-mail links (default: derived from `secrets`, relative links). */
  links?: LinkSigner;
  /** This worker's name in leases (default: random). */
  workerId?: string;
  /** How long a claimed step belongs to this worker (default 60 s). */
  leaseMs?: number;
  /** Steps claimed per round (default 20). */
  batchSize?: number;
  /** Steps executed at once (default 1; use more on PostgreSQL). */
  concurrency?: number;
  /**
   * Outbox events dispatched per round (default 100). Each round then runs due steps: a large backlog
   * of events (an import) starts its runs a round at a time instead of holding up every due step, such
   * as an approval's, until all of it is dispatched.
   */
  eventsPerTick?: number;
}

// Nodes that read the trigger record fresh from the database rather than the trigger's snapshot.
const FRESH: ReadonlySet<FlowNode['kind']> = new Set([
  'waitUntil',
  'approval',
  'assignOwner',
  'updateRecord',
  'recomputeScore',
]);

/**
 * The durable flow runtime: turns outbox events, schedules and timers into runs, and runs due steps.
 * Each step is claimed with a lease (`FOR UPDATE SKIP LOCKED`), planned by the pure planner, its effect
 * performed once per idempotency key, and completed in one transaction with its next steps. Any number
 * of runtimes (processes) may share one PostgreSQL database.
 *
 * @example
 * const runtime = new FlowRuntime({ db, store, external });
 * await runtime.runUntilIdle(); // tests: move the clock, then drain
 */
export class FlowRuntime {
  readonly db: Db;
  readonly store: AppStore;
  readonly triggers: FlowTriggers;
  readonly owner: string;
  /** Signs and verifies tracked e-mail links (undefined without a key). */
  readonly links: LinkSigner | undefined;
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly eventsPerTick: number;
  private readonly repos = new WeakMap<AppModel, RecordRepository>();

  constructor(private readonly options: FlowRuntimeOptions) {
    this.db = options.db;
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
    this.owner = options.workerId ?? `w-${randomBytes(6).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = options.batchSize ?? 20;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.eventsPerTick = Math.max(1, options.eventsPerTick ?? 100);
    this.triggers = new FlowTriggers(this.db, this.store, this.now);
    this.links =
      options.links ?? (options.secrets ? new LinkSigner(options.secrets.subkey('links')) : undefined);
  }

  /** One round: dispatch outbox events, fire due schedules and timers, run due steps. Returns work done. */
  async tick(): Promise<number> {
    const events = await this.triggers.dispatchEvents(this.eventsPerTick);
    const timers = await this.triggers.fireTimers();
    const steps = await this.runDueSteps();
    return events + timers + steps;
  }

  /** Ticks until nothing is due (tests: after moving the clock). */
  async runUntilIdle(maxRounds = 10_000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await this.tick()) === 0) return;
    throw new Error('Flows did not settle');
  }

  /** Claims and runs a batch of due steps; returns how many were claimed. */
  async runDueSteps(): Promise<number> {
    const steps = await claimSteps(this.db, this.owner, this.now(), this.leaseMs, this.batchSize);
    let next = 0;
    const lane = async () => {
      while (next < steps.length) await this.executeStep(steps[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, steps.length) }, lane));
    return steps.length;
  }

  repository(model: AppModel): RecordRepository {
    let repo = this.repos.get(model);
    if (!repo) {
      repo = new RecordRepository(this.db, model);
      this.repos.set(model, repo);
    }
    return repo;
  }

  private async executeStep(step: StepRow): Promise<void> {
    const run = await loadRun(this.db, step.run_id);
    if (!run) return;
    const now = this.now();
    let input: StepInput;
    let ctx: EffectContext;
    try {
      const { model } = await this.store.publishedModel(run.app_key);
      const node = run.definition.nodes.find((n) => n.id === step.node_id);
      let record = (run.trigger.record as Record<string, unknown> | null | undefined) ?? null;
      if (node && FRESH.has(node.kind) && run.record_id && run.entity_id)
        record = await this.freshRecord(model, run);
      let state: StepState | null = step.state;
      if (node?.kind === 'approval' && state?.opened)
        state = { ...state, approvals: await this.approvalsOf(step.id) };
      const scope: RunScope = {
        record,
        previous: (run.trigger.previous as Record<string, unknown> | null | undefined) ?? null,
        trigger: run.trigger,
        nodes: run.nodes,
        vars: run.vars,
        run: { id: run.id, flow: run.flow_id },
      };
      input = {
        flow: run.definition,
        nodeId: step.node_id,
        branch: step.branch,
        scope,
        now,
        timeZone: model.timeZone,
        state,
      };
      ctx = {
        db: this.db,
        appKey: run.app_key,
        flowId: run.flow_id,
        nodeId: step.node_id,
        model,
        runId: run.id,
        stepId: step.id,
        depth: Number(run.trigger.depth ?? 0),
        now,
        repo: this.repository(model),
        external: this.options.external,
        secrets: this.options.secrets,
        links: this.links,
        record: { entity: run.entity_id, id: run.record_id },
      };
    } catch (error) {
      await this.failAttempt(step, run, error);
      return;
    }
    // The start node ran inline when the record was created: the step finishes with what it produced.
    const inlined = (run.trigger.inline as Record<string, unknown> | undefined)?.[run.flow_id];
    let plan =
      inlined !== undefined && step.node_id === run.definition.start
        ? finishStep(input, inlined)
        : planStep(input);
    let local: FlowEffect | undefined;
    const key = (kind: string) => `${step.id}:${kind}`;
    try {
      if (plan.kind === 'perform') {
        if (LOCAL_EFFECTS.has(plan.effect.kind) && plan.effect.kind !== 'queryRecords') local = plan.effect;
        else plan = finishStep(input, await performEffect(plan.effect, key(plan.effect.kind), ctx));
      }
      await this.complete(step, run, input, ctx, plan, local);
    } catch (error) {
      await this.failAttempt(step, run, error);
    }
  }

  private async complete(
    step: StepRow,
    run: RunRow,
    input: StepInput,
    ctx: EffectContext,
    planned: StepPlan,
    local: FlowEffect | undefined,
  ): Promise<void> {
    const now = input.now;
    const at = now.toISOString();
    await this.db.transaction().execute(async (trx) => {
      const runStatus = await lockForCompletion(trx, step, this.owner);
      if (runStatus === undefined) return; // the lease ran out and another worker owns the step now
      if (runStatus !== 'running') {
        await sql`update dougong.flow_steps set status = 'cancelled', finished_at = ${at}, lease_owner = null where id = ${step.id}`.execute(
          trx,
        );
        return;
      }
      let plan = planned;
      if (local) {
        const result = await performLocal(trx, local, `${step.id}:${local.kind}`, ctx, {
          entity: run.entity_id,
          id: run.record_id,
        });
        plan = finishStep(input, result);
      }
      if (needsEscalation(plan, input.state)) await escalateApprovals(trx, step.id, run.id, now);
      switch (plan.kind) {
        case 'advance': {
          // lease_owner stays: it names the worker that executed the step.
          await sql`update dougong.flow_steps set status = 'done', output = ${json(plan.output)}, error = null, finished_at = ${at},
              lease_until = null where id = ${step.id}`.execute(trx);
          await sql`update dougong.flow_runs set nodes = nodes || jsonb_build_object(cast(${step.node_id} as text), ${json(plan.output)}),
              vars = vars || ${json(plan.vars ?? {})}, path = path || ${json([step.node_id])}, updated_at = ${at} where id = ${run.id}`.execute(
            trx,
          );
          for (const next of plan.next) await insertNext(trx, run.id, next, now);
          for (const prefix of plan.cancelBranches ?? []) {
            await sql`update dougong.flow_steps set status = 'cancelled', finished_at = ${at}, lease_owner = null
              where run_id = ${run.id} and status in ('pending', 'waiting', 'joining', 'running') and left(branch, ${prefix.length}) = ${prefix}`.execute(
              trx,
            );
          }
          if (plan.endRun) await finishRun(trx, run.id, 'succeeded', now);
          else if ((await openSteps(trx, run.id, step.id)) === 0)
            await finishRun(trx, run.id, 'succeeded', now);
          return;
        }
        case 'wait':
          await sql`update dougong.flow_steps set status = 'waiting', due_at = ${plan.until?.toISOString() ?? null}, state = ${json(plan.state)},
              lease_owner = null, lease_until = null where id = ${step.id}`.execute(trx);
          await sql`update dougong.flow_runs set updated_at = ${at} where id = ${run.id}`.execute(trx);
          return;
        case 'fail':
          await this.failStep(trx, step, run, plan.error, now);
          return;
        case 'perform':
          throw new Error(`${step.node_id}: a second effect in one step`);
      }
    });
  }

  private async failAttempt(step: StepRow, run: RunRow, error: unknown): Promise<void> {
    const now = this.now();
    const message = (error as Error)?.message ?? String(error);
    const permanent =
      isDougongError(error) && error.status < 500 && error.status !== 409 && error.status !== 429;
    await this.db.transaction().execute(async (trx) => {
      const runStatus = await lockForCompletion(trx, step, this.owner);
      if (runStatus === undefined) return;
      const again = permanent ? null : retryAt(retryPolicy(run.definition), step.attempts, now);
      if (again && runStatus === 'running') {
        await sql`update dougong.flow_steps set status = 'pending', due_at = ${again.toISOString()}, error = ${message},
            lease_owner = null, lease_until = null where id = ${step.id}`.execute(trx);
        return;
      }
      await this.failStep(trx, step, run, message, now);
    });
  }

  private async failStep(trx: Db, step: StepRow, run: RunRow, message: string, now: Date): Promise<void> {
    const at = now.toISOString();
    await sql`update dougong.flow_steps set status = 'failed', error = ${message}, finished_at = ${at}, lease_owner = null, lease_until = null
      where id = ${step.id}`.execute(trx);
    await finishRun(trx, run.id, 'failed', now, `${step.node_id}: ${message}`);
    // An in-app alert for everyone who maintains metadata.
    await sql`insert into dougong.flow_inbox (user_id, app_key, run_id, title, body, kind, created_at)
      select id, ${run.app_key}, ${run.id}, ${`Flow "${run.definition.key}" failed`}, ${`${step.node_id}: ${message}`.slice(0, 2000)}, 'alert', ${at}
      from dougong.users where 'editMetadata' = any(rights) and status = 'active'`.execute(trx);
  }

  private async freshRecord(model: AppModel, run: RunRow): Promise<Record<string, unknown> | null> {
    const entity = model.entitiesById.get(run.entity_id!);
    if (!entity) return null;
    try {
      return await this.repository(model).get(entity, run.record_id!);
    } catch (error) {
      if (isDougongError(error) && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private async approvalsOf(stepId: string) {
    const { rows } = await sql<{
      approver: string;
      status: string;
    }>`select approver, status from dougong.flow_approvals where step_id = ${stepId} order by created_at, id`.execute(
      this.db,
    );
    return rows.map((r) => ({ approver: String(r.approver), status: r.status as 'pending' }));
  }

  /**
   * Records an approver's decision and wakes the approval step. 404 unless the task is the user's and
   * still pending.
   */
  async decideApproval(
    taskId: string,
    userId: string,
    decision: 'approved' | 'rejected' | 'returned',
    comment?: string,
  ): Promise<void> {
    const at = this.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        step_id: string;
      }>`update dougong.flow_approvals set status = ${decision}, comment = ${comment ?? null}, decided_at = ${at}
        where id = ${taskId} and approver = ${userId} and status = 'pending' returning step_id`.execute(trx);
      if (!rows[0]) throw new DougongError('NOT_FOUND', 'No pending approval of yours with that id.');
      await sql`update dougong.flow_steps set due_at = ${at} where id = ${rows[0].step_id} and status = 'waiting'`.execute(
        trx,
      );
    });
  }

  /** Brings a failed run back: its failed (and stopped) steps are due again with fresh attempts. */
  async retryRun(runId: string): Promise<void> {
    const at = this.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        status: string;
      }>`select status from dougong.flow_runs where id = ${runId} for update`.execute(trx);
      if (!rows[0]) throw new DougongError('NOT_FOUND', 'No such run.');
      if (rows[0].status !== 'failed') throw new DougongError('CONFLICT', 'Only failed runs can be retried.');
      await sql`update dougong.flow_steps set status = 'pending', attempts = 0, due_at = ${at}, error = null, finished_at = null
        where run_id = ${runId} and (status = 'failed' or (status = 'cancelled' and error = 'stopped: another step failed'))`.execute(
        trx,
      );
      await sql`update dougong.flow_runs set status = 'running', error = null, finished_at = null, updated_at = ${at} where id = ${runId}`.execute(
        trx,
      );
    });
  }

  /** Cancels a running or failed run. */
  async cancelRun(runId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        status: string;
      }>`select status from dougong.flow_runs where id = ${runId} for update`.execute(trx);
      if (!rows[0]) throw new DougongError('NOT_FOUND', 'No such run.');
      if (rows[0].status !== 'running' && rows[0].status !== 'failed')
        throw new DougongError('CONFLICT', 'Only running or failed runs can be cancelled.');
      await finishRun(trx, runId, 'cancelled', this.now());
    });
  }

  /**
   * Nothing stays "running" forever: reports runs with nothing left to do (and fails them), steps whose
   * lease ran out long ago, and enabled record flows without a run for `silentHours`.
   */
  async watchdog(options: { staleLeaseMs?: number } = {}): Promise<WatchdogReport> {
    const now = this.now();
    const at = now.toISOString();
    const stale = new Date(now.getTime() - (options.staleLeaseMs ?? 10 * 60_000)).toISOString();
    const { rows: orphans } = await sql<{
      id: string;
    }>`select r.id from dougong.flow_runs r where r.status = 'running'
      and not exists (select 1 from dougong.flow_steps s where s.run_id = r.id and s.status in ('pending', 'running', 'waiting'))`.execute(
      this.db,
    );
    for (const { id } of orphans) {
      await this.db.transaction().execute(async (trx) => {
        await sql`select id from dougong.flow_runs where id = ${id} for update`.execute(trx);
        if ((await openSteps(trx, String(id), '00000000-0000-0000-0000-000000000000')) === 0)
          await finishRun(trx, String(id), 'failed', now, 'watchdog: the run had nothing left to do');
      });
    }
    const { rows: leases } = await sql<{
      n: number;
    }>`select count(*)::int as n from dougong.flow_steps where status = 'running' and lease_until < ${stale}`.execute(
      this.db,
    );
    const { rows: waiting } = await sql<{
      n: number;
    }>`select count(*)::int as n from dougong.flow_steps where status = 'pending' and due_at < ${stale}`.execute(
      this.db,
    );
    return {
      checkedAt: at,
      orphanedRuns: orphans.map((o) => String(o.id)),
      expiredLeases: Number(leases[0]?.n ?? 0),
      overdueSteps: Number(waiting[0]?.n ?? 0),
      silentFlows: await this.silentFlows(now),
    };
  }

  /**
   * Enabled flows with `expectedEvery` whose last run started longer ago than that. Each silence raises
   * one in-app alert per maintainer: the alert's key names the last run's time, so later watchdog
   * rounds add nothing until the flow fires again and falls silent again. A flow that never fired is
   * not reported (it has not stopped).
   */
  private async silentFlows(now: Date): Promise<SilentFlow[]> {
    const silent: SilentFlow[] = [];
    for (const [appKey, version] of await this.store.publishedVersions()) {
      if (version === 0) continue;
      const { model } = await this.store.publishedModel(appKey);
      for (const flow of model.document.flows ?? []) {
        const every = flow.expectedEvery ? durationMs(flow.expectedEvery) : undefined;
        if (flow.enabled === false || !every) continue;
        const { rows } = await sql<{
          last: Date | string | null;
        }>`select max(created_at) as last from dougong.flow_runs where app_key = ${appKey} and flow_id = ${flow.id}`.execute(
          this.db,
        );
        const raw = rows[0]?.last;
        if (!raw) continue;
        const last = new Date(raw);
        if (now.getTime() - last.getTime() <= every) continue;
        const lastFiredAt = last.toISOString();
        silent.push({ appKey, flowId: flow.id, lastFiredAt });
        const key = `silent:${appKey}:${flow.id}:${lastFiredAt}:`;
        await sql`insert into dougong.flow_inbox (user_id, app_key, title, body, kind, effect_key, created_at)
          select id, ${appKey}, ${`Flow "${flow.key}" stopped firing`},
            ${`No run since ${lastFiredAt} (expected every ${flow.expectedEvery}).`}, 'alert', ${key} || id::text, ${now.toISOString()}
          from dougong.users where 'editMetadata' = any(rights) and status = 'active'
          on conflict (effect_key) do nothing`.execute(this.db);
      }
    }
    return silent;
  }
}

/** An enabled flow whose trigger has not fired for longer than its `expectedEvery`. */
export interface SilentFlow {
  appKey: string;
  flowId: string;
  lastFiredAt: string;
}

/** What {@link FlowRuntime.watchdog} found. */
export interface WatchdogReport {
  checkedAt: string;
  /** Runs marked running with no step left; failed by the watchdog. */
  orphanedRuns: string[];
  /** Steps whose worker died long ago (the next claim retries them). */
  expiredLeases: number;
  /** Steps due long ago and not yet claimed: no worker is running. */
  overdueSteps: number;
  /** Flows silent for longer than their `expectedEvery` (each raised one alert). */
  silentFlows: SilentFlow[];
}
