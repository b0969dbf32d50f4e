import { DougongError, UUID_PATTERN } from '@dougong/schema';
import { sql } from 'kysely';
import type { Db } from '../records/record-reader.js';
import { parseJsonColumn as parse } from './flow-store.js';

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** A run as the visibility API shows it. */
export interface RunSummary {
  id: string;
  appKey: string;
  flowId: string;
  appVersion: number;
  status: string;
  triggerKey: string;
  entityId: string | null;
  recordId: string | null;
  path: string[];
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** One step with its input, output, error, attempts and timing. */
export interface StepDetail {
  id: string;
  nodeId: string;
  branch: string;
  status: string;
  attempts: number;
  /** The worker that executed (or holds) the step. */
  worker: string | null;
  dueAt: string | null;
  state: unknown;
  output: unknown;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

function toRun(r: Record<string, unknown>): RunSummary {
  return {
    id: String(r.id),
    appKey: String(r.app_key),
    flowId: String(r.flow_id),
    appVersion: Number(r.app_version),
    status: String(r.status),
    triggerKey: String(r.trigger_key),
    entityId: (r.entity_id as string | null) ?? null,
    recordId: r.record_id === null ? null : String(r.record_id),
    path: parse<string[]>(r.path),
    error: (r.error as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    finishedAt: iso(r.finished_at),
  };
}

const RUN_COLUMNS = sql`id, app_key, flow_id, app_version, status, trigger_key, entity_id, record_id, path, error, created_at, updated_at, finished_at`;

/** Runs of an app, newest first, filtered by flow, record and status. */
export async function listRuns(
  db: Db,
  appKey: string,
  filter: { flowId?: string; recordId?: string; status?: string; limit?: number } = {},
): Promise<RunSummary[]> {
  if (filter.recordId !== undefined && !UUID_PATTERN.test(filter.recordId)) return [];
  const where = [sql`app_key = ${appKey}`];
  if (filter.flowId) where.push(sql`flow_id = ${filter.flowId}`);
  if (filter.recordId) where.push(sql`record_id = ${filter.recordId}`);
  if (filter.status) where.push(sql`status = ${filter.status}`);
  const { rows } = await sql<
    Record<string, unknown>
  >`select ${RUN_COLUMNS} from dougong.flow_runs where ${sql.join(where, sql` and `)}
    order by created_at desc, id limit ${Math.min(filter.limit ?? 50, 500)}`.execute(db);
  return rows.map(toRun);
}

/** One run with its trigger, node outputs, variables and every step. */
export async function runDetail(
  db: Db,
  appKey: string,
  runId: string,
): Promise<RunSummary & { trigger: unknown; nodes: unknown; vars: unknown; steps: StepDetail[] }> {
  if (!UUID_PATTERN.test(runId)) throw new DougongError('NOT_FOUND', 'No such run.');
  const { rows } = await sql<
    Record<string, unknown>
  >`select ${RUN_COLUMNS}, trigger, nodes, vars from dougong.flow_runs
    where id = ${runId} and app_key = ${appKey}`.execute(db);
  if (!rows[0]) throw new DougongError('NOT_FOUND', 'No such run.');
  const { rows: steps } = await sql<
    Record<string, unknown>
  >`select id, node_id, branch, status, attempts, lease_owner, due_at, state, output, error, created_at, started_at, finished_at
    from dougong.flow_steps where run_id = ${runId} order by seq`.execute(db);
  return {
    ...toRun(rows[0]),
    trigger: parse(rows[0].trigger),
    nodes: parse(rows[0].nodes),
    vars: parse(rows[0].vars),
    steps: steps.map((s) => ({
      id: String(s.id),
      nodeId: String(s.node_id),
      branch: String(s.branch),
      status: String(s.status),
      attempts: Number(s.attempts),
      worker: (s.lease_owner as string | null) ?? null,
      dueAt: iso(s.due_at),
      state: parse(s.state),
      output: parse(s.output),
      error: (s.error as string | null) ?? null,
      createdAt: iso(s.created_at)!,
      startedAt: iso(s.started_at),
      finishedAt: iso(s.finished_at),
    })),
  };
}

/** A user's in-app inbox (notifications and alerts), newest first. */
export async function inboxOf(db: Db, userId: string, limit = 50): Promise<Array<Record<string, unknown>>> {
  const { rows } = await sql<
    Record<string, unknown>
  >`select id, app_key, run_id, title, body, kind, created_at, read_at from dougong.flow_inbox
    where user_id = ${userId} order by id desc limit ${limit}`.execute(db);
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    created_at: iso(r.created_at),
    read_at: iso(r.read_at),
  }));
}

/** A user's pending approvals. */
export async function approvalsOf(db: Db, userId: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await sql<
    Record<string, unknown>
  >`select a.id, a.run_id, a.step_id, a.status, a.created_at, r.app_key, r.flow_id, r.record_id
    from dougong.flow_approvals a join dougong.flow_runs r on r.id = a.run_id where a.approver = ${userId} and a.status = 'pending' order by a.created_at`.execute(
    db,
  );
  return rows.map((r) => ({ ...r, id: String(r.id), created_at: iso(r.created_at) }));
}
