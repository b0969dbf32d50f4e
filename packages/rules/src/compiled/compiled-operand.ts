import type { OpEnv } from '../core/eval-context.js';
import { argsOf, isLogic, operatorOf } from '../core/json-value.js';

/** A compiled rule node: the current scope and the evaluation environment in, a value out. */
export type Node = (data: unknown, env: OpEnv) => unknown;

/** Compiles one rule node (passed to the specialisers so they need not import the compiler). */
export type CompileFn = (logic: unknown) => Node;

/**
 * What the compiler knows about an argument before run time, so operations can specialise on it:
 * a literal, a `var` of one constant key (read inline, its path already checked by `validateRule`),
 * or any other node.
 */
export type Operand =
  | { readonly kind: 'lit'; readonly value: unknown }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'node'; readonly node: Node };

/** Reads one key of the scope exactly as json-logic-js's `var` does (missing and undefined read as null). */
export function readKey(data: unknown, key: string): unknown {
  if (data === null || data === undefined) return null;
  const value = (data as Record<string, unknown>)[key];
  return value === undefined ? null : value;
}

/** The constant single key of `{"var": "k"}` (no dot, no default), else undefined. */
export function constantKey(logic: unknown): string | undefined {
  if (!isLogic(logic) || operatorOf(logic) !== 'var') return undefined;
  const args = argsOf(logic);
  const [path] = args;
  if (args.length !== 1 || path === null || path === undefined || path === '') return undefined;
  if (typeof path !== 'string' && typeof path !== 'number') return undefined;
  const key = String(path);
  return key.includes('.') ? undefined : key;
}

/** Classifies an argument; literal arrays stay nodes, since json-logic-js builds a fresh array each time. */
export function operandOf(arg: unknown, compile: CompileFn): Operand {
  if (!Array.isArray(arg) && !isLogic(arg)) return { kind: 'lit', value: arg };
  const key = constantKey(arg);
  if (key !== undefined) return { kind: 'key', key };
  return { kind: 'node', node: compile(arg) };
}

/** The node that evaluates an operand. */
export function nodeOf(operand: Operand): Node {
  switch (operand.kind) {
    case 'lit': {
      const value = operand.value;
      return () => value;
    }
    case 'key': {
      const key = operand.key;
      return (data) => readKey(data, key);
    }
    case 'node':
      return operand.node;
  }
}

/** True for a literal array whose items are all primitives (safe to share: operations only read it). */
export function isPrimitiveList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object');
}

/**
 * Memoises a value that depends only on the evaluation context (clock, user), keyed by the context
 * object: a one-entry cache for the common case of one context per batch, a WeakMap behind it.
 * Contexts are treated as immutable, as everywhere in this package.
 */
export function perContext<T>(compute: (env: OpEnv) => T): (env: OpEnv) => T {
  let lastCtx: object | undefined;
  let lastValue: T | undefined;
  const memo = new WeakMap<object, { value: T }>();
  return (env) => {
    const ctx = env.ctx;
    if (ctx === lastCtx) return lastValue as T;
    let hit = memo.get(ctx);
    if (!hit) {
      hit = { value: compute(env) };
      memo.set(ctx, hit);
    }
    lastCtx = ctx;
    lastValue = hit.value;
    return hit.value;
  };
}
