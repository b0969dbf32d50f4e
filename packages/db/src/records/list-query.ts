import {
  checkPayloadSafety,
  DougongError,
  type EntityModel,
  isIsoDate,
  parseIsoDatetime,
  UUID_PATTERN,
} from '@dougong/schema';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { orderColumns } from '../planner/index-plan.js';

/** A parsed sort key. */
export interface SortTerm {
  key: string;
  column: string;
  /** SQL type of the column (from the field registry), for casting cursor values. */
  sqlType: string;
  desc: boolean;
}

/**
 * Parses `-createdAt,name` into sort terms; unknown or unsortable keys are a 400 naming `/sort`.
 * The default is the entity's `defaultSort`, else newest first.
 */
export function parseSort(model: EntityModel, sort: string | undefined): SortTerm[] {
  if (sort === undefined || sort.trim() === '') {
    const defaults = model.entity.defaultSort ?? [{ field: 'createdAt', desc: true }];
    return defaults.map((k) => {
      const key = model.fieldsById.get(k.field)?.key ?? k.field;
      const info = model.columnsByKey.get(key);
      if (!info)
        throw new DougongError('INVALID_SORT', undefined, [{ path: '/sort', message: `unknown key ${key}` }]);
      return { key, column: info.column, sqlType: info.sqlType, desc: k.desc ?? false };
    });
  }
  const parts = sort.split(',').map((p) => p.trim());
  if (parts.length > 5)
    throw new DougongError('INVALID_SORT', undefined, [{ path: '/sort', message: 'sort by at most 5 keys' }]);
  const seen = new Set<string>();
  return parts.map((part, i) => {
    const desc = part.startsWith('-');
    const key = desc || part.startsWith('+') ? part.slice(1) : part;
    const info = model.columnsByKey.get(key);
    if (!info)
      throw new DougongError('INVALID_SORT', undefined, [
        { path: `/sort/${i}`, message: `"${key.slice(0, 64)}" is not a field of ${model.entity.key}` },
      ]);
    if (!info.sortable)
      throw new DougongError('INVALID_SORT', undefined, [
        { path: `/sort/${i}`, message: `"${key}" cannot be sorted on` },
      ]);
    if (seen.has(key))
      throw new DougongError('INVALID_SORT', undefined, [
        { path: `/sort/${i}`, message: `"${key}" appears twice` },
      ]);
    seen.add(key);
    return { key, column: info.column, sqlType: info.sqlType, desc };
  });
}

/** The ORDER BY for sort terms; identical to the column list the planner indexes. */
export function orderBy(terms: SortTerm[], alias: string): RawBuilder<unknown> {
  const columns = orderColumns(terms.map((t) => ({ column: t.column, desc: t.desc })));
  return sql.join(
    columns.map((c) => sql`${sql.ref(`${alias}.${c.column}`)} ${sql.raw(c.desc ? 'desc' : 'asc')}`),
  );
}

/** Encodes the sort values of the last row of a page as an opaque cursor. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} for the same sort; a bad cursor is a 400. */
export function decodeCursor(cursor: string, terms: SortTerm[]): unknown[] {
  try {
    if (cursor.length > 4096) throw new Error('too long');
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(values) || values.length !== terms.length + 1) throw new Error('shape');
    // Every value must fit its column's type, or casting it would fail in SQL (a 500, not a 400).
    if (!terms.every((t, i) => values[i] === null || fitsType(t.sqlType, values[i]))) throw new Error('type');
    if (!fitsType('uuid', values[values.length - 1])) throw new Error('id');
    if (checkPayloadSafety(values).length > 0) throw new Error('text');
    return values;
  } catch {
    throw new DougongError('INVALID_CURSOR', undefined, [
      { path: '/cursor', message: 'is not a cursor of this list and sort' },
    ]);
  }
}

/**
 * The keyset predicate "after this row" for an ORDER BY with NULLs sorting last ascending (first
 * descending), PostgreSQL's default. Values are bound parameters cast to the column's type.
 */
export function afterCursor(terms: SortTerm[], values: unknown[], alias: string): Expression<SqlBool> {
  const columns = orderColumns(terms.map((t) => ({ column: t.column, desc: t.desc })));
  const types = [...terms.map((t) => t.sqlType), 'uuid'];
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  const val = (i: number) => sql`cast(${String(values[i])} as ${sql.raw(types[i]!)})`;
  const disjuncts: RawBuilder<unknown>[] = [];
  for (let i = 0; i < columns.length; i += 1) {
    const equal = columns
      .slice(0, i)
      .map((c, j) =>
        values[j] === null ? sql`${ref(c.column)} is null` : sql`${ref(c.column)} = ${val(j)}`,
      );
    const c = columns[i]!;
    let after: RawBuilder<unknown> | undefined;
    if (values[i] === null) after = c.desc ? sql`${ref(c.column)} is not null` : undefined;
    else if (c.desc) after = sql`${ref(c.column)} < ${val(i)}`;
    else after = sql`(${ref(c.column)} > ${val(i)} or ${ref(c.column)} is null)`;
    if (after) disjuncts.push(sql.join([...equal, after], sql` and `));
  }
  if (disjuncts.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(
    disjuncts.map((d) => sql`(${d})`),
    sql` or `,
  )})`;
}

/** True when a cursor value can be cast to a sortable column type without a SQL error. */
function fitsType(sqlType: string, value: unknown): boolean {
  if (sqlType === 'uuid') return typeof value === 'string' && UUID_PATTERN.test(value);
  if (sqlType === 'boolean') return typeof value === 'boolean';
  if (sqlType === 'bigint' || sqlType === 'integer')
    return (
      (typeof value === 'number' && Number.isSafeInteger(value)) ||
      (typeof value === 'string' && /^-?\d{1,19}$/.test(value))
    );
  if (sqlType.startsWith('numeric'))
    return (
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && /^-?\d{1,38}(\.\d{1,38})?$/.test(value))
    );
  if (sqlType === 'date') return typeof value === 'string' && isIsoDate(value);
  if (sqlType === 'timestamptz') return parseIsoDatetime(value) !== undefined;
  return typeof value === 'string';
}

/** `%` and `_` in a search term match themselves. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
