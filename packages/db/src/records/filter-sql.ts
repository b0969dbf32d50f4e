import { DougongError, type EntityModel } from '@dougong/schema';
import type { Expression, SqlBool } from 'kysely';

/**
 * Compiles a JsonLogic filter over an entity's keys to a parameterised SQL predicate on its columns.
 * Unknown keys and operators are a 400 with the JSON path inside the filter.
 */
export function compileFilter(
  model: EntityModel,
  filter: unknown,
  timeZone: string,
  alias: string,
): Expression<SqlBool> {
  void model;
  void filter;
  void timeZone;
  void alias;
  throw new DougongError('INVALID_FILTER', 'Filters are not available yet.');
}
