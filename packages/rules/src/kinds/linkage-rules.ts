import { evaluateRule } from '../compiled/rule-compiler.js';
import type { EvalContext } from '../core/eval-context.js';
import type { Rule } from '../core/json-value.js';
import { truthy } from '../core/json-value.js';
import { RuleError } from '../core/rule-error.js';
import { sameValue } from '../ops/record-ops.js';

/** What a linkage rule does to its fields when its condition holds. */
export type LinkageAction = 'show' | 'hide' | 'require' | 'readOnly' | 'setValue';

/** A form linkage rule. `value` (a rule evaluated over the record) is used by `setValue`. */
export interface LinkageRule {
  readonly id: string;
  readonly when: Rule;
  readonly action: LinkageAction;
  readonly fields: readonly string[];
  readonly value?: Rule;
}

/** The state of one form field after linkage. */
export interface FieldState {
  readonly visible: boolean;
  readonly required: boolean;
  readonly readOnly: boolean;
  /** Present when a `setValue` rule matched: the value to put in the field. */
  readonly value?: unknown;
}

/** Options for {@link evaluateLinkage}. */
export interface LinkageOptions {
  /** The fields' states before linkage (default: visible, optional, editable). */
  readonly base?: Readonly<Record<string, Partial<FieldState>>>;
  readonly ctx?: EvalContext;
  /** How many passes set values may take to settle (default 10). */
  readonly maxPasses?: number;
}

/** The outcome of {@link evaluateLinkage}. */
export interface LinkageResult {
  readonly fields: Record<string, FieldState>;
  /** The record with every set value applied. */
  readonly record: Record<string, unknown>;
}

interface Draft {
  shown: boolean | null; // null: no show rule targets the field
  hidden: boolean;
  required: boolean;
  readOnly: boolean;
  value?: { v: unknown };
}

// The state of a field no rule touches.
function baseState(b: Partial<FieldState>): FieldState {
  return { visible: b.visible ?? true, required: b.required ?? false, readOnly: b.readOnly ?? false };
}

const APPLY: Record<LinkageAction, (draft: Draft, matched: boolean, value: () => unknown) => void> = {
  show: (d, m) => {
    d.shown = (d.shown ?? false) || m;
  },
  hide: (d, m) => {
    d.hidden = d.hidden || m;
  },
  require: (d, m) => {
    d.required = d.required || m;
  },
  readOnly: (d, m) => {
    d.readOnly = d.readOnly || m;
  },
  setValue: (d, m, value) => {
    if (m) d.value = { v: value() };
  },
};

/**
 * Evaluates form linkage rules to a field-state map. A field with `show` rules is visible only while
 * one of them matches; any matching `hide` hides it; `require`/`readOnly` add to the base state;
 * the last matching `setValue` wins. Set values feed back into the record until nothing changes.
 *
 * @example
 * evaluateLinkage([{ id: 'r1', when: { '==': [{ var: 'type' }, 'company'] }, action: 'show', fields: ['tax_id'] }],
 *   { type: 'person' }).fields.tax_id.visible // false
 */
export function evaluateLinkage(
  rules: readonly LinkageRule[],
  record: Readonly<Record<string, unknown>>,
  options: LinkageOptions = {},
): LinkageResult {
  const maxPasses = options.maxPasses ?? 10;
  const base = options.base ?? {};
  let current: Record<string, unknown> = { ...record };
  for (let pass = 0; pass < maxPasses; pass++) {
    // Drafts only for the fields rules touch; the others keep their base state.
    const drafts = new Map<string, Draft>();
    const draftOf = (key: string): Draft => {
      let draft = drafts.get(key);
      if (!draft) {
        const b = base[key];
        draft = {
          shown: null,
          hidden: false,
          required: b?.required ?? false,
          readOnly: b?.readOnly ?? false,
        };
        drafts.set(key, draft);
      }
      return draft;
    };
    for (const rule of rules) {
      const matched = truthy(evaluateRule(rule.when, current, options.ctx));
      const data = current;
      const value = () => (rule.value === undefined ? null : evaluateRule(rule.value, data, options.ctx));
      for (const key of rule.fields) APPLY[rule.action](draftOf(key), matched, value);
    }
    const fields: Record<string, FieldState> = {};
    let setsValue = false;
    const stateOf = (key: string, d: Draft): FieldState => {
      const visible = (d.shown ?? base[key]?.visible ?? true) && !d.hidden;
      if (d.value) setsValue = true;
      return {
        visible,
        required: d.required,
        readOnly: d.readOnly,
        ...(d.value ? { value: d.value.v } : {}),
      };
    };
    // Base fields first, in their order, then fields only rules name.
    for (const key in base) {
      const d = drafts.get(key);
      fields[key] = d ? stateOf(key, d) : baseState(base[key]!);
    }
    for (const [key, d] of drafts) if (!(key in fields)) fields[key] = stateOf(key, d);
    if (!setsValue) return { fields, record: current };
    const next = { ...current };
    for (const [key, d] of drafts) if (d.value) next[key] = d.value.v;
    if (sameValue(next, current)) return { fields, record: next };
    current = next;
  }
  throw new RuleError('linkage_cycle', `no fixed point after ${maxPasses} passes`);
}
