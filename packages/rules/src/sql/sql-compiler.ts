import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { evaluateRule } from '../compiled/rule-compiler.js';
import { DEFAULT_TIME_ZONE } from '../core/eval-context.js';
import { argsOf, isLogic, operatorOf, truthy } from '../core/json-value.js';
import { isForbiddenPath } from '../core/path-guard.js';
import { pointer, RuleError } from '../core/rule-error.js';
import { DEFAULT_LIMITS } from '../core/rule-limits.js';
import { isKnownOp, validateRule } from '../core/rule-validator.js';
import { isPlatformOp } from '../ops/platform-ops.js';
import { and, type Bool, not, or, toFrag, truthOf } from './sql-bool.js';
import { type CmpOp, compare } from './sql-compare.js';
import { PLATFORM_SQL, PLATFORM_TRUTH } from './sql-platform.js';
import { type SqlTruthHandler, STANDARD_SQL, STANDARD_TRUTH } from './sql-standard.js';
import { expr, lit, notInSql, type SqlCompileContext, type SqlField, type SqlVal } from './sql-value.js';

/** The compile-time state the SQL handlers share. */
export interface SqlCompiler {
  readonly timeZone: string;
  /** Compiles a node in value position. */
  value(node: unknown, path: string): SqlVal;
  /**
   * Compiles a node in condition position (JsonLogic truthiness). With `loose` the condition may be
   * NULL where the rule is false (fine in WHERE, AND, OR and CASE WHEN; never under NOT).
   */
  truth(node: unknown, path: string, loose?: boolean): Bool;
  /** `a op b` with JavaScript's semantics (`loose` as for {@link SqlCompiler.truth}). */
  compare(op: CmpOp, a: SqlVal, b: SqlVal, path: string, loose?: boolean): Bool;
}

/** The JSON pointers of a logic node's arguments (a lone non-array argument shares the op's pointer). */
export function argPaths(node: Record<string, unknown>, path: string): string[] {
  const op = operatorOf(node);
  const opPath = pointer(path, op);
  const raw = node[op];
  return Array.isArray(raw) ? raw.map((_, i) => pointer(opPath, i)) : [opPath];
}

const RECORD_READERS = new Set(['var', 'missing', 'missing_some', 'old', 'new', 'changed']);
const SCOPED = new Set(['map', 'filter', 'all', 'some', 'none', 'reduce']);

/** True when a node reads nothing from the record (context operations such as `today` are fine). */
function isConstant(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(isConstant);
  if (!isLogic(node)) return true;
  const op = operatorOf(node);
  if (RECORD_READERS.has(op)) return false;
  const args = argsOf(node);
  // Scoped logic reads the array element, not the record: only the array (and reduce's seed) matter.
  if (SCOPED.has(op)) return isConstant(args[0]) && (op !== 'reduce' || isConstant(args[2]));
  return args.every(isConstant);
}

const TRUTH: Partial<Record<string, SqlTruthHandler>> = { ...STANDARD_TRUTH, ...PLATFORM_TRUTH };

class Compiler implements SqlCompiler {
  readonly timeZone: string;
  private readonly fields = new Map<string, SqlField>();

  constructor(private readonly ctx: SqlCompileContext) {
    this.timeZone = ctx.timeZone ?? DEFAULT_TIME_ZONE;
    for (const field of ctx.fields) this.fields.set(field.key, field);
  }

  constant(node: unknown, path: string): unknown {
    try {
      return evaluateRule(node, {}, { now: this.ctx.now, timeZone: this.timeZone, user: this.ctx.user });
    } catch (error) {
      if (error instanceof RuleError) throw error.at(path);
      throw notInSql(`constant part throws (${(error as Error).message})`, path);
    }
  }

  column(key: unknown, path: string): SqlVal {
    if (key === null || key === undefined || key === '') throw notInSql('var of the whole record', path);
    if (typeof key !== 'string' && typeof key !== 'number') throw notInSql('computed var path', path);
    if (isForbiddenPath(key)) throw new RuleError('forbidden_path', JSON.stringify(key), path);
    const field = this.fields.get(String(key));
    if (!field) throw new RuleError('unknown_field', JSON.stringify(key), path);
    const ref = this.ctx.tableAlias ? sql.id(this.ctx.tableAlias, field.column) : sql.id(field.column);
    switch (field.kind) {
      case 'integer':
        return { ...expr('number', ref, true), column: true };
      case 'datetime':
        // The interpreter sees millisecond Dates; drop the microseconds PostgreSQL may hold.
        return expr('datetime', sql`date_trunc('milliseconds', ${ref})`, true);
      default:
        return { ...expr(field.kind, ref, true), column: true };
    }
  }

  value(node: unknown, path: string): SqlVal {
    if (isConstant(node)) return lit(this.constant(node, path));
    if (Array.isArray(node)) throw notInSql('an array holding field values', path);
    const logic = node as Record<string, unknown>;
    const op = operatorOf(logic);
    const args = argsOf(logic);
    const paths = argPaths(logic, path);
    if (op === 'var') {
      if (args[1] !== undefined) {
        if (!isConstant(args[1])) throw notInSql('a var default that reads the record', paths[1] ?? path);
        this.constant(args[1], paths[1] ?? path); // evaluated (and possibly throwing) as in JS
      }
      if (!isConstant(args[0])) throw notInSql('computed var path', paths[0] ?? path);
      return this.column(this.constant(args[0], paths[0] ?? path), paths[0] ?? path);
    }
    if (isPlatformOp(op)) return PLATFORM_SQL[op](this, args, paths, pointer(path, op));
    if (isKnownOp(op))
      return STANDARD_SQL[op as keyof typeof STANDARD_SQL](this, args, paths, pointer(path, op));
    throw new RuleError('unknown_operator', JSON.stringify(op), pointer(path, op));
  }

  truth(node: unknown, path: string, loose = false): Bool {
    if (isConstant(node)) return truthy(this.constant(node, path));
    if (isLogic(node)) {
      const op = operatorOf(node);
      const args = argsOf(node);
      const paths = argPaths(node, path);
      const at = (i: number) => paths[i] ?? path;
      switch (op) {
        case 'and':
          return args.length === 0 ? false : and(args.map((a, i) => this.truth(a, at(i), loose)));
        case 'or':
          return args.length === 0 ? false : or(args.map((a, i) => this.truth(a, at(i), loose)));
        case '!':
          // NOT NULL is NULL, not TRUE: the operand must be exact.
          return not(this.truth(args[0], at(0), false));
        case '!!':
          return this.truth(args[0], at(0), loose);
        case 'if':
        case '?:':
          return this.ifTruth(args, at, loose);
        default: {
          const handler = loose && Object.hasOwn(TRUTH, op) ? TRUTH[op] : undefined;
          if (handler) return handler(this, args, paths, pointer(path, op), true);
          break;
        }
      }
    }
    return truthOf(this.value(node, path));
  }

  private ifTruth(args: readonly unknown[], at: (i: number) => string, loose: boolean): Bool {
    const branches: { when: Bool; result: Bool }[] = [];
    let i = 0;
    // CASE WHEN treats a NULL condition as not met, like false, so conditions are always loose.
    for (; i < args.length - 1; i += 2)
      branches.push({
        when: this.truth(args[i], at(i), true),
        result: this.truth(args[i + 1], at(i + 1), loose),
      });
    const otherwise: Bool = args.length === i + 1 ? this.truth(args[i], at(i), loose) : false;
    let result: Bool = otherwise;
    for (const branch of branches.reverse()) {
      if (branch.when === true) result = branch.result;
      else if (branch.when !== false) {
        result = sql`(CASE WHEN ${branch.when} THEN ${toFrag(branch.result)} ELSE ${toFrag(result)} END)`;
      }
    }
    return result;
  }

  compare(op: CmpOp, a: SqlVal, b: SqlVal, path: string, loose = false): Bool {
    return compare(op, a, b, path, loose);
  }
}

/**
 * Compiles a rule to a SQL condition that is TRUE for exactly the rows on which the interpreter's
 * result is truthy, given each row read as a record of its mapped fields. By default it is a WHERE
 * predicate (FALSE or NULL elsewhere), so comparisons stay plain and sargable, e.g. `"qty" > $1::int8`;
 * with `ctx.twoValued` it is never NULL, for use in a SELECT list or under the caller's own NOT.
 * Values reach the database only as parameters; identifiers come only from `ctx.fields`. Anything the
 * SQL cannot mirror exactly is rejected with a `not_expressible_in_sql` error naming the JSON pointer.
 *
 * @example
 * const where = compileRuleToSql({ '==': [{ var: 'region' }, 'east'] },
 *   { fields: [{ key: 'region', column: 'region', kind: 'text' }] });
 * await db.selectFrom('lead').select('id').where(where).execute();
 */
export function compileRuleToSql(rule: unknown, ctx: SqlCompileContext): Expression<SqlBool> {
  validateRule(rule, DEFAULT_LIMITS);
  return toFrag(new Compiler(ctx).truth(rule, '', ctx.twoValued !== true)) as RawBuilder<SqlBool>;
}
