import { compileRuleToSql, FIELD_KINDS, type FieldKind, RuleError, type SqlField } from '@dougong/rules';
import { DougongError, type EntityModel } from '@dougong/schema';
import type { Expression, SqlBool } from 'kysely';

const fieldLists = new WeakMap<EntityModel, SqlField[]>();
const KINDS = new Set<string>(FIELD_KINDS);

/** The keys a filter may use on an entity: system keys and every field stored in a scalar column. */
export function filterFields(model: EntityModel): SqlField[] {
  let fields = fieldLists.get(model);
  if (!fields) {
    fields = [...model.columnsByKey.values()]
      .filter((c) => KINDS.has(c.kind))
      .map((c) => ({ key: c.key, column: c.column, kind: c.kind as FieldKind }));
    fieldLists.set(model, fields);
  }
  return fields;
}

/**
 * Compiles a JsonLogic filter over an entity's keys to a parameterised SQL predicate on its columns.
 * Unknown keys and operators, and anything SQL cannot evaluate exactly, are a 400 with the JSON path
 * inside the filter (e.g. `/filter/and/1/==/0`).
 */
export function compileFilter(
  model: EntityModel,
  filter: unknown,
  timeZone: string,
  alias: string,
  now = new Date(),
): Expression<SqlBool> {
  try {
    return compileRuleToSql(filter, { fields: filterFields(model), timeZone, now, tableAlias: alias });
  } catch (error) {
    if (error instanceof RuleError) {
      // The rule engine's message ends with " at <path>"; the detail carries the path on its own.
      const where = error.path === undefined ? '' : ` at ${error.path === '' ? '/' : error.path}`;
      const message =
        where && error.message.endsWith(where) ? error.message.slice(0, -where.length) : error.message;
      throw new DougongError('INVALID_FILTER', undefined, [{ path: `/filter${error.path ?? ''}`, message }]);
    }
    throw error;
  }
}
