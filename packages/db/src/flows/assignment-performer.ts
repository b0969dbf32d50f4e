import type { FlowEffect } from '@dougong/flows';
import {
  type AssignmentRuleSet,
  type AssignmentState,
  type AssignmentTarget,
  assignOwner,
  type FieldLabel,
  type LocalizedText,
} from '@dougong/rules';
import { type AppModel, DougongError, type EntityModel, labelFor } from '@dougong/schema';
import { sql } from 'kysely';
import { compileFilter } from '../records/filter-sql.js';
import { RECORD_ALIAS } from '../records/record-gate.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import type { FlowCause } from './record-events.js';

/** Targets as metadata writes them; the rule engine sees teams and users only. */
type MetadataTarget =
  | AssignmentTarget
  | { readonly role: string }
  | { readonly department: string }
  | {
      readonly lookup: {
        readonly entity: string;
        /** Field key of the looked-up entity → field key of the assigned record; all must be equal. */
        readonly match: Readonly<Record<string, string>>;
        /** A user or department field of the looked-up record. */
        readonly field: string;
      };
    };

interface Team {
  name: LocalizedText;
  members: string[];
}

/** What the assignment needs from its step. */
export interface AssignmentContext {
  appKey: string;
  flowId: string;
  nodeId: string;
  model: AppModel;
  now: Date;
  cause: FlowCause;
}

type AssignEffect = Extract<FlowEffect, { kind: 'assignOwner' }>;

const text = (value: string): LocalizedText => ({ 'zh-CN': value, en: value });
const both = (label: { 'zh-CN'?: string; en?: string } | undefined, fallback: string): LocalizedText => ({
  'zh-CN': labelFor(label, 'zh-CN') || fallback,
  en: labelFor(label, 'en') || fallback,
});

/**
 * Assigns a record's owner in one transaction: the node's targets are resolved (teams, users, app roles,
 * departments, looked-up records), the node's cursor row is locked (concurrent assignments of the same
 * node queue up), open-record counts are read in SQL, the rule engine picks the owner, and the owner,
 * the owner's primary department, the explanation and the node's extra values are written through the
 * record repository with the step's idempotency key, together with the new cursor positions.
 */
export async function performAssignment(
  db: Db,
  effect: AssignEffect,
  ctx: AssignmentContext,
): Promise<{ owner: string | null; ruleId: string | null; explanation: LocalizedText }> {
  const model = ctx.model.entitiesById.get(effect.entity);
  if (!model) throw new DougongError('NOT_FOUND', `No entity "${effect.entity}".`);
  const scope = `${ctx.flowId}/${ctx.nodeId}`;
  return db.transaction().execute(async (trx) => {
    // One lock per node: least-loaded counts and cursors are read and moved by one assignment at a time.
    await sql`insert into dougong.assignment_cursors (app_key, scope, target) values (${ctx.appKey}, ${scope}, '*')
      on conflict do nothing`.execute(trx);
    await sql`select position from dougong.assignment_cursors
      where app_key = ${ctx.appKey} and scope = ${scope} and target = '*' for update`.execute(trx);
    const repo = new RecordRepository(trx, ctx.model);
    // Lock the record first: its version then stays current until this transaction writes the owner.
    await sql`select id from ${sql.id(model.schemaName, model.tableName)} where id = ${effect.id} for update`.execute(
      trx,
    );
    const record = await repo.get(model, effect.id);
    const teams = new Map<string, Team>(
      Object.entries(effect.teams).map(([id, members]) => [id, { name: text(id), members: [...members] }]),
    );
    const resolve = async (target: MetadataTarget): Promise<AssignmentTarget> =>
      resolveTarget(trx, ctx, target, record, teams);
    const set = (effect.rules ?? {}) as {
      rules?: Array<AssignmentRuleSet['rules'][number] & { target: MetadataTarget }>;
      fallback?: NonNullable<AssignmentRuleSet['fallback']> & { target: MetadataTarget };
    };
    const rules: AssignmentRuleSet = {
      rules: await Promise.all(
        (set.rules ?? []).map(async (rule) => ({ ...rule, target: await resolve(rule.target) })),
      ),
      ...(set.fallback ? { fallback: { ...set.fallback, target: await resolve(set.fallback.target) } } : {}),
    };
    const state = await loadState(trx, ctx, model, teams, rules, effect.openFilter, scope);
    const result = assignOwner(rules, effect.record, state, {
      ctx: { now: ctx.now, timeZone: ctx.model.timeZone },
      labels: fieldLabels(model),
    });
    const out = { owner: result.owner, ruleId: result.ruleId, explanation: result.explanation };
    if (!result.owner) {
      await sql`insert into dougong.flow_effects (key, result) values (${ctx.cause.effectKey}, cast(${JSON.stringify(out)} as jsonb))`.execute(
        trx,
      );
      return out;
    }
    const { rows } = await sql<{ department_id: string }>`select department_id from dougong.user_departments
      where user_id = ${result.owner} and is_primary`.execute(trx);
    const values: Record<string, unknown> = {
      ...(effect.values ?? {}),
      ownerId: result.owner,
      ownerDeptId: rows[0] ? String(rows[0].department_id) : null,
    };
    if (effect.explanationField) values[effect.explanationField] = result.explanation['zh-CN'];
    // The step's idempotency key is stored by the write itself (see emitRecordEvent).
    const actor = { userId: null, now: ctx.now, flowCause: ctx.cause };
    await repo.update(model, effect.id, values, actor, Number(record.version));
    for (const change of result.changes) {
      if (change.kind === 'cursor')
        await sql`insert into dougong.assignment_cursors (app_key, scope, target, position)
          values (${ctx.appKey}, ${scope}, ${change.team}, ${change.next})
          on conflict (app_key, scope, target) do update set position = excluded.position`.execute(trx);
    }
    const weighted = result.changes.filter((c) => c.kind === 'weights');
    if (weighted.length > 0) {
      const next = { ...(state.weighted ?? {}) };
      for (const change of weighted) if (change.kind === 'weights') next[change.key] = change.current;
      await sql`insert into dougong.flow_assignment_state (app_key, flow_id, node_id, state)
        values (${ctx.appKey}, ${ctx.flowId}, ${ctx.nodeId}, cast(${JSON.stringify({ weighted: next })} as jsonb))
        on conflict (app_key, flow_id, node_id) do update set state = excluded.state`.execute(trx);
    }
    return out;
  });
}

async function resolveTarget(
  trx: Db,
  ctx: AssignmentContext,
  target: MetadataTarget,
  record: Record<string, unknown>,
  teams: Map<string, Team>,
): Promise<AssignmentTarget> {
  if ('team' in target || 'user' in target) return target;
  if ('role' in target) {
    const key = `role:${target.role}`;
    const role = ctx.model.document.roles?.find((r) => r.key === target.role);
    const { rows } = await sql<{
      id: string;
    }>`select u.id from dougong.user_roles ur join dougong.users u on u.id = ur.user_id
      where ur.app_key = ${ctx.appKey} and ur.role_key = ${target.role} order by u.login`.execute(trx);
    teams.set(key, { name: both(role?.label, target.role), members: rows.map((r) => String(r.id)) });
    return { team: key };
  }
  if ('department' in target) return departmentTeam(trx, target.department, teams);
  const { entity: entityId, match, field } = target.lookup;
  const other = ctx.model.entitiesById.get(entityId);
  const column = other?.columnsByKey.get(field);
  if (!other || !column) throw new DougongError('VALIDATION_FAILED', `Bad lookup target on ${entityId}.`);
  const conditions = Object.entries(match).map(([theirs, ours]) => {
    const info = other.columnsByKey.get(theirs);
    if (!info) throw new DougongError('VALIDATION_FAILED', `No field "${theirs}" on ${entityId}.`);
    const value = record[ours];
    return value === null || value === undefined
      ? sql`false`
      : sql`${sql.ref(`${RECORD_ALIAS}.${info.column}`)}::text = ${String(value)}`;
  });
  const { rows } = await sql<{
    value: string | null;
  }>`select ${sql.ref(`${RECORD_ALIAS}.${column.column}`)}::text as value
    from ${sql.id(other.schemaName, other.tableName)} as ${sql.id(RECORD_ALIAS)}
    where ${sql.ref(`${RECORD_ALIAS}.deleted_at`)} is null and ${sql.join(conditions, sql` and `)}
    order by ${sql.ref(`${RECORD_ALIAS}.created_at`)}, ${sql.ref(`${RECORD_ALIAS}.id`)} limit 1`.execute(trx);
  const found = rows[0]?.value ?? null;
  if (!found) {
    teams.set(`lookup:${entityId}:none`, { name: both(other.entity.label, entityId), members: [] });
    return { team: `lookup:${entityId}:none` };
  }
  return column.field?.type === 'department' ? departmentTeam(trx, found, teams) : { user: found };
}

async function departmentTeam(trx: Db, id: string, teams: Map<string, Team>): Promise<AssignmentTarget> {
  const key = `department:${id}`;
  const { rows } = await sql<{
    id: string;
    dept: string;
  }>`select u.id, d.name as dept from dougong.departments d
      left join dougong.user_departments ud on ud.department_id = d.id
      left join dougong.users u on u.id = ud.user_id
    where d.id = cast(${id} as uuid) order by u.login`.execute(trx);
  teams.set(key, {
    name: text(rows[0]?.dept ?? id),
    members: rows.filter((r) => r.id !== null).map((r) => String(r.id)),
  });
  return { team: key };
}

async function loadState(
  trx: Db,
  ctx: AssignmentContext,
  model: EntityModel,
  teams: Map<string, Team>,
  rules: AssignmentRuleSet,
  openFilter: unknown,
  scope: string,
): Promise<AssignmentState> {
  const targets = [...rules.rules.map((r) => r.target), ...(rules.fallback ? [rules.fallback.target] : [])];
  const members = [
    ...new Set([
      ...[...teams.values()].flatMap((t) => t.members),
      ...targets.flatMap((t) => ('user' in t ? [t.user] : [])),
    ]),
  ];
  const users: Record<string, { name: LocalizedText; active: boolean; openCount: number }> = {};
  if (members.length > 0) {
    const list = `{${members.join(',')}}`;
    const { rows } = await sql<{ id: string; name: string; status: string }>`select id, name, status
      from dougong.users where id = any(cast(${list} as uuid[]))`.execute(trx);
    const open =
      openFilter === undefined || openFilter === null
        ? sql`true`
        : compileFilter(model, openFilter, ctx.model.timeZone, RECORD_ALIAS, ctx.now);
    const { rows: counts } = await sql<{
      owner_id: string;
      n: number;
    }>`select ${sql.ref(`${RECORD_ALIAS}.owner_id`)} as owner_id, count(*)::int as n
      from ${sql.id(model.schemaName, model.tableName)} as ${sql.id(RECORD_ALIAS)}
      where ${sql.ref(`${RECORD_ALIAS}.deleted_at`)} is null and ${sql.ref(`${RECORD_ALIAS}.owner_id`)} = any(cast(${list} as uuid[]))
        and ${open} group by 1`.execute(trx);
    const openCounts = new Map(counts.map((c) => [String(c.owner_id), Number(c.n)]));
    for (const r of rows)
      users[String(r.id)] = {
        name: text(r.name),
        active: r.status === 'active',
        openCount: openCounts.get(String(r.id)) ?? 0,
      };
  }
  const { rows: cursorRows } = await sql<{ target: string; position: string }>`select target, position
    from dougong.assignment_cursors where app_key = ${ctx.appKey} and scope = ${scope} and target <> '*'`.execute(
    trx,
  );
  const { rows: saved } = await sql<{ state: unknown }>`select state from dougong.flow_assignment_state
    where app_key = ${ctx.appKey} and flow_id = ${ctx.flowId} and node_id = ${ctx.nodeId}`.execute(trx);
  const raw = saved[0]?.state;
  const stored = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as Pick<
    AssignmentState,
    'cursors' | 'weighted'
  >;
  return {
    teams: Object.fromEntries(teams),
    users,
    cursors: {
      ...(stored.cursors ?? {}),
      ...Object.fromEntries(cursorRows.map((r) => [r.target, Number(r.position)])),
    },
    weighted: stored.weighted ?? {},
  };
}

// Labels of the entity's fields and options, for explanations ("大区 = 华东").
function fieldLabels(model: EntityModel): FieldLabel[] {
  return model.entity.fields.map((f) => ({
    key: f.key,
    label: both(f.label, f.key),
    ...('options' in f ? { options: f.options.map((o) => ({ id: o.id, label: both(o.label, o.id) })) } : {}),
  }));
}
