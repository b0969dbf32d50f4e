import jsonLogic from 'json-logic-js';
import type { EvalContext, OpEnv } from '../core/eval-context.js';
import { makeEnv } from '../core/eval-env.js';
import { guardArray } from '../core/iteration-guard.js';
import { argsOf, isLogic, operatorOf } from '../core/json-value.js';
import { assertSafeKeys, assertSafePath } from '../core/path-guard.js';
import { RuleError } from '../core/rule-error.js';
import { resolveLimits } from '../core/rule-limits.js';
import { validateRule } from '../core/rule-validator.js';
import { isPlatformOp, PLATFORM_OPS } from '../ops/platform-ops.js';

/*
 * json-logic-js keeps one module-global operations table. Rather than adding ~45 names to it (which
 * would leak into every other user of the library), Dougong registers a single namespace object under
 * NAMESPACE and rewrites its rules to call `NAMESPACE.op`, json-logic-js's dotted-operation syntax.
 * The namespaced functions read the evaluation environment from a stack that only `interpret` pushes,
 * so they do nothing useful (they throw) outside a Dougong evaluation.
 */
// Each loaded copy of this module (say src and dist in one process) gets its own namespace, so one
// copy's registration never points another copy's rules at the wrong evaluation stack.
const INSTANCES = Symbol.for('@dougong/rules/json-logic-instances');
const registry = globalThis as unknown as Record<symbol, number | undefined>;
registry[INSTANCES] = (registry[INSTANCES] ?? 0) + 1;
const NAMESPACE = `__dougong_rules_${registry[INSTANCES]}__`;
const envStack: OpEnv[] = [];

function activeEnv(): OpEnv {
  const env = envStack[envStack.length - 1];
  if (!env) throw new RuleError('outside_evaluation');
  return env;
}

type Namespaced = (this: unknown, ...args: unknown[]) => unknown;
const namespace: Record<string, Namespaced> = {
  guard_array(value) {
    return guardArray(activeEnv(), value);
  },
  guard_path(path) {
    return assertSafePath(path);
  },
  guard_keys(keys) {
    return assertSafeKeys(keys);
  },
};
for (const [name, spec] of Object.entries(PLATFORM_OPS)) {
  namespace[name] = function platformOp(this: unknown, ...args: unknown[]) {
    return spec.impl(activeEnv(), this, args);
  };
}
jsonLogic.add_operation(NAMESPACE, namespace as unknown as (...args: unknown[]) => unknown);

const ITERATORS = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);
const isPrimitive = (v: unknown) => v === null || typeof v !== 'object';
const call = (name: string, arg: unknown) => ({ [`${NAMESPACE}.${name}`]: [arg] });

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!isLogic(node)) return node;
  const op = operatorOf(node);
  const raw = node[op];
  const args = argsOf(node).map(rewrite);
  const keepShape = (list: unknown[]) => (Array.isArray(raw) ? list : list[0]);
  if (isPlatformOp(op)) return { [`${NAMESPACE}.${op}`]: keepShape(args) };
  if (ITERATORS.has(op)) {
    if (args.length === 0) return { [op]: raw };
    return { [op]: [call('guard_array', args[0]), ...args.slice(1)] };
  }
  if (op === 'merge') return call('guard_array', { merge: keepShape(args) });
  if (op === 'var' && args.length > 0 && !isPrimitive(args[0])) {
    return { var: [call('guard_path', args[0]), ...args.slice(1)] };
  }
  if (op === 'missing') return { missing: args.map((a) => (isPrimitive(a) ? a : call('guard_keys', a))) };
  if (op === 'missing_some' && args.length > 1) {
    return { missing_some: [args[0], call('guard_keys', args[1]), ...args.slice(2)] };
  }
  return { [op]: keepShape(args) };
}

const prepared = new WeakMap<object, unknown>();

function prepare(rule: unknown, limitsKey: boolean, ctx: EvalContext | undefined): unknown {
  if (typeof rule !== 'object' || rule === null) return rule;
  // Custom limits bypass the cache, so a rule validated under generous bounds is re-checked under tight ones.
  const cached = limitsKey ? undefined : prepared.get(rule);
  if (cached !== undefined) return cached;
  validateRule(rule, resolveLimits(ctx?.limits));
  const result = rewrite(rule);
  if (!limitsKey) prepared.set(rule, result);
  return result;
}

/**
 * Evaluates a rule with json-logic-js 2.0.5 itself (the reference semantics) plus Dougong's platform
 * operations. The rule is validated and rewritten once per object identity (WeakMap cache).
 *
 * @example
 * interpret({ and: [{ '==': [{ var: 'region' }, 'east'] }, { dec_gt: [{ var: 'amount' }, '1000'] }] },
 *   { region: 'east', amount: '1234.50' }) // true
 */
export function interpret(rule: unknown, data: unknown, ctx?: EvalContext): unknown {
  const logic = prepare(rule, ctx?.limits !== undefined, ctx);
  envStack.push(makeEnv(data, ctx));
  try {
    return jsonLogic.apply(logic as Parameters<typeof jsonLogic.apply>[0], data);
  } finally {
    envStack.pop();
  }
}
