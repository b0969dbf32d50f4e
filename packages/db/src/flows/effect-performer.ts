import type { FlowEffect, FlowEffectKind } from '@dougong/flows';
import { type AssignmentRuleSet, type AssignmentState, assignOwner } from '@dougong/rules';
import { type AppModel, DougongError, type EntityModel } from '@dougong/schema';
import { sql } from 'kysely';
import { IdentityStore } from '../identity/identity-store.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import type { LinkSigner } from './link-tracker.js';
import type { FlowCause } from './record-events.js';
import type { SecretBox } from './secret-box.js';

/**
 * The effects that leave the database: e-mail, HTTP and chat robots. The server supplies them (SMTP via
 * nodemailer, an SSRF-guarded HTTP client); every call carries the step's idempotency key.
 */
export interface ExternalPerformers {
  sendEmail(mail: { to: readonly string[]; subject: string; html: string }, key: string): Promise<unknown>;
  httpRequest(
    request: {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: unknown;
      timeoutMs: number;
    },
    key: string,
  ): Promise<{ status: number; body: unknown }>;
  robot(
    request: { channel: 'dingtalk' | 'wecom'; url: string; message: unknown },
    key: string,
  ): Promise<unknown>;
}

/** Where an effect runs: the app, its model, the run and the clock. */
export interface EffectContext {
  db: Db;
  appKey: string;
  flowId: string;
  nodeId: string;
  model: AppModel;
  runId: string;
  stepId: string;
  depth: number;
  now: Date;
  repo: RecordRepository;
  external: ExternalPerformers;
  secrets: SecretBox | undefined;
  /** Signs tracked e-mail links; without it links are sent as they are. */
  links?: LinkSigner | undefined;
  /** The run's trigger record, named by tracked links. */
  record?: { entity: string | null; id: string | null };
}

type Performer<K extends FlowEffectKind> = (
  effect: Extract<FlowEffect, { kind: K }>,
  key: string,
  ctx: EffectContext,
) => Promise<unknown>;

/** The stored result of an effect already performed under `key`, if any. */
export async function effectResult(db: Db, key: string): Promise<{ result: unknown } | undefined> {
  const { rows } = await sql<{
    result: unknown;
  }>`select result from dougong.flow_effects where key = ${key}`.execute(db);
  if (!rows[0]) return undefined;
  const r = rows[0].result;
  return { result: typeof r === 'string' ? JSON.parse(r) : r };
}

async function remember(db: Db, key: string, result: unknown): Promise<void> {
  await sql`insert into dougong.flow_effects (key, result) values (${key}, cast(${JSON.stringify(result ?? null)} as jsonb))
    on conflict (key) do nothing`.execute(db);
}

/** Runs `perform` unless `key` was performed before; remembers its result. */
async function once(db: Db, key: string, perform: () => Promise<unknown>): Promise<unknown> {
  const done = await effectResult(db, key);
  if (done) return done.result;
  const result = await perform();
  await remember(db, key, result);
  return result;
}

const isEffectKeyClash = (error: unknown) => {
  const e = error as { code?: string; constraint?: string; message?: string };
  return (
    e?.code === '23505' && (e.constraint === 'flow_effects_pkey' || /flow_effects_pkey/.test(e.message ?? ''))
  );
};

/** A record write keyed by the step: the key is stored in the write's transaction, so it happens once. */
async function recordWrite(
  key: string,
  ctx: EffectContext,
  write: (cause: FlowCause) => Promise<unknown>,
): Promise<unknown> {
  const done = await effectResult(ctx.db, key);
  if (done) return done.result;
  try {
    return await write({ effectKey: key, runId: ctx.runId, depth: ctx.depth });
  } catch (error) {
    if (!isEffectKeyClash(error)) throw error;
    return (await effectResult(ctx.db, key))?.result;
  }
}

function entityOf(ctx: EffectContext, id: string): EntityModel {
  const model = ctx.model.entitiesById.get(id);
  if (!model) throw new DougongError('NOT_FOUND', `No entity "${id}".`);
  return model;
}

const actor = (ctx: EffectContext, cause: FlowCause) => ({ userId: null, now: ctx.now, flowCause: cause });

async function secretHeaders(
  headers: Record<string, unknown>,
  ctx: EffectContext,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name] = value;
    else {
      if (!ctx.secrets) throw new DougongError('VALIDATION_FAILED', 'Flow secrets are not configured.');
      out[name] = await ctx.secrets.get(ctx.db, ctx.appKey, (value as { secret: string }).secret);
    }
  }
  return out;
}

/**
 * Performers of the effects that run outside the step's completion transaction. `inbox`, `createTask`
 * and `openApproval` are written inside it instead (see {@link performLocal}).
 */
const PERFORMERS: { [K in FlowEffectKind]: Performer<K> } = {
  createRecord: (effect, key, ctx) =>
    recordWrite(key, ctx, (cause) =>
      ctx.repo.create(entityOf(ctx, effect.entity), effect.values, actor(ctx, cause)),
    ),
  updateRecord: (effect, key, ctx) =>
    recordWrite(key, ctx, async (cause) => {
      const model = entityOf(ctx, effect.entity);
      const current = await ctx.repo.get(model, effect.id);
      return ctx.repo.update(model, effect.id, effect.values, actor(ctx, cause), Number(current.version));
    }),
  queryRecords: async (effect, _key, ctx) => {
    const page = await ctx.repo.list(entityOf(ctx, effect.entity), {
      filter: effect.filter,
      ...(effect.sort ? { sort: effect.sort } : {}),
      limit: effect.limit,
    });
    return { items: page.items, total: page.total };
  },
  assignOwner: (effect, key, ctx) =>
    recordWrite(key, ctx, async (cause) => {
      const model = entityOf(ctx, effect.entity);
      const state = await assignmentState(ctx, effect.teams, model, targetUsers(effect.rules));
      const result = assignOwner(effect.rules as AssignmentRuleSet, effect.record, state, {
        ctx: { now: ctx.now, timeZone: ctx.model.timeZone },
      });
      if (result.owner) {
        const current = await ctx.repo.get(model, effect.id);
        await ctx.repo.update(
          model,
          effect.id,
          { ownerId: result.owner },
          actor(ctx, cause),
          Number(current.version),
        );
        await saveAssignmentState(ctx, state, result.changes);
      } else {
        await remember(ctx.db, key, { owner: null, ruleId: null, explanation: result.explanation });
      }
      return { owner: result.owner, ruleId: result.ruleId, explanation: result.explanation };
    }),
  sendEmail: (effect, key, ctx) =>
    once(ctx.db, key, () => {
      const { trackLinks, ...mail } = effect;
      const html =
        trackLinks && ctx.links
          ? ctx.links.rewrite(mail.html, {
              app: ctx.appKey,
              run: ctx.runId,
              entity: ctx.record?.entity ?? null,
              record: ctx.record?.id ?? null,
            })
          : mail.html;
      return ctx.external.sendEmail({ ...mail, html }, key);
    }),
  httpRequest: (effect, key, ctx) =>
    once(ctx.db, key, async () =>
      ctx.external.httpRequest(
        {
          method: effect.method,
          url: effect.url,
          headers: await secretHeaders(effect.headers, ctx),
          body: effect.body,
          timeoutMs: effect.timeoutMs,
        },
        key,
      ),
    ),
  robot: (effect, key, ctx) =>
    once(ctx.db, key, async () => {
      if (!ctx.secrets) throw new DougongError('VALIDATION_FAILED', 'Flow secrets are not configured.');
      const url = await ctx.secrets.get(ctx.db, ctx.appKey, effect.webhookSecret);
      return ctx.external.robot({ channel: effect.channel, url, message: effect.message }, key);
    }),
  inbox: async () => {
    throw new Error('inbox is written in the completion transaction');
  },
  createTask: async () => {
    throw new Error('createTask is written in the completion transaction');
  },
  openApproval: async () => {
    throw new Error('openApproval is written in the completion transaction');
  },
};

/** Performs an outside effect once per key. */
export function performEffect(effect: FlowEffect, key: string, ctx: EffectContext): Promise<unknown> {
  return (PERFORMERS[effect.kind] as Performer<FlowEffectKind>)(effect, key, ctx);
}

/** Effects written in the step's completion transaction: they commit with the step, so exactly once. */
export async function performLocal(
  trx: Db,
  effect: FlowEffect,
  key: string,
  ctx: EffectContext,
  recordRef: { entity: string | null; id: string | null },
): Promise<unknown> {
  const at = ctx.now.toISOString();
  switch (effect.kind) {
    case 'inbox':
      for (const user of effect.users) {
        await sql`insert into dougong.flow_inbox (user_id, app_key, run_id, title, body, effect_key, created_at)
          values (${user}, ${ctx.appKey}, ${ctx.runId}, ${effect.title}, ${effect.text}, ${`${key}:${user}`}, ${at})
          on conflict (effect_key) do nothing`.execute(trx);
      }
      return { users: effect.users };
    case 'createTask': {
      await sql`insert into dougong.flow_tasks (app_key, run_id, title, assignee, entity_id, record_id, due_at, remind_at, effect_key, created_at)
        values (${ctx.appKey}, ${ctx.runId}, ${effect.title}, ${effect.assignee}, ${recordRef.entity}, ${recordRef.id}, ${effect.dueAt}, ${effect.remindAt}, ${key}, ${at})
        on conflict (effect_key) do nothing`.execute(trx);
      const { rows } = await sql<{
        id: string;
      }>`select id from dougong.flow_tasks where effect_key = ${key}`.execute(trx);
      return { taskId: String(rows[0]!.id), assignee: effect.assignee, dueAt: effect.dueAt };
    }
    case 'openApproval': {
      const approvers = await resolveApprovers(trx, effect, ctx.appKey);
      if (approvers.length === 0)
        throw new DougongError('VALIDATION_FAILED', 'The approval has no approver.');
      for (const approver of approvers) {
        await sql`insert into dougong.flow_approvals (run_id, step_id, approver, status, created_at)
          values (${ctx.runId}, ${ctx.stepId}, ${approver}, 'pending', ${at})`.execute(trx);
      }
      return { approvers, dueAt: effect.dueAt };
    }
    default:
      throw new Error(`${effect.kind} is not a local effect`);
  }
}

async function resolveApprovers(
  trx: Db,
  effect: Extract<FlowEffect, { kind: 'openApproval' }>,
  appKey: string,
): Promise<string[]> {
  const a = effect.approvers;
  const identity = new IdentityStore(trx);
  switch (a.kind) {
    case 'user':
      return [...new Set(a.users)];
    case 'role': {
      const { rows } = await sql<{
        user_id: string;
      }>`select ur.user_id from dougong.user_roles ur join dougong.users u on u.id = ur.user_id
        where ur.app_key = ${appKey} and ur.role_key = ${a.role} and u.status = 'active' order by ur.user_id`.execute(
        trx,
      );
      return rows.map((r) => String(r.user_id));
    }
    case 'departmentHead': {
      if (!effect.submitter) return [];
      const { rows } = await sql<{
        head: string | null;
      }>`select d.head_user_id as head from dougong.user_departments ud
        join dougong.departments d on d.id = ud.department_id where ud.user_id = ${effect.submitter} and ud.is_primary`.execute(
        trx,
      );
      return rows[0]?.head ? [String(rows[0].head)] : [];
    }
    case 'manager': {
      let current: string | null = effect.submitter;
      for (let i = 0; i < a.levels && current; i++) current = await identity.managerOf(current);
      return current && current !== effect.submitter ? [current] : [];
    }
  }
}

/** Hands each pending approval of a step to the approver's manager (kept when there is none). */
export async function escalateApprovals(trx: Db, stepId: string, runId: string, now: Date): Promise<number> {
  const identity = new IdentityStore(trx);
  const { rows } = await sql<{
    id: string;
    approver: string;
  }>`select id, approver from dougong.flow_approvals where step_id = ${stepId} and status = 'pending'`.execute(
    trx,
  );
  let moved = 0;
  for (const task of rows) {
    const manager = await identity.managerOf(String(task.approver));
    if (!manager) continue;
    await sql`update dougong.flow_approvals set status = 'escalated', decided_at = ${now.toISOString()} where id = ${task.id}`.execute(
      trx,
    );
    await sql`insert into dougong.flow_approvals (run_id, step_id, approver, status, escalated_from, created_at)
      values (${runId}, ${stepId}, ${manager}, 'pending', ${task.approver}, ${now.toISOString()})`.execute(
      trx,
    );
    moved++;
  }
  return moved;
}

/** Users named directly by rule or fallback targets (they are candidates too). */
function targetUsers(rules: unknown): string[] {
  const set = rules as AssignmentRuleSet | undefined;
  const targets = [
    ...(set?.rules ?? []).map((r) => r.target),
    ...(set?.fallback ? [set.fallback.target] : []),
  ];
  return targets.flatMap((t) => ('user' in t ? [t.user] : []));
}

async function assignmentState(
  ctx: EffectContext,
  teams: Readonly<Record<string, readonly string[]>>,
  model: EntityModel,
  direct: readonly string[],
): Promise<AssignmentState> {
  const members = [...new Set([...Object.values(teams).flat(), ...direct])];
  const users: Record<string, { name: { 'zh-CN': string; en: string }; active: boolean; openCount: number }> =
    {};
  if (members.length > 0) {
    const list = `{${members.join(',')}}`;
    const { rows } = await sql<{
      id: string;
      name: string;
      status: string;
    }>`select id, name, status from dougong.users where id = any(cast(${list} as uuid[]))`.execute(ctx.db);
    const { rows: counts } = await sql<{
      owner_id: string;
      n: number;
    }>`select owner_id, count(*)::int as n from ${sql.id(model.schemaName, model.tableName)}
      where deleted_at is null and owner_id = any(cast(${list} as uuid[])) group by owner_id`.execute(ctx.db);
    const open = new Map(counts.map((c) => [String(c.owner_id), Number(c.n)]));
    for (const r of rows)
      users[String(r.id)] = {
        name: { 'zh-CN': r.name, en: r.name },
        active: r.status === 'active',
        openCount: open.get(String(r.id)) ?? 0,
      };
  }
  const { rows: saved } = await sql<{ state: unknown }>`select state from dougong.flow_assignment_state
    where app_key = ${ctx.appKey} and flow_id = ${ctx.flowId} and node_id = ${ctx.nodeId}`.execute(ctx.db);
  const raw = saved[0]?.state;
  const stored = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as Pick<
    AssignmentState,
    'cursors' | 'weighted'
  >;
  return {
    teams: Object.fromEntries(
      Object.entries(teams).map(([id, m]) => [id, { name: { 'zh-CN': id, en: id }, members: m }]),
    ),
    users,
    cursors: stored.cursors ?? {},
    weighted: stored.weighted ?? {},
  };
}

async function saveAssignmentState(
  ctx: EffectContext,
  state: AssignmentState,
  changes: ReturnType<typeof assignOwner>['changes'],
): Promise<void> {
  const cursors = { ...(state.cursors ?? {}) };
  const weighted = { ...(state.weighted ?? {}) };
  for (const change of changes) {
    if (change.kind === 'cursor') cursors[change.team] = change.next;
    else if (change.kind === 'weights') weighted[change.key] = change.current;
  }
  await sql`insert into dougong.flow_assignment_state (app_key, flow_id, node_id, state)
    values (${ctx.appKey}, ${ctx.flowId}, ${ctx.nodeId}, cast(${JSON.stringify({ cursors, weighted })} as jsonb))
    on conflict (app_key, flow_id, node_id) do update set state = excluded.state`.execute(ctx.db);
}

export { RecordRepository };
