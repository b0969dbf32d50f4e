import { parseDate, parseDateTime } from '../core/calendar.js';
import { argsOf, isLogic, operatorOf } from '../core/json-value.js';
import { isForbiddenPath } from '../core/path-guard.js';
import { pointer, RuleError } from '../core/rule-error.js';
import { resolveLimits } from '../core/rule-limits.js';
import { DATE_UNITS } from '../ops/date-ops.js';
import { isDecimalLiteral } from '../ops/decimal-ops.js';
import type { ParamType, ResultType } from '../ops/op-types.js';
import { isPlatformOp, PLATFORM_OPS } from '../ops/platform-ops.js';
import { compileSafeRegex } from '../ops/regex-guard.js';
import type { SpecialFormName, StandardOpName } from '../ops/standard-ops.js';
import type { CheckCode, CheckField, CheckIssue, CheckOptions, StaticType, Typed } from './check-types.js';

const MANY = Number.POSITIVE_INFINITY;

/** Argument counts JsonLogic operations are meant to take (json-logic-js itself never checks). */
const STANDARD_ARITY: Record<StandardOpName | SpecialFormName, readonly [number, number]> = {
  '==': [2, 2],
  '===': [2, 2],
  '!=': [2, 2],
  '!==': [2, 2],
  '>': [2, 2],
  '>=': [2, 2],
  '<': [2, 3],
  '<=': [2, 3],
  '!!': [1, 1],
  '!': [1, 1],
  '%': [2, 2],
  in: [2, 2],
  cat: [0, MANY],
  substr: [2, 3],
  '+': [0, MANY],
  '*': [1, MANY],
  '-': [1, 2],
  '/': [2, 2],
  min: [1, MANY],
  max: [1, MANY],
  merge: [0, MANY],
  var: [0, 2],
  missing: [1, MANY],
  missing_some: [2, 2],
  if: [1, MANY],
  '?:': [3, 3],
  and: [1, MANY],
  or: [1, MANY],
  filter: [2, 2],
  map: [2, 2],
  reduce: [2, 3],
  all: [2, 2],
  none: [2, 2],
  some: [2, 2],
};

const RESULT_TYPES: Record<ResultType, StaticType> = {
  any: 'any',
  boolean: 'boolean',
  number: 'number',
  string: 'string',
  date: 'date',
  datetime: 'datetime',
  decimal: 'decimal',
  array: 'array',
};

const STANDARD_RESULT: Partial<Record<string, StaticType>> = {
  '==': 'boolean',
  '===': 'boolean',
  '!=': 'boolean',
  '!==': 'boolean',
  '>': 'boolean',
  '>=': 'boolean',
  '<': 'boolean',
  '<=': 'boolean',
  '!': 'boolean',
  '!!': 'boolean',
  in: 'boolean',
  all: 'boolean',
  some: 'boolean',
  none: 'boolean',
  cat: 'string',
  substr: 'string',
  '+': 'number',
  '-': 'number',
  '*': 'number',
  '/': 'number',
  '%': 'number',
  min: 'number',
  max: 'number',
  merge: 'array',
  map: 'array',
  filter: 'array',
  missing: 'array',
  missing_some: 'array',
};

const SCOPED = new Set(['map', 'filter', 'all', 'some', 'none', 'reduce']);
const COMPARISONS = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
const TEMPORAL = new Set<StaticType>(['date', 'datetime']);
const NUMERIC = new Set<StaticType>(['integer', 'decimal', 'number']);
const TEXTUAL = new Set<StaticType>(['text', 'uuid', 'string', 'integer', 'decimal', 'number']);

const literalOf = (t: Typed): unknown => t.literal?.value;
const isTemporalLiteral = (value: unknown) => parseDate(value) !== null || parseDateTime(value) !== null;

function describe(t: Typed): string {
  if (t.field) return `field "${t.field.key}" (${t.field.kind})`;
  if (t.literal) return `literal ${JSON.stringify(t.literal.value)}`;
  return `a ${t.type} value`;
}

function literalType(value: unknown): StaticType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'any';
}

/** Does an operand fit what a platform parameter expects? */
function fits(param: ParamType, t: Typed): boolean {
  if (t.type === 'any' || t.type === 'null') return true;
  switch (param) {
    case 'any':
    case 'field':
      return true;
    case 'temporal':
    case 'datetime':
      return TEMPORAL.has(t.type) || (t.literal !== undefined && isTemporalLiteral(literalOf(t)));
    case 'text':
      return TEXTUAL.has(t.type);
    case 'decimal':
      return (
        NUMERIC.has(t.type) ||
        (t.type === 'string' && t.literal !== undefined && isDecimalLiteral(literalOf(t)))
      );
    case 'integer':
      return t.type === 'integer' || (t.type === 'number' && Number.isInteger(literalOf(t) ?? 0));
    case 'list':
      return t.type === 'array' || t.type === 'textArray';
    case 'unit':
      return (
        typeof literalOf(t) === 'string' && (DATE_UNITS as readonly string[]).includes(literalOf(t) as string)
      );
  }
}

class Checker {
  readonly issues: CheckIssue[] = [];
  private readonly fields = new Map<string, CheckField>();
  private readonly limits;
  private nodes = 0;

  constructor(private readonly options: CheckOptions) {
    for (const field of options.fields) this.fields.set(field.key, field);
    this.limits = resolveLimits(options.limits);
  }

  report(path: string, code: CheckCode, message: string): void {
    this.issues.push({ path, code, message });
  }

  visit(node: unknown, path: string, depth: number, scoped: boolean): Typed {
    this.nodes++;
    if (this.nodes === this.limits.maxNodes + 1)
      this.report(path, 'rule_too_large', `more than ${this.limits.maxNodes} nodes`);
    if (depth === this.limits.maxDepth + 1)
      this.report(path, 'rule_too_deep', `deeper than ${this.limits.maxDepth}`);
    if (Array.isArray(node)) {
      const items = node.map((item, i) => this.visit(item, pointer(path, i), depth + 1, scoped));
      return items.every((t) => t.literal !== undefined)
        ? { type: 'array', literal: { value: items.map(literalOf) } }
        : { type: 'array' };
    }
    if (!isLogic(node)) return { type: literalType(node), literal: { value: node } };
    const op = operatorOf(node);
    const opPath = pointer(path, op);
    const raw = node[op];
    const args = argsOf(node);
    const argPath = (i: number) => (Array.isArray(raw) ? pointer(opPath, i) : opPath);
    const arity = isPlatformOp(op)
      ? PLATFORM_OPS[op].arity
      : STANDARD_ARITY[op as keyof typeof STANDARD_ARITY];
    if (!arity || !Object.hasOwn(isPlatformOp(op) ? PLATFORM_OPS : STANDARD_ARITY, op)) {
      this.report(opPath, 'unknown_operator', `unknown operator ${JSON.stringify(op)}`);
      for (const [i, a] of args.entries()) this.visit(a, argPath(i), depth + 1, scoped);
      return { type: 'any' };
    }
    if (args.length < arity[0] || args.length > arity[1]) {
      const want =
        arity[0] === arity[1]
          ? `${arity[0]}`
          : arity[1] === MANY
            ? `at least ${arity[0]}`
            : `${arity[0]}..${arity[1]}`;
      this.report(opPath, 'bad_arity', `${op} takes ${want} argument(s), got ${args.length}`);
    }
    if (this.options.allowedOps && !this.options.allowedOps.includes(op)) {
      this.report(opPath, 'operator_not_allowed', `${op} is not allowed here`);
    }
    if (isPlatformOp(op)) {
      const contexts = PLATFORM_OPS[op].contexts;
      if (contexts && !contexts.includes(this.options.context)) {
        this.report(
          opPath,
          'operator_not_allowed',
          `${op} is only allowed in ${contexts.join(', ')} rules, not ${this.options.context}`,
        );
      }
    }
    if (op === 'var') return this.checkVar(args, argPath, depth, scoped);
    if (SCOPED.has(op)) {
      this.visit(args[0], argPath(0), depth + 1, scoped);
      for (let i = 1; i < args.length; i++) this.visit(args[i], argPath(i), depth + 1, i === 1 || scoped);
      return { type: STANDARD_RESULT[op] ?? 'any' };
    }
    const typed = args.map((a, i) => this.visit(a, argPath(i), depth + 1, scoped));
    if (op === 'old' || op === 'new' || op === 'changed') return this.checkRecordOp(op, typed[0], argPath(0));
    if (isPlatformOp(op)) return this.checkPlatform(op, typed, argPath);
    if (COMPARISONS.has(op)) this.checkComparison(op, typed, argPath, opPath);
    if (op === 'in') this.checkIn(typed[0], typed[1], argPath);
    return { type: STANDARD_RESULT[op] ?? 'any' };
  }

  private field(key: unknown, at: string): CheckField | undefined {
    if (typeof key !== 'string' && typeof key !== 'number') return undefined;
    if (isForbiddenPath(key)) {
      this.report(at, 'forbidden_path', `path ${JSON.stringify(key)} names a forbidden property`);
      return undefined;
    }
    const name = String(key).split('.')[0]!;
    const field = this.fields.get(name);
    if (!field) {
      this.report(at, 'unknown_field', `unknown field "${name}"`);
      return undefined;
    }
    if (field.hidden) this.report(at, 'hidden_field', `field "${name}" is hidden from this user`);
    return field;
  }

  private checkVar(args: unknown[], argPath: (i: number) => string, depth: number, scoped: boolean): Typed {
    const [path, fallback] = args;
    if (fallback !== undefined) this.visit(fallback, argPath(1), depth + 1, scoped);
    if (typeof path === 'object' && path !== null) {
      this.visit(path, argPath(0), depth + 1, scoped);
      if (!scoped) this.report(argPath(0), 'computed_path', 'a computed var path can read any field');
      return { type: 'any' };
    }
    if (path === undefined || path === null || path === '') return { type: 'any' };
    if (scoped) {
      if (isForbiddenPath(path))
        this.report(argPath(0), 'forbidden_path', `path ${JSON.stringify(path)} names a forbidden property`);
      return { type: 'any' };
    }
    const field = this.field(path, argPath(0));
    if (!field || String(path).includes('.')) return { type: 'any' };
    return { type: field.kind, field };
  }

  private checkRecordOp(op: string, key: Typed | undefined, at: string): Typed {
    const value = key ? literalOf(key) : undefined;
    if (key?.literal === undefined) {
      this.report(at, 'computed_path', `${op} needs a literal field key`);
      return { type: 'any' };
    }
    const field = this.field(value, at);
    if (op === 'changed') return { type: 'boolean' };
    return field ? { type: field.kind, field } : { type: 'any' };
  }

  private checkPlatform(
    op: keyof typeof PLATFORM_OPS,
    typed: Typed[],
    argPath: (i: number) => string,
  ): Typed {
    const spec = PLATFORM_OPS[op];
    typed.forEach((t, i) => {
      const param = spec.params[Math.min(i, spec.params.length - 1)];
      if (param && !fits(param, t)) {
        this.report(
          argPath(i),
          'type_mismatch',
          `${op} expects ${param} for argument ${i + 1}, got ${describe(t)}`,
        );
      }
    });
    if (op === 'regex_match') {
      try {
        compileSafeRegex(
          literalOf(typed[1] ?? { type: 'any' }),
          literalOf(typed[2] ?? { type: 'any' }),
          this.limits,
        );
      } catch (error) {
        if (error instanceof RuleError)
          this.report(argPath(1), 'unsafe_regex', error.detail ?? error.message);
      }
    }
    if (op === 'in_list') this.checkIn(typed[0], typed[1], argPath, true);
    if (op === 'between') this.checkComparison(op, typed, argPath, argPath(0));
    if (op === 'date_add')
      return {
        type:
          typed[0]?.type === 'date' || parseDate(literalOf(typed[0] ?? { type: 'any' }))
            ? 'date'
            : 'datetime',
      };
    return { type: RESULT_TYPES[spec.result] };
  }

  private checkComparison(op: string, typed: Typed[], argPath: (i: number) => string, opPath: string): void {
    const field = typed.find((t) => t.field)?.field;
    if (!field) return;
    typed.forEach((t, i) => {
      if (t.field === field || t.type === 'any' || t.type === 'null') return;
      const value = literalOf(t);
      if (TEMPORAL.has(field.kind)) {
        const ok = TEMPORAL.has(t.type) || (t.literal !== undefined && isTemporalLiteral(value));
        if (!ok)
          this.report(
            argPath(i),
            'type_mismatch',
            `${op} compares ${describe({ type: field.kind, field })} with ${describe(t)}`,
          );
        return;
      }
      if (
        NUMERIC.has(field.kind) &&
        t.type === 'string' &&
        t.literal !== undefined &&
        !isDecimalLiteral(value)
      ) {
        this.report(
          argPath(i),
          'type_mismatch',
          `${op} compares numeric field "${field.key}" with non-numeric ${describe(t)}`,
        );
        return;
      }
      if (TEMPORAL.has(t.type) && !TEMPORAL.has(field.kind)) {
        this.report(
          argPath(i),
          'type_mismatch',
          `${op} compares ${describe({ type: field.kind, field })} with a ${t.type}`,
        );
        return;
      }
      if (field.kind === 'textArray' && op !== '==' && op !== '!=') {
        this.report(opPath, 'type_mismatch', `${op} cannot order multi-select field "${field.key}"`);
        return;
      }
      if (
        field.options &&
        typeof value === 'string' &&
        (op === '==' || op === '===' || op === '!=' || op === '!==')
      ) {
        if (!field.options.includes(value)) {
          this.report(argPath(i), 'unknown_option', `"${value}" is not an option of field "${field.key}"`);
        }
      }
    });
  }

  private checkIn(
    a: Typed | undefined,
    b: Typed | undefined,
    argPath: (i: number) => string,
    listOnly = false,
  ): void {
    if (!a || !b) return;
    if (a.field?.options && b.literal && Array.isArray(b.literal.value)) {
      for (const item of b.literal.value) {
        if (typeof item === 'string' && !a.field.options.includes(item)) {
          this.report(argPath(1), 'unknown_option', `"${item}" is not an option of field "${a.field.key}"`);
        }
      }
    }
    if (!listOnly && b.field?.kind === 'textArray' && b.field.options && typeof literalOf(a) === 'string') {
      if (!b.field.options.includes(literalOf(a) as string)) {
        this.report(
          argPath(0),
          'unknown_option',
          `"${literalOf(a)}" is not an option of field "${b.field.key}"`,
        );
      }
    }
    if (a.field && TEMPORAL.has(a.field.kind) && b.literal && Array.isArray(b.literal.value)) {
      if (!b.literal.value.every((v) => v === null || isTemporalLiteral(v))) {
        this.report(
          argPath(1),
          'type_mismatch',
          `list for date field "${a.field.key}" holds non-date values`,
        );
      }
    }
  }
}

/**
 * Statically checks a rule against the fields a user may see and the place it is used. Returns every
 * problem found (empty when the rule is fine), each with a JSON pointer into the rule.
 *
 * @example
 * checkRule({ '<': [{ var: 'signed_on' }, 5] }, {
 *   fields: [{ key: 'signed_on', kind: 'date' }], context: 'filter',
 * }) // [{ path: '/</1', code: 'type_mismatch', message: '< compares field "signed_on" (date) with literal 5' }]
 */
export function checkRule(rule: unknown, options: CheckOptions): CheckIssue[] {
  const checker = new Checker(options);
  checker.visit(rule, '', 0, false);
  return checker.issues;
}
