import type { EvalContext, OpEnv } from '../core/eval-context.js';
import { makeEnv } from '../core/eval-env.js';
import { guardArray } from '../core/iteration-guard.js';
import { argsOf, isLogic, operatorOf, truthy } from '../core/json-value.js';
import { assertSafeKeys, assertSafePath } from '../core/path-guard.js';
import { RuleError } from '../core/rule-error.js';
import { resolveLimits } from '../core/rule-limits.js';
import { validateRule } from '../core/rule-validator.js';
import { isPlatformOp, PLATFORM_OPS } from '../ops/platform-ops.js';
import { lookupVar, type SpecialFormName, STANDARD_OPS, type StandardOpName } from '../ops/standard-ops.js';
import { type CompareOp, compileCompare } from './compiled-compare.js';
import { isPrimitiveList, type Node, nodeOf, operandOf, perContext, readKey } from './compiled-operand.js';
import { platformSpecialisers } from './compiled-platform.js';

/** A rule compiled once into closures; call it like the interpreter. */
export type CompiledRule = (data: unknown, ctx?: EvalContext) => unknown;

type Builder = (args: readonly unknown[]) => Node;

function compileArgs(args: readonly unknown[]): Node[] {
  return args.map(compileNode);
}

/** Mirrors json-logic-js's special forms, which evaluate their arguments lazily. */
const SPECIAL: Record<SpecialFormName, Builder> = {
  if: (args) => compileIf(compileArgs(args)),
  '?:': (args) => compileIf(compileArgs(args)),
  and: (args) => {
    const parts = compileArgs(args);
    const [a, b] = parts;
    if (parts.length === 2 && a && b) {
      return (data, env) => {
        const first = a(data, env);
        return first === true || (first !== false && truthy(first)) ? b(data, env) : first;
      };
    }
    return (data, env) => {
      let current: unknown;
      for (let i = 0; i < parts.length; i++) {
        current = parts[i]!(data, env);
        if (current === false || (current !== true && !truthy(current))) return current;
      }
      return current;
    };
  },
  or: (args) => {
    const parts = compileArgs(args);
    const [a, b] = parts;
    if (parts.length === 2 && a && b) {
      return (data, env) => {
        const first = a(data, env);
        return first === true || (first !== false && truthy(first)) ? first : b(data, env);
      };
    }
    return (data, env) => {
      let current: unknown;
      for (let i = 0; i < parts.length; i++) {
        current = parts[i]!(data, env);
        if (current === true || (current !== false && truthy(current))) return current;
      }
      return current;
    };
  },
  filter: (args) => {
    const [source, scoped] = scopedParts(args);
    return (data, env) => {
      const items = guardArray(env, source(data, env));
      if (!Array.isArray(items)) return [];
      return items.filter((item) => truthy(scoped(item, env)));
    };
  },
  map: (args) => {
    const [source, scoped] = scopedParts(args);
    return (data, env) => {
      const items = guardArray(env, source(data, env));
      if (!Array.isArray(items)) return [];
      return items.map((item) => scoped(item, env));
    };
  },
  reduce: (args) => {
    const [source, scoped] = scopedParts(args);
    const initial = args[2] === undefined ? null : compileNode(args[2]);
    return (data, env) => {
      const items = guardArray(env, source(data, env));
      const start = initial === null ? null : initial(data, env);
      if (!Array.isArray(items)) return start;
      return items.reduce((accumulator, current) => scoped({ current, accumulator }, env), start);
    };
  },
  all: (args) => {
    const [source, scoped] = scopedParts(args);
    return (data, env) => {
      const items = guardArray(env, source(data, env));
      if (!Array.isArray(items) || !items.length) return false;
      for (const item of items) if (!truthy(scoped(item, env))) return false;
      return true;
    };
  },
  none: (args) => {
    const [source, scoped] = scopedParts(args);
    return (data, env) => {
      const items = guardArray(env, source(data, env));
      if (!Array.isArray(items) || !items.length) return true;
      for (const item of items) if (truthy(scoped(item, env))) return false;
      return true;
    };
  },
  some: (args) => {
    const [source, scoped] = scopedParts(args);
    return (data, env) => {
      const items = guardArray(env, source(data, env));
      if (!Array.isArray(items) || !items.length) return false;
      for (const item of items) if (truthy(scoped(item, env))) return true;
      return false;
    };
  },
};

function scopedParts(args: readonly unknown[]): [Node, Node] {
  return [compileNode(args[0]), compileNode(args[1])];
}

function compileIf(parts: Node[]): Node {
  return (data, env) => {
    let i = 0;
    for (; i < parts.length - 1; i += 2) {
      if (truthy(parts[i]!(data, env))) return parts[i + 1]!(data, env);
    }
    if (parts.length === i + 1) return parts[i]!(data, env);
    return null;
  };
}

const COMPARISONS = new Set<string>(['==', '!=', '===', '!==', '<', '<=', '>', '>=']);

/** Fast paths for the hottest standard operations; everything else goes through STANDARD_OPS. */
function compileStandard(op: StandardOpName, args: readonly unknown[]): Node {
  if (op === 'var') return compileVar(args);
  if (args.length === 2 && COMPARISONS.has(op)) {
    return compileCompare(op as CompareOp, operandOf(args[0], compileNode), operandOf(args[1], compileNode));
  }
  if (op === 'in' && args.length === 2) {
    const list = args[1];
    if (isPrimitiveList(list) || (typeof list === 'string' && list !== '')) {
      const a = operandOf(args[0], compileNode);
      if (a.kind === 'key') {
        const key = a.key;
        return (d) => list.indexOf(readKey(d, key) as never) !== -1;
      }
      const read = nodeOf(a);
      return (d, e) => list.indexOf(read(d, e) as never) !== -1;
    }
  }
  const parts = compileArgs(args);
  const [a] = parts;
  if (parts.length === 1 && a) {
    if (op === '!')
      return (d, e) => {
        const value = a(d, e);
        return value === false || (value !== true && !truthy(value));
      };
    if (op === '!!')
      return (d, e) => {
        const value = a(d, e);
        return value === true || (value !== false && truthy(value));
      };
  }
  const impl = STANDARD_OPS[op];
  if (op === 'merge')
    return (d, e) =>
      guardArray(
        e,
        impl(
          e,
          d,
          parts.map((p) => p(d, e)),
        ),
      );
  if (op === 'missing') {
    return (d, e) =>
      impl(
        e,
        d,
        parts.map((p) => assertSafeKeys(p(d, e))),
      );
  }
  if (op === 'missing_some') {
    return (d, e) =>
      impl(
        e,
        d,
        parts.map((p, i) => (i === 1 ? assertSafeKeys(p(d, e)) : p(d, e))),
      );
  }
  return (d, e) =>
    impl(
      e,
      d,
      parts.map((p) => p(d, e)),
    );
}

function compileVar(args: readonly unknown[]): Node {
  const [pathArg, defaultArg] = args;
  const fallback = defaultArg === undefined ? undefined : compileNode(defaultArg);
  const isLiteralPath = pathArg === null || typeof pathArg !== 'object';
  if (isLiteralPath && fallback === undefined) {
    if (pathArg === undefined || pathArg === '' || pathArg === null) return (data) => data;
    const segments = String(pathArg).split('.');
    if (segments.length === 1) {
      // The path was checked against __proto__/constructor/prototype by validateRule, at compile time.
      const key = segments[0]!;
      return (data) => readKey(data, key);
    }
    return (data) => {
      let current = data;
      for (const segment of segments) {
        if (current === null || current === undefined) return null;
        current = (current as Record<string, unknown>)[segment];
        if (current === undefined) return null;
      }
      return current;
    };
  }
  const path = compileNode(pathArg);
  return (data, env) => lookupVar(data, assertSafePath(path(data, env)), fallback?.(data, env));
}

const RECORD_READERS = new Set(['var', 'missing', 'missing_some', 'old', 'new', 'changed']);

/** True for a subtree that reads neither the record nor the scope (e.g. `date_add(today, -7, day)`). */
function readsNoData(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(readsNoData);
  if (!isLogic(node)) return true;
  const op = operatorOf(node);
  return !RECORD_READERS.has(op) && argsOf(node).every(readsNoData);
}

/**
 * Compiles a node; a logic subtree that reads no data depends only on the context, so its value is
 * memoised per context object (results are primitives or fresh copies, so sharing is safe).
 */
function compileNode(logic: unknown): Node {
  const node = compileNodeUncached(logic);
  if (!isLogic(logic) || !readsNoData(logic)) return node;
  const memo = perContext((env) => node(undefined, env));
  return (_data, env) => {
    const value = memo(env);
    return typeof value === 'object' && value !== null ? structuredClone(value) : value;
  };
}

const FAST_PLATFORM = platformSpecialisers(readsNoData);

function compileNodeUncached(logic: unknown): Node {
  if (Array.isArray(logic)) {
    const items = logic.map(compileNode);
    return (data, env) => items.map((item) => item(data, env));
  }
  if (!isLogic(logic)) return () => logic;
  const op = operatorOf(logic);
  const args = argsOf(logic);
  if (Object.hasOwn(SPECIAL, op)) return SPECIAL[op as SpecialFormName](args);
  if (Object.hasOwn(STANDARD_OPS, op)) return compileStandard(op as StandardOpName, args);
  if (isPlatformOp(op)) {
    const fast = FAST_PLATFORM[op]?.(args, compileNode);
    if (fast) return fast;
    const impl = PLATFORM_OPS[op].impl;
    const parts = compileArgs(args);
    const [a, b] = parts;
    if (parts.length === 0) return (data, env) => impl(env, data, []);
    if (parts.length === 1 && a) return (data, env) => impl(env, data, [a(data, env)]);
    if (parts.length === 2 && a && b) return (data, env) => impl(env, data, [a(data, env), b(data, env)]);
    return (data, env) =>
      impl(
        env,
        data,
        parts.map((p) => p(data, env)),
      );
  }
  throw new RuleError('unknown_operator', JSON.stringify(op));
}

/** Operations that use per-evaluation state: an iteration budget, or the root record. */
const PER_EVALUATION = new Set(['filter', 'map', 'reduce', 'all', 'none', 'some', 'merge', 'new', 'changed']);

function needsOwnEnv(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(needsOwnEnv);
  if (!isLogic(node)) return false;
  return PER_EVALUATION.has(operatorOf(node)) || argsOf(node).some(needsOwnEnv);
}

/** A rule ready to run: picks its environment, then evaluates. */
type Runner = (data: unknown, ctx?: EvalContext) => unknown;

const NO_CONTEXT_ENV = makeEnv(undefined, undefined);
let lastCtx: EvalContext | undefined;
let lastEnv: OpEnv = NO_CONTEXT_ENV;
const sharedEnvs = new WeakMap<EvalContext, OpEnv>();

/**
 * The environment of a rule that keeps no per-evaluation state (no iteration budget, no `new`): it
 * depends only on the context, so it is built once per context object rather than once per call.
 */
function sharedEnv(ctx: EvalContext | undefined): OpEnv {
  if (ctx === undefined) return NO_CONTEXT_ENV;
  if (ctx === lastCtx) return lastEnv;
  // Callers often build a new context object per evaluation with the same readings (an import's
  // thousands of records): the previous one's environment serves, without a weak-map entry per object.
  if (lastCtx !== undefined && sameReadings(ctx, lastCtx)) {
    lastCtx = ctx;
    return lastEnv;
  }
  let env = sharedEnvs.get(ctx);
  if (!env) {
    env = makeEnv(undefined, ctx);
    sharedEnvs.set(ctx, env);
  }
  lastCtx = ctx;
  lastEnv = env;
  return env;
}

/** Whether two contexts read the same to every operation (the fields of {@link EvalContext}). */
function sameReadings(a: EvalContext, b: EvalContext): boolean {
  return (
    a.timeZone === b.timeZone &&
    a.user === b.user &&
    a.previous === b.previous &&
    a.limits === b.limits &&
    (a.now === b.now || (a.now !== undefined && b.now !== undefined && a.now.getTime() === b.now.getTime()))
  );
}

const cache = new WeakMap<object, Runner>();

function compiledRunner(rule: unknown, ctx: EvalContext | undefined): Runner {
  if (typeof rule !== 'object' || rule === null) return () => rule;
  const custom = ctx?.limits !== undefined;
  const cached = custom ? undefined : cache.get(rule);
  if (cached) return cached;
  validateRule(rule, resolveLimits(ctx?.limits));
  const node = compileNode(rule);
  const runner: Runner = needsOwnEnv(rule)
    ? (data, evalCtx) => node(data, makeEnv(data, evalCtx))
    : (data, evalCtx) => node(data, evalCtx === lastCtx ? lastEnv : sharedEnv(evalCtx));
  if (!custom) cache.set(rule, runner);
  return runner;
}

/**
 * Compiles a rule once into nested closures (no `eval`, no `new Function`) and caches it by object
 * identity. The result agrees exactly with {@link interpret}, JavaScript coercions included.
 *
 * @example
 * const isBig = compileRule({ '>': [{ var: 'amount' }, 1000] });
 * isBig({ amount: 1500 }) // true
 */
export function compileRule(rule: unknown, ctx?: EvalContext): CompiledRule {
  const run = compiledRunner(rule, ctx);
  return ctx === undefined ? run : (data, evalCtx) => run(data, evalCtx ?? ctx);
}

/** Evaluates a rule with the compiled backend (compiling and caching it on first use). */
export function evaluateRule(rule: unknown, data: unknown, ctx?: EvalContext): unknown {
  return compiledRunner(rule, ctx)(data, ctx);
}
