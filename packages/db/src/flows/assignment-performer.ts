import type { FlowEffect } from '@dougong/flows';
import {
  type AssignmentRuleSet,
  type AssignmentState,
  type AssignmentTarget,
  assignOwner,
  evaluateRule,
  type FieldLabel,
  type LocalizedText,
  truthy,
} from '@dougong/rules';
import { type AppModel, DougongError, type EntityModel, labelFor } from '@dougong/schema';
import { sql } from 'kysely';
import type { CarriedAssignment, CarriedBatch } from '../records/batch-carry.js';
import { compileFilter } from '../records/filter-sql.js';
import { primaryDepartments } from '../records/owner-department.js';
import { RECORD_ALIAS } from '../records/record-gate.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import { openCounter, readOpenCounts } from './open-counts.js';
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

/** Who an assignment chose and why. */
export interface AssignmentOutcome {
  owner: string | null;
  ruleId: string | null;
  explanation: LocalizedText;
}

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
): Promise<AssignmentOutcome> {
  const model = ctx.model.entitiesById.get(effect.entity);
  if (!model) throw new DougongError('NOT_FOUND', `No entity "${effect.entity}".`);
  return db.transaction().execute(async (trx) => {
    const session = await AssignmentSession.open(trx, ctx, model);
    const repo = new RecordRepository(trx, ctx.model);
    // Lock the record first: its version then stays current until this transaction writes the owner.
    await sql`select id from ${sql.id(model.schemaName, model.tableName)} where id = ${effect.id} for update`.execute(
      trx,
    );
    const record = await repo.get(model, effect.id);
    const [assigned] = await session.assign([{ ...effect, record }]);
    const { outcome, values } = assigned!;
    if (!values) {
      await sql`insert into dougong.flow_effects (key, result) values (${ctx.cause.effectKey}, cast(${JSON.stringify(outcome)} as jsonb))`.execute(
        trx,
      );
      return outcome;
    }
    // The step's idempotency key is stored by the write itself (see emitRecordEvent).
    const actor = { userId: null, now: ctx.now, flowCause: ctx.cause };
    await repo.update(model, effect.id, values, actor, Number(record.version));
    await session.persist();
    return outcome;
  });
}

/**
 * Assigns new records of one entity by one assignOwner node, in order, inside the caller's transaction
 * (records being created, before their events are written): one lock on the node's cursor, targets and
 * open-record counts read once, each choice counted before the next. Returns, per record, the outcome
 * and the values to write (owner, owner department, explanation, the node's values), or null values
 * when nobody could be chosen; the cursors are saved. `stored` tells whether the records are in the table
 * already (a single create, assigned after its insert) or not yet (a bulk create, before its insert).
 * With a `carry` (an import's batches), the node's state may come from the previous batch instead of the
 * database, checked before the transaction commits (see `BatchCarry`).
 */
export async function assignNewRecords(
  trx: Db,
  effects: readonly AssignEffect[],
  ctx: Omit<AssignmentContext, 'cause'>,
  stored: boolean,
  carry?: CarriedBatch,
): Promise<Array<{ outcome: AssignmentOutcome; values: Record<string, unknown> | null }>> {
  if (effects.length === 0) return [];
  const model = ctx.model.entitiesById.get(effects[0]!.entity);
  if (!model) throw new DougongError('NOT_FOUND', `No entity "${effects[0]!.entity}".`);
  const session = await AssignmentSession.open(trx, ctx, model, carry);
  const out = await session.assign(effects, stored);
  await session.persist();
  return out;
}

/** The state of one node's assignments within a transaction that holds the node's cursor lock. */
class AssignmentSession {
  private readonly teams = new Map<string, Team>();
  private readonly resolved = new Map<string, AssignmentTarget>();
  // Resolved rule sets by the node's rules object, then by the record values its lookups read.
  private readonly sets = new WeakMap<object, Map<string, AssignmentRuleSet>>();
  private state: AssignmentState | undefined;
  // The candidates read, the counter whose counts the state holds (null: counted) and those counts.
  private loaded:
    | { members: ReadonlySet<string>; counter: string | null; counts: Map<string, number> }
    | undefined;
  private readonly cursorsMoved = new Map<string, number>();
  private weightsMoved = false;
  // The state the previous batch of an import left, used without the lock until the batch's end.
  private carried: CarriedAssignment | undefined;

  private constructor(
    private readonly trx: Db,
    private readonly ctx: Omit<AssignmentContext, 'cause'>,
    private readonly model: EntityModel,
    private readonly scope: string,
    private readonly carry: CarriedBatch | undefined,
  ) {}

  static async open(
    trx: Db,
    ctx: Omit<AssignmentContext, 'cause'>,
    model: EntityModel,
    carry?: CarriedBatch,
  ): Promise<AssignmentSession> {
    const session = new AssignmentSession(trx, ctx, model, `${ctx.flowId}/${ctx.nodeId}`, carry);
    const carried = carry?.get(session.scope);
    if (carried && carried.entityId === model.entity.id) session.carried = carried;
    else await session.lock();
    return session;
  }

  // One lock per node: least-loaded counts and cursors are read and moved by one assignment at a time.
  private async lock(): Promise<void> {
    const { ctx, scope, trx } = this;
    await sql`insert into dougong.assignment_cursors (app_key, scope, target) values (${ctx.appKey}, ${scope}, '*')
      on conflict do nothing`.execute(trx);
    await this.lockStatement().execute(trx);
  }

  private lockStatement() {
    return sql`select position from dougong.assignment_cursors
      where app_key = ${this.ctx.appKey} and scope = ${this.scope} and target = '*' for update`;
  }

  /**
   * Chooses an owner for each record in order; each choice counts as an open record of its owner. With
   * `stored` false the records are not in the table yet (a bulk create assigns them before it writes
   * them): the open counts read do not include them under their provisional owner.
   */
  async assign(
    effects: ReadonlyArray<AssignEffect & { record: Record<string, unknown> }>,
    stored = true,
  ): Promise<Array<{ outcome: AssignmentOutcome; values: Record<string, unknown> | null }>> {
    const sets: AssignmentRuleSet[] = [];
    for (const effect of effects) sets.push(await this.ruleSet(effect));
    const first = effects[0]!;
    const state = await this.load(sets, first.openFilter);
    const labels = fieldLabels(this.model);
    const open =
      first.openFilter === undefined || first.openFilter === null
        ? () => true
        : (record: Record<string, unknown>) =>
            truthy(
              evaluateRule(first.openFilter, record, {
                now: this.ctx.now,
                timeZone: this.ctx.model.timeZone,
              }) as never,
            );
    const results = effects.map((effect, i) => {
      const result = assignOwner(sets[i]!, effect.record, state, {
        ctx: { now: this.ctx.now, timeZone: this.ctx.model.timeZone },
        labels,
      });
      this.apply(state, result, effect.record, open, stored);
      return result;
    });
    const departments = await primaryDepartments(
      this.trx,
      results.flatMap((r) => (r.owner ? [r.owner] : [])),
    );
    // A carried state is checked under the lock, both sent with the batch's statements.
    if (this.carried && this.carry) {
      this.carry.later(() => this.lockStatement().execute(this.trx));
      this.carry.check(this.trx, this.ctx.appKey, this.ctx.flowId, this.ctx.nodeId, this.scope, this.carried);
    }
    if (this.carry && this.loaded?.counter)
      this.carry.leave({
        scope: this.scope,
        entityId: this.model.entity.id,
        counter: this.loaded.counter,
        members: this.loaded.members,
        counts: this.loaded.counts,
        state,
        open,
      });
    return results.map((result, i) => {
      const effect = effects[i]!;
      const outcome = { owner: result.owner, ruleId: result.ruleId, explanation: result.explanation };
      if (!result.owner) return { outcome, values: null };
      const values: Record<string, unknown> = {
        ...(effect.values ?? {}),
        ownerId: result.owner,
        ownerDeptId: departments.get(result.owner) ?? null,
      };
      if (effect.explanationField) values[effect.explanationField] = result.explanation['zh-CN'];
      return { outcome, values };
    });
  }

  /** Saves the cursors and weights the assignments moved (with a carried state: sent, not awaited). */
  async persist(): Promise<void> {
    const { ctx, scope, trx } = this;
    const statements = [...this.cursorsMoved].map(
      ([team, next]) => sql`insert into dougong.assignment_cursors (app_key, scope, target, position)
        values (${ctx.appKey}, ${scope}, ${team}, ${next})
        on conflict (app_key, scope, target) do update set position = excluded.position`,
    );
    if (this.weightsMoved)
      statements.push(sql`insert into dougong.flow_assignment_state (app_key, flow_id, node_id, state)
        values (${ctx.appKey}, ${ctx.flowId}, ${ctx.nodeId}, cast(${JSON.stringify({ weighted: this.state?.weighted ?? {} })} as jsonb))
        on conflict (app_key, flow_id, node_id) do update set state = excluded.state`);
    for (const statement of statements) {
      if (this.carried && this.carry) this.carry.later(() => statement.execute(trx));
      else await statement.execute(trx);
    }
  }

  // The state after one assignment: cursors and weights move; the record counts as open for its new
  // owner (and no longer for its previous one) when the open filter holds for it.
  private apply(
    state: AssignmentState,
    result: ReturnType<typeof assignOwner>,
    record: Record<string, unknown>,
    open: (record: Record<string, unknown>) => boolean,
    stored: boolean,
  ): void {
    const mutable = state as {
      cursors: Record<string, number>;
      weighted: Record<string, Record<string, number>>;
      users: Record<string, { openCount: number }>;
    };
    for (const change of result.changes) {
      if (change.kind === 'cursor') {
        mutable.cursors[change.team] = change.next;
        this.cursorsMoved.set(change.team, change.next);
      } else if (change.kind === 'weights') {
        mutable.weighted[change.key] = { ...change.current };
        this.weightsMoved = true;
      }
    }
    if (!result.owner || !open(record)) return;
    const before = stored && typeof record.ownerId === 'string' ? record.ownerId : null;
    if (before === result.owner) return;
    const previous = before ? mutable.users[before] : undefined;
    if (previous) previous.openCount -= 1;
    const next = mutable.users[result.owner];
    if (next) next.openCount += 1;
  }

  // The node's rule set with metadata targets resolved (lookups per record values, the rest once). Records
  // with the same looked-up values share one resolved set.
  private async ruleSet(
    effect: AssignEffect & { record: Record<string, unknown> },
  ): Promise<AssignmentRuleSet> {
    for (const [id, members] of Object.entries(effect.teams))
      if (!this.teams.has(id)) this.teams.set(id, { name: text(id), members: [...members] });
    const set = (effect.rules ?? {}) as {
      rules?: Array<AssignmentRuleSet['rules'][number] & { target: MetadataTarget }>;
      fallback?: NonNullable<AssignmentRuleSet['fallback']> & { target: MetadataTarget };
    };
    const targets = [
      ...(set.rules ?? []).map((r) => r.target),
      ...(set.fallback ? [set.fallback.target] : []),
    ];
    const lookups = targets.filter((t) => 'lookup' in t);
    const lookedUp =
      lookups.length === 0 ? '' : JSON.stringify(lookups.map((t) => lookupValues(t, effect.record)));
    let bySet = this.sets.get(set);
    if (!bySet) {
      bySet = new Map();
      this.sets.set(set, bySet);
    }
    const known = bySet.get(lookedUp);
    if (known) return known;
    const resolve = async (target: MetadataTarget): Promise<AssignmentTarget> => {
      const key = JSON.stringify('lookup' in target ? [target, lookupValues(target, effect.record)] : target);
      let found = this.resolved.get(key);
      if (!found) {
        found = await resolveTarget(this.trx, this.ctx, target, effect.record, this.teams);
        this.resolved.set(key, found);
      }
      return found;
    };
    const rules: AssignmentRuleSet['rules'][number][] = [];
    for (const rule of set.rules ?? []) rules.push({ ...rule, target: await resolve(rule.target) });
    const resolved: AssignmentRuleSet = {
      rules,
      ...(set.fallback ? { fallback: { ...set.fallback, target: await resolve(set.fallback.target) } } : {}),
    };
    bySet.set(lookedUp, resolved);
    return resolved;
  }

  // Users, open counts, cursors and weights, read once per session (after every target is resolved);
  // taken from the carried state instead when it covers the same candidates and counter.
  private async load(sets: readonly AssignmentRuleSet[], openFilter: unknown): Promise<AssignmentState> {
    if (!this.state) {
      const distinct = [...new Set(sets)];
      const rules: AssignmentRuleSet = {
        rules: distinct.flatMap((s) => s.rules),
        ...(sets.find((s) => s.fallback) ? { fallback: sets.find((s) => s.fallback)!.fallback! } : {}),
      };
      const members = candidates(this.teams, rules);
      const carried = this.carried;
      if (carried) {
        const counter = openCounter(this.model, openFilter, this.ctx.model.timeZone);
        if (
          counter?.key === carried.counter &&
          members.length === carried.members.size &&
          members.every((m) => carried.members.has(m))
        ) {
          this.state = structuredClone(carried.state) as AssignmentState;
          this.loaded = {
            members: carried.members,
            counter: carried.counter,
            counts: countsOf(carried.state),
          };
        } else {
          this.carried = undefined;
          await this.lock();
        }
      }
      if (!this.state) {
        const loaded = await loadState(
          this.trx,
          this.ctx,
          this.model,
          this.teams,
          members,
          openFilter,
          this.scope,
        );
        this.state = loaded.state;
        this.loaded = { members: new Set(members), counter: loaded.counter, counts: countsOf(loaded.state) };
      }
    }
    return this.state;
  }
}

/** The open counts a state holds, by user. */
function countsOf(state: AssignmentState): Map<string, number> {
  return new Map(Object.entries(state.users).map(([id, user]) => [id, user.openCount ?? 0]));
}

/** Every user a rule set may choose: team members and users named by a target. */
function candidates(teams: ReadonlyMap<string, Team>, rules: AssignmentRuleSet): string[] {
  const targets = [...rules.rules.map((r) => r.target), ...(rules.fallback ? [rules.fallback.target] : [])];
  return [
    ...new Set([
      ...[...teams.values()].flatMap((t) => t.members),
      ...targets.flatMap((t) => ('user' in t ? [t.user] : [])),
    ]),
  ];
}

async function resolveTarget(
  trx: Db,
  ctx: Omit<AssignmentContext, 'cause'>,
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
  ctx: Omit<AssignmentContext, 'cause'>,
  model: EntityModel,
  teams: Map<string, Team>,
  members: readonly string[],
  openFilter: unknown,
  scope: string,
): Promise<{ state: AssignmentState; counter: string | null }> {
  let counter: string | null = null;
  const users: Record<string, { name: LocalizedText; active: boolean; openCount: number }> = {};
  if (members.length > 0) {
    const list = `{${members.join(',')}}`;
    const { rows } = await sql<{ id: string; name: string; status: string }>`select id, name, status
      from dougong.users where id = any(cast(${list} as uuid[]))`.execute(trx);
    // Kept by the database's counter for the filter when publishing installed one; counted otherwise.
    const kept = await readOpenCounts(trx, ctx.appKey, model, openFilter, ctx.model.timeZone, members);
    counter = kept?.counter ?? null;
    const openCounts = kept?.counts ?? (await countOpen(trx, ctx, model, openFilter, list));
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
    state: {
      teams: Object.fromEntries(teams),
      users,
      cursors: {
        ...(stored.cursors ?? {}),
        ...Object.fromEntries(cursorRows.map((r) => [r.target, Number(r.position)])),
      },
      weighted: stored.weighted ?? {},
    },
    counter,
  };
}

/** The open records of the owners in `list` (a uuid array literal), counted. */
async function countOpen(
  trx: Db,
  ctx: Omit<AssignmentContext, 'cause'>,
  model: EntityModel,
  openFilter: unknown,
  list: string,
): Promise<Map<string, number>> {
  const open =
    openFilter === undefined || openFilter === null
      ? sql`true`
      : compileFilter(model, openFilter, ctx.model.timeZone, RECORD_ALIAS, ctx.now);
  const { rows } = await sql<{
    owner_id: string;
    n: number;
  }>`select ${sql.ref(`${RECORD_ALIAS}.owner_id`)} as owner_id, count(*)::int as n
    from ${sql.id(model.schemaName, model.tableName)} as ${sql.id(RECORD_ALIAS)}
    where ${sql.ref(`${RECORD_ALIAS}.deleted_at`)} is null and ${sql.ref(`${RECORD_ALIAS}.owner_id`)} = any(cast(${list} as uuid[]))
      and ${open} group by 1`.execute(trx);
  return new Map(rows.map((c) => [String(c.owner_id), Number(c.n)]));
}

// Labels of the entity's fields and options, for explanations ("大区 = 华东").
function fieldLabels(model: EntityModel): FieldLabel[] {
  return model.entity.fields.map((f) => ({
    key: f.key,
    label: both(f.label, f.key),
    ...('options' in f ? { options: f.options.map((o) => ({ id: o.id, label: both(o.label, o.id) })) } : {}),
  }));
}

/** The values of the record a lookup target matches on, in the order of its `match`. */
function lookupValues(target: Extract<MetadataTarget, { lookup: unknown }>, record: Record<string, unknown>) {
  return Object.values(target.lookup.match).map((k) => record[k] ?? null);
}
