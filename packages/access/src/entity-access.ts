import type { AppDocument, EntityGrant, Field, FieldAccess, RecordAction, RowScope } from '@dougong/schema';
import type { Principal } from './principal.js';

/** One way a row can be in scope: a row scope narrowed by an optional JsonLogic condition. */
export interface ScopeTerm {
  scope: RowScope;
  condition?: unknown;
}

/**
 * What a principal may do with one entity's records: the union of their roles' grants.
 * Field access is the most permissive across the grants that allow reading.
 */
export interface EntityAccess {
  readonly entityId: string;
  /** True when some grant allows the action (on some rows). */
  can(action: RecordAction): boolean;
  /** Rows the action is allowed on: the OR of these terms; empty means none; `all` without condition means every row. */
  scopes(action: RecordAction): readonly ScopeTerm[];
  /** Access to a field by key. */
  field(key: string): FieldAccess;
  /** Keys of fields the principal cannot see. */
  readonly hiddenKeys: ReadonlySet<string>;
}

const FULL: readonly ScopeTerm[] = [{ scope: 'all' }];
const RANK: Record<FieldAccess, number> = { hidden: 0, readOnly: 1, editable: 2 };
const COMPUTED = new Set(['autoNumber', 'formula']);

const cache = new WeakMap<AppDocument, Map<string, EntityAccess>>();

/**
 * Resolves a principal's access to an entity of an app (cached per document and role set).
 * @example
 * const access = entityAccess(doc, 'lead', principal);
 * access.can('update'); access.scopes('read'); access.field('score');
 */
export function entityAccess(doc: AppDocument, entityId: string, principal: Principal): EntityAccess {
  const everything = principal.rights.has('allData');
  const roleKeys = everything ? [] : [...(principal.roles[doc.key] ?? [])].sort();
  const cacheKey = `${entityId}|${everything ? '*' : roleKeys.join(',')}`;
  let perDoc = cache.get(doc);
  if (!perDoc) {
    perDoc = new Map();
    cache.set(doc, perDoc);
  }
  const cached = perDoc.get(cacheKey);
  if (cached) return cached;
  const entity = doc.entities.find((e) => e.id === entityId);
  const fields = entity?.fields ?? [];
  const grants: EntityGrant[] = everything
    ? [
        {
          entity: entityId,
          actions: ['create', 'read', 'update', 'delete', 'export', 'print', 'assign', 'claim'],
          scope: 'all',
        },
      ]
    : (doc.roles ?? [])
        .filter((r) => roleKeys.includes(r.key))
        .flatMap((r) => r.grants.filter((g) => g.entity === entityId));
  const access = buildAccess(entityId, grants, fields);
  perDoc.set(cacheKey, access);
  return access;
}

function buildAccess(entityId: string, grants: EntityGrant[], fields: readonly Field[]): EntityAccess {
  const byAction = new Map<RecordAction, ScopeTerm[]>();
  for (const grant of grants) {
    for (const action of grant.actions) {
      const terms = byAction.get(action) ?? [];
      terms.push(
        grant.condition === undefined
          ? { scope: grant.scope }
          : { scope: grant.scope, condition: grant.condition },
      );
      byAction.set(action, terms);
    }
  }
  for (const [action, terms] of byAction) {
    // An unconditional `all` makes every other term redundant.
    if (terms.some((t) => t.scope === 'all' && t.condition === undefined)) byAction.set(action, [...FULL]);
  }
  const fieldAccess = new Map<string, FieldAccess>();
  for (const field of fields) {
    let best: FieldAccess = 'hidden';
    for (const grant of grants) {
      if (
        !grant.actions.includes('read') &&
        !grant.actions.includes('update') &&
        !grant.actions.includes('create')
      )
        continue;
      const declared = grant.fields?.[field.id];
      const canWrite = grant.actions.includes('update') || grant.actions.includes('create');
      let access: FieldAccess = declared ?? (canWrite ? 'editable' : 'readOnly');
      if (access === 'editable' && !canWrite) access = 'readOnly';
      if (RANK[access] > RANK[best]) best = access;
    }
    if (best === 'editable' && COMPUTED.has(field.type)) best = 'readOnly';
    fieldAccess.set(field.key, best);
  }
  const hiddenKeys = new Set([...fieldAccess].filter(([, a]) => a === 'hidden').map(([k]) => k));
  return {
    entityId,
    can: (action) => (byAction.get(action)?.length ?? 0) > 0,
    scopes: (action) => byAction.get(action) ?? [],
    field: (key) => fieldAccess.get(key) ?? 'readOnly',
    hiddenKeys,
  };
}
