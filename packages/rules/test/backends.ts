import { type EvalContext, evaluateRule, interpret } from '../src/index.js';

/** The in-memory backends every table-driven case runs through. */
export const BACKENDS: readonly {
  name: string;
  run: (rule: unknown, data: unknown, ctx?: EvalContext) => unknown;
}[] = [
  { name: 'interpreter', run: interpret },
  { name: 'compiled', run: evaluateRule },
];

/** Runs a thunk and returns its value or the thrown error's code/message, for comparing backends. */
export function outcome(fn: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: fn() };
  } catch (error) {
    const e = error as { code?: string; constructor: { name: string } };
    return { error: e.code ?? e.constructor.name };
  }
}
