import type { NextStep, StepState } from '@dougong/flows';
import type { Flow } from '@dougong/schema';
import { sql } from 'kysely';
import type { Db } from '../records/record-reader.js';

/** A run row as the runtime reads it. */
export interface RunRow {
  id: string;
  app_key: string;
  flow_id: string;
  app_version: number;
  definition: Flow;
  trigger: Record<string, unknown>;
  entity_id: string | null;
  record_id: string | null;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  nodes: Record<string, unknown>;
  vars: Record<string, unknown>;
  path: string[];
  error: string | null;
}

/** A step row as the runtime reads it. */
export interface StepRow {
  id: string;
  run_id: string;
  node_id: string;
  branch: string;
  status: string;
  attempts: number;
  state: StepState | null;
  lease_owner: string | null;
}

const json = (value: unknown) => sql`cast(${JSON.stringify(value ?? null)} as jsonb)`;
const parse = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** What starts a run. `triggerKey` makes starting idempotent per flow. */
export interface RunStart {
  appKey: string;
  appVersion: number;
  flow: Flow;
  triggerKey: string;
  trigger: Record<string, unknown>;
  entityId?: string | null;
  recordId?: string | null;
}

/**
 * Inserts a run and its first step, unless a run with the same trigger key exists. Returns the run id
 * and whether it was created now.
 */
export async function insertRun(
  trx: Db,
  start: RunStart,
  now: Date,
): Promise<{ id: string; created: boolean }> {
  const at = now.toISOString();
  // `oncePerRecord`: the record is the trigger key, so the run's unique key admits one run per record.
  const triggerKey = start.flow.oncePerRecord && start.recordId ? `once:${start.recordId}` : start.triggerKey;
  const { rows } = await sql<{ id: string }>`insert into dougong.flow_runs
      (app_key, flow_id, app_version, definition, trigger_key, trigger, entity_id, record_id, status, created_at, updated_at)
    values (${start.appKey}, ${start.flow.id}, ${start.appVersion}, ${json(start.flow)}, ${triggerKey}, ${json(start.trigger)},
      ${start.entityId ?? null}, ${start.recordId ?? null}, 'running', ${at}, ${at})
    on conflict (app_key, flow_id, trigger_key) do nothing returning id`.execute(trx);
  if (rows[0]) {
    await sql`insert into dougong.flow_steps (run_id, node_id, branch, status, due_at, created_at)
      values (${rows[0].id}, ${start.flow.start}, '', 'pending', ${at}, ${at})`.execute(trx);
    return { id: String(rows[0].id), created: true };
  }
  const { rows: existing } = await sql<{ id: string }>`select id from dougong.flow_runs
    where app_key = ${start.appKey} and flow_id = ${start.flow.id} and trigger_key = ${triggerKey}`.execute(
    trx,
  );
  return { id: String(existing[0]!.id), created: false };
}

/** Claims up to `limit` due steps (or steps whose worker's lease ran out) for `owner`. */
export async function claimSteps(
  db: Db,
  owner: string,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<StepRow[]> {
  const at = now.toISOString();
  const { rows } = await sql<StepRow>`update dougong.flow_steps s
      set status = 'running',
          attempts = s.attempts + case when s.status = 'waiting' then 0 else 1 end,
          lease_owner = ${owner},
          lease_until = ${new Date(now.getTime() + leaseMs).toISOString()},
          started_at = coalesce(s.started_at, ${at})
    where s.id in (
      select id from dougong.flow_steps
      where (status in ('pending', 'waiting') and due_at <= ${at}) or (status = 'running' and lease_until < ${at})
      order by due_at nulls last
      limit ${limit}
      for update skip locked)
    returning s.id, s.run_id, s.node_id, s.branch, s.status, s.attempts, s.state, s.lease_owner`.execute(db);
  return rows.map((r) => ({
    ...r,
    id: String(r.id),
    run_id: String(r.run_id),
    state: parse<StepState | null>(r.state),
  }));
}

/** A run by id. */
export async function loadRun(db: Db, id: string): Promise<RunRow | undefined> {
  const { rows } =
    await sql<RunRow>`select id, app_key, flow_id, app_version, definition, trigger, entity_id, record_id, status, nodes, vars, path, error
    from dougong.flow_runs where id = ${id}`.execute(db);
  const r = rows[0];
  if (!r) return undefined;
  return {
    ...r,
    id: String(r.id),
    record_id: r.record_id === null ? null : String(r.record_id),
    definition: parse(r.definition),
    trigger: parse(r.trigger),
    nodes: parse(r.nodes),
    vars: parse(r.vars),
    path: parse(r.path),
  };
}

/** Locks the run, then checks the step is still this worker's. False when the lease was lost. */
export async function lockForCompletion(trx: Db, step: StepRow, owner: string): Promise<string | undefined> {
  const { rows: run } = await sql<{
    status: string;
  }>`select status from dougong.flow_runs where id = ${step.run_id} for update`.execute(trx);
  const { rows } = await sql<{
    status: string;
    lease_owner: string | null;
    attempts: number;
  }>`select status, lease_owner, attempts from dougong.flow_steps where id = ${step.id} for update`.execute(
    trx,
  );
  const row = rows[0];
  if (row?.status !== 'running' || row.lease_owner !== owner || row.attempts !== step.attempts)
    return undefined;
  return run[0]?.status;
}

/** Creates the next steps; a branch reaching a join counts as an arrival (the join runs when complete). */
export async function insertNext(trx: Db, runId: string, next: NextStep, now: Date): Promise<void> {
  const at = now.toISOString();
  const due = (next.dueAt ?? now).toISOString();
  if (!next.arrival) {
    await sql`insert into dougong.flow_steps (run_id, node_id, branch, status, due_at, created_at)
      values (${runId}, ${next.node}, ${next.branch}, 'pending', ${due}, ${at})
      on conflict (run_id, node_id, branch) do nothing`.execute(trx);
    return;
  }
  const { from, expected, mode } = next.arrival;
  const { rows } = await sql<{
    status: string;
    state: unknown;
  }>`insert into dougong.flow_steps (run_id, node_id, branch, status, state, created_at)
      values (${runId}, ${next.node}, ${next.branch}, 'joining', ${json({ arrived: [from], expected, mode })}, ${at})
      on conflict (run_id, node_id, branch) do update
        set state = jsonb_set(dougong.flow_steps.state, '{arrived}', (dougong.flow_steps.state -> 'arrived') || ${json([from])})
      returning status, state`.execute(trx);
  const row = rows[0]!;
  const state = parse<{ arrived: string[] }>(row.state);
  if (row.status === 'joining' && (mode === 'any' || new Set(state.arrived).size >= expected)) {
    await sql`update dougong.flow_steps set status = 'pending', due_at = ${due}
      where run_id = ${runId} and node_id = ${next.node} and branch = ${next.branch}`.execute(trx);
  }
}

/** Non-terminal steps of a run other than `exceptId`. */
export async function openSteps(trx: Db, runId: string, exceptId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.flow_steps
    where run_id = ${runId} and id <> ${exceptId} and status in ('pending', 'running', 'waiting')`.execute(
    trx,
  );
  return Number(rows[0]?.n ?? 0);
}

/** The error of steps cancelled because another step of their run failed. */
export const STOPPED_BY_FAILURE = 'stopped: another step failed';

/** Finishes a run (and cancels what is left of it). */
export async function finishRun(
  trx: Db,
  runId: string,
  status: 'succeeded' | 'failed' | 'cancelled',
  now: Date,
  error: string | null = null,
): Promise<void> {
  const at = now.toISOString();
  // Steps stopped by a failure are marked so that retrying the run brings them back.
  await sql`update dougong.flow_steps set status = 'cancelled', finished_at = ${at}, lease_owner = null, lease_until = null,
      error = ${status === 'failed' ? STOPPED_BY_FAILURE : null}
    where run_id = ${runId} and status in ('pending', 'waiting', 'joining', 'running')`.execute(trx);
  await sql`update dougong.flow_runs set status = ${status}, error = ${error}, finished_at = ${at}, updated_at = ${at} where id = ${runId}`.execute(
    trx,
  );
}

export { json as jsonParam, parse as parseJsonColumn };
