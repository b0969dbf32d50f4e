import type { FlowEffect, FlowEffectKind } from '@dougong/flows';
import { type AppModel, DougongError, type EntityModel, isDougongError } from '@dougong/schema';
import { sql } from 'kysely';
import { IdentityStore } from '../identity/identity-store.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import { scoreRecords, scoreValues, scoringSpec } from '../workflow/record-scoring.js';
import { performAssignment } from './assignment-performer.js';
import type { LinkSigner } from './link-tracker.js';
import { emailsOf, managersOf } from './recipients.js';
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
    recordWrite(key, ctx, (cause) =>
      updateFresh(ctx, entityOf(ctx, effect.entity), effect.id, effect.values, cause),
    ),
  queryRecords: async (effect, _key, ctx) => {
    const page = await ctx.repo.list(entityOf(ctx, effect.entity), {
      filter: effect.filter,
      ...(effect.sort ? { sort: effect.sort } : {}),
      limit: effect.limit,
      now: ctx.now,
    });
    return { items: page.items, total: page.total };
  },
  assignOwner: (effect, key, ctx) =>
    recordWrite(key, ctx, (cause) =>
      performAssignment(ctx.db, effect, {
        appKey: ctx.appKey,
        flowId: ctx.flowId,
        nodeId: ctx.nodeId,
        model: ctx.model,
        now: ctx.now,
        cause,
      }),
    ),
  updateRecords: async (effect, key, ctx) => {
    const model = entityOf(ctx, effect.entity);
    const items = await listAll(ctx, model, effect.filter, effect.sort, effect.limit);
    // Each record is its own write with its own idempotency key: a retry skips those already done.
    for (const item of items)
      await recordWrite(`${key}:${item.id}`, ctx, (cause) =>
        updateFresh(ctx, model, item.id, effect.values, cause, Number(item.version)),
      );
    return { updated: items.length, ids: items.map((i) => i.id) };
  },
  rescore: async (effect, key, ctx) => {
    const model = entityOf(ctx, effect.entity);
    const spec = scoringSpec(model, effect.model ? { ...effect, model: effect.model } : undefined);
    const records =
      effect.id !== null
        ? [await ctx.repo.get(model, effect.id)]
        : await listAll(ctx, model, effect.filter, undefined, effect.limit);
    const scores = await scoreRecords(ctx.db, ctx.model, model, records, spec, ctx.now, {
      recordEvents: effect.recordEvents,
      extra: effect.events,
    });
    let changed = 0;
    for (const [i, record] of records.entries()) {
      const values = scoreValues(spec, scores[i]!, record);
      if (Object.keys(values).length === 0) continue;
      changed++;
      await recordWrite(effect.id !== null ? key : `${key}:${record.id}`, ctx, (cause) =>
        updateFresh(ctx, model, record.id, values, cause, Number(record.version)),
      );
    }
    if (effect.id !== null) {
      const { total, grade, breakdown } = scores[0]!;
      return { total, grade, breakdown };
    }
    return { scored: records.length, changed };
  },
  sendEmail: (effect, key, ctx) =>
    once(ctx.db, key, async () => {
      const { trackLinks, trackOpens, toUsers, managersOf: of, managerLevels, ...mail } = effect;
      const tracked = {
        app: ctx.appKey,
        run: ctx.runId,
        entity: ctx.record?.entity ?? null,
        record: ctx.record?.id ?? null,
      };
      let html = trackLinks && ctx.links ? ctx.links.rewrite(mail.html, tracked) : mail.html;
      if (trackOpens && ctx.links && tracked.record) html = ctx.links.addPixel(html, tracked);
      const managers = of ? await managersOf(ctx.db, of, managerLevels ?? 1) : [];
      const to = [...new Set([...mail.to, ...(await emailsOf(ctx.db, [...(toUsers ?? []), ...managers]))])];
      if (to.length === 0) throw new DougongError('VALIDATION_FAILED', 'sendEmail: no recipient address.');
      return ctx.external.sendEmail({ ...mail, to, html }, key);
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

/**
 * A system write of some fields of a record: other steps may write the same record at the same time
 * (on PostgreSQL several steps run at once), so a version conflict re-reads the version and writes
 * again, a few times, instead of failing the step into a retry with backoff.
 */
async function updateFresh(
  ctx: EffectContext,
  model: EntityModel,
  id: string,
  values: Record<string, unknown>,
  cause: FlowCause,
  version?: number,
) {
  for (let attempt = 0; ; attempt++) {
    const expected =
      attempt === 0 && version !== undefined ? version : Number((await ctx.repo.get(model, id)).version);
    try {
      return await ctx.repo.update(model, id, values, actor(ctx, cause), expected);
    } catch (error) {
      if (!isDougongError(error) || error.code !== 'VERSION_CONFLICT' || attempt >= 5) throw error;
    }
  }
}

/** Up to `limit` records matching a filter, read page by page (the list API serves 500 at most). */
async function listAll(
  ctx: EffectContext,
  model: EntityModel,
  filter: unknown,
  sort: string | undefined,
  limit: number,
) {
  const items: Awaited<ReturnType<RecordRepository['list']>>['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.repo.list(model, {
      ...(filter !== undefined ? { filter } : {}),
      ...(sort ? { sort } : {}),
      ...(cursor ? { cursor } : {}),
      limit: Math.min(500, limit - items.length),
      now: ctx.now,
    });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < limit);
  return items;
}

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
    case 'inbox': {
      const managers = effect.managersOf
        ? await managersOf(trx, effect.managersOf, effect.managerLevels ?? 1)
        : [];
      const users = [...new Set([...effect.users, ...managers])];
      for (const user of users) {
        await sql`insert into dougong.flow_inbox (user_id, app_key, run_id, title, body, effect_key, created_at)
          values (${user}, ${ctx.appKey}, ${ctx.runId}, ${effect.title}, ${effect.text}, ${`${key}:${user}`}, ${at})
          on conflict (effect_key) do nothing`.execute(trx);
      }
      return { users };
    }
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

export { RecordRepository };
