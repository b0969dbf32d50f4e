import { type EvalContext, evaluateRule } from '@dougong/rules';

/**
 * What expressions and templates of a run can read: `record` (the trigger record, re-read before steps
 * that need it fresh), `previous` (before an update), `trigger` (the event or webhook payload), `nodes`
 * (each finished node's output by node id), `vars` (values mapped from HTTP responses), `run`.
 * @example { "var": "nodes.lookup.items.0.id" } · "Hello {{record.name}}"
 */
export interface RunScope {
  readonly record: Readonly<Record<string, unknown>> | null;
  readonly previous?: Readonly<Record<string, unknown>> | null;
  readonly trigger: unknown;
  readonly nodes: Readonly<Record<string, unknown>>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly run: { readonly id: string; readonly flow: string };
}

/** Evaluates a rule-language expression against the run's scope. */
export function evaluate(expression: unknown, scope: RunScope, ctx: EvalContext): unknown {
  return evaluateRule(expression, scope, ctx);
}

/** Evaluates an object of expressions (field key → expression). */
export function evaluateValues(
  values: Readonly<Record<string, unknown>>,
  scope: RunScope,
  ctx: EvalContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, expression] of Object.entries(values)) out[key] = evaluate(expression, scope, ctx);
  return out;
}

/** Reads a JSON Pointer (`/a/0/b`) out of a value; undefined when absent. */
export function readPointer(value: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return value;
  let current: unknown = value;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return undefined;
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
