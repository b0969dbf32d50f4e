import { type EntityAccess, entityAccess, type Principal } from '@dougong/access';
import type { AppModel, EntityModel, RecordAction } from '@dougong/schema';
import { type Expression, type SqlBool, sql } from 'kysely';
import { scopePredicate } from '../identity/scope-sql.js';

/**
 * What a caller may do with one entity's records, as the repository applies it: SQL predicates per
 * action (null when the action is not granted at all), hidden fields and writable fields. The access
 * layer decides; the repository enforces, in the SQL of every read and before every write.
 */
export interface RecordGate {
  readonly read: Expression<SqlBool>;
  readonly update: Expression<SqlBool> | null;
  readonly delete: Expression<SqlBool> | null;
  readonly assign: Expression<SqlBool> | null;
  /** Rows the caller may export (lists to CSV / XLSX); null when the role has no `export` action. */
  readonly export: Expression<SqlBool> | null;
  /**
   * Pool rows the caller may claim (no owner, within the `claim` grants); null without a pool or the
   * right. These rows are readable too (ORed into `read`).
   */
  readonly claim: Expression<SqlBool> | null;
  readonly create: boolean;
  /** Field keys the caller cannot see: never returned, never filtered, sorted or expanded on. */
  readonly hidden: ReadonlySet<string>;
  /** Whether the caller may write a field (by key). */
  writable(key: string): boolean;
  /** The gate of another entity of the same app (for `expand`). */
  of(model: EntityModel): RecordGate;
}

const TRUE = sql<SqlBool>`true`;
const NOTHING: ReadonlySet<string> = new Set();

/** A gate that allows everything: for system work (templates, flows acting as the system) and tests. */
export const OPEN_GATE: RecordGate = {
  read: TRUE,
  update: TRUE,
  delete: TRUE,
  assign: TRUE,
  export: TRUE,
  claim: sql<SqlBool>`${sql.ref('r.owner_id')} is null`,
  create: true,
  hidden: NOTHING,
  writable: () => true,
  of: () => OPEN_GATE,
};

/** The alias every record query uses for the entity's table; scope predicates are built for it. */
export const RECORD_ALIAS = 'r';

/**
 * The gate of a principal for an entity, from the app's roles (see @dougong/access). Predicates use
 * the record alias `r`.
 */
export function gateFor(app: AppModel, model: EntityModel, principal: Principal, now: Date): RecordGate {
  const access: EntityAccess = entityAccess(app.document, model.entity.id, principal);
  const predicate = (action: RecordAction): Expression<SqlBool> | null =>
    access.can(action)
      ? scopePredicate(model, access.scopes(action), principal, {
          timeZone: app.timeZone,
          alias: RECORD_ALIAS,
          now,
        })
      : null;
  const gates = new Map<string, RecordGate>();
  const claim =
    model.entity.pool && access.can('claim') ? poolPredicate(model, access, principal, app, now) : null;
  const read = predicate('read');
  return {
    read: claim ? (read ? sql<SqlBool>`(${read} or ${claim})` : claim) : (read ?? sql<SqlBool>`false`),
    claim,
    update: predicate('update'),
    delete: predicate('delete'),
    assign: predicate('assign'),
    export: predicate('export'),
    create: access.can('create'),
    hidden: access.hiddenKeys,
    writable: (key) => access.field(key) === 'editable',
    of(other) {
      let gate = gates.get(other.entity.id);
      if (!gate) {
        gate = other.entity.id === model.entity.id ? this : gateFor(app, other, principal, now);
        gates.set(other.entity.id, gate);
      }
      return gate;
    },
  };
}

/**
 * The pool rows a principal may claim: rows without an owner, within the `claim` grants. Pool rows
 * have no owner, so `own` and `all` mean the whole pool, while `department` / `departmentTree` keep
 * to pool rows whose owner department is the user's (a department's own pool); conditions apply.
 */
function poolPredicate(
  model: EntityModel,
  access: EntityAccess,
  principal: Principal,
  app: AppModel,
  now: Date,
): Expression<SqlBool> {
  const terms = access.scopes('claim').map((t) => (t.scope === 'own' ? { ...t, scope: 'all' as const } : t));
  const scoped = scopePredicate(model, terms, principal, {
    timeZone: app.timeZone,
    alias: RECORD_ALIAS,
    now,
  });
  return sql<SqlBool>`(${sql.ref(`${RECORD_ALIAS}.owner_id`)} is null and ${scoped})`;
}
