import type { Principal, ScopeTerm } from '@dougong/access';
import { compileRuleToSql, RuleError } from '@dougong/rules';
import { DougongError, type EntityModel } from '@dougong/schema';
import { type Expression, type SqlBool, sql } from 'kysely';
import { filterFields } from '../records/filter-sql.js';

const uuidArray = (ids: readonly string[]) => sql`cast(${`{${ids.join(',')}}`} as uuid[])`;

/**
 * The SQL predicate for "rows this principal may act on": the OR of the scope terms, each a row scope
 * (own / department / department tree / all) ANDed with its condition. No terms → no rows.
 * The same predicate serves get, list, counts and (later) aggregates and exports.
 */
export function scopePredicate(
  model: EntityModel,
  terms: readonly ScopeTerm[],
  principal: Principal,
  options: { timeZone: string; alias: string; now: Date },
): Expression<SqlBool> {
  if (terms.length === 0) return sql<SqlBool>`false`;
  const col = (name: string) => sql.ref(`${options.alias}.${name}`);
  const parts = terms.map((term) => {
    let base: Expression<SqlBool>;
    switch (term.scope) {
      case 'all':
        base = sql<SqlBool>`true`;
        break;
      case 'own':
        base = sql<SqlBool>`${col('owner_id')} = ${principal.userId}`;
        break;
      case 'department':
        base = principal.departmentIds.length
          ? sql<SqlBool>`${col('owner_dept_id')} = any(${uuidArray(principal.departmentIds)})`
          : sql<SqlBool>`false`;
        break;
      case 'departmentTree':
        base = principal.departmentTreeIds.length
          ? sql<SqlBool>`${col('owner_dept_id')} = any(${uuidArray(principal.departmentTreeIds)})`
          : sql<SqlBool>`false`;
        break;
    }
    if (term.condition === undefined) return base;
    try {
      const condition = compileRuleToSql(term.condition, {
        fields: filterFields(model),
        timeZone: options.timeZone,
        now: options.now,
        tableAlias: options.alias,
        user: {
          id: principal.userId,
          departmentIds: principal.departmentIds,
          roleIds: principal.roles[model.appKey] ?? [],
        },
      });
      return sql<SqlBool>`(${base} and ${condition})`;
    } catch (error) {
      // A grant whose condition cannot run in SQL must not widen access: it grants nothing.
      if (error instanceof RuleError) return sql<SqlBool>`false`;
      throw error;
    }
  });
  if (parts.length === 1) return parts[0]!;
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** Throws the 404 that hides records outside a scope (ids leak nothing). */
export function notFound(): never {
  throw new DougongError('NOT_FOUND', 'No such record.');
}
