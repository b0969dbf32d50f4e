import { referencedFields } from '../checker/referenced-fields.js';
import { evaluateRule } from '../compiled/rule-compiler.js';
import type { FieldKind } from '../core/field-kind.js';
import { argsOf, isLogic, operatorOf, truthy } from '../core/json-value.js';
import type { AssignmentRuleSet } from './assignment-rules.js';

/** A field as gap/shadow analysis sees it; fields with options are enumerated. */
export interface AnalysisField {
  readonly key: string;
  readonly kind: FieldKind;
  readonly options?: readonly string[];
}

/** An input combination no rule matches. */
export interface AssignmentGap {
  /** Select field values (null = empty; a multi-select shows one chosen option or none). */
  readonly values: Readonly<Record<string, string | null>>;
  /** False when rules over non-enumerable fields might still match it. */
  readonly certain: boolean;
}

/** A rule that can never fire because an earlier rule matches whenever it does. */
export interface ShadowedRule {
  readonly ruleId: string;
  readonly shadowedBy: string;
}

/** The outcome of {@link analyzeAssignmentRules}. */
export interface AssignmentAnalysis {
  readonly missingFallback: boolean;
  readonly gaps: readonly AssignmentGap[];
  readonly shadowed: readonly ShadowedRule[];
  /** True when there were too many combinations and enumeration stopped early. */
  readonly truncated: boolean;
}

const MAX_COMBINATIONS = 4_096;

/** field key → allowed values; an empty map means "always true"; null means "not understood". */
type Constraints = Map<string, Set<string>> | null;

function constraintsOf(node: unknown): Constraints {
  if (node === true) return new Map();
  if (!isLogic(node)) return null;
  const op = operatorOf(node);
  const args = argsOf(node);
  const varKey = (n: unknown) =>
    isLogic(n) && operatorOf(n) === 'var' && typeof argsOf(n)[0] === 'string'
      ? (argsOf(n)[0] as string)
      : null;
  if (op === '==' || op === '===') {
    const [a, b] = args;
    const key = varKey(a) ?? varKey(b);
    const value = varKey(a) ? b : a;
    return key && typeof value === 'string' ? new Map([[key, new Set([value])]]) : null;
  }
  if (op === 'in' || op === 'in_list') {
    const key = varKey(args[0]);
    const list = args[1];
    if (!key || !Array.isArray(list) || !list.every((v) => typeof v === 'string')) return null;
    return new Map([[key, new Set(list as string[])]]);
  }
  if (op === 'and') {
    const merged = new Map<string, Set<string>>();
    for (const part of args) {
      const c = constraintsOf(part);
      if (!c) return null;
      for (const [key, set] of c) {
        const prior = merged.get(key);
        merged.set(key, prior ? new Set([...prior].filter((v) => set.has(v))) : set);
      }
    }
    return merged;
  }
  return null;
}

/** True when every input satisfying `later` satisfies `earlier`. */
function implies(later: Map<string, Set<string>>, earlier: Map<string, Set<string>>): boolean {
  for (const [key, allowed] of earlier) {
    const narrowed = later.get(key);
    if (!narrowed) return false;
    for (const v of narrowed) if (!allowed.has(v)) return false;
  }
  return true;
}

/**
 * Finds assignment-rule problems statically: a missing fallback; gaps (combinations of select-field
 * options no rule matches, found by enumerating the options plus "empty"); and shadowed rules (a later
 * rule whose condition implies an earlier one's — from equality/in-list constraints, or by enumeration
 * when both rules read only select fields).
 */
export function analyzeAssignmentRules(
  ruleSet: AssignmentRuleSet,
  fields: readonly AnalysisField[],
): AssignmentAnalysis {
  const selects = new Map(fields.filter((f) => f.options && f.options.length > 0).map((f) => [f.key, f]));
  const reads = ruleSet.rules.map((r) => referencedFields(r.condition));
  const enumerable = reads.map((r) => r.computedPaths.length === 0 && r.keys.every((k) => selects.has(k)));
  const used = [...new Set(reads.flatMap((r) => r.keys.filter((k) => selects.has(k))))].sort();

  // Enumerate combinations of the select fields any rule reads.
  const domains = used.map((key) => {
    const field = selects.get(key)!;
    const values: (string | null)[] = [...field.options!, null];
    return { key, field, values };
  });
  const combos: Record<string, string | null>[] = [];
  let truncated = false;
  const build = (i: number, acc: Record<string, string | null>) => {
    if (combos.length >= MAX_COMBINATIONS) {
      truncated = true;
      return;
    }
    if (i === domains.length) {
      combos.push({ ...acc });
      return;
    }
    for (const value of domains[i]!.values) build(i + 1, { ...acc, [domains[i]!.key]: value });
  };
  build(0, {});
  const recordOf = (combo: Record<string, string | null>) => {
    const record: Record<string, unknown> = {};
    for (const { key, field } of domains) {
      const v = combo[key] ?? null;
      record[key] = field.kind === 'textArray' ? (v === null ? [] : [v]) : v;
    }
    return record;
  };
  const matches = ruleSet.rules.map((rule, i) =>
    enumerable[i] ? combos.map((combo) => safeTruthy(rule.condition, recordOf(combo))) : null,
  );

  const gaps: AssignmentGap[] = [];
  const anyOpaque = enumerable.some((e) => !e);
  combos.forEach((combo, c) => {
    if (!matches.some((m) => m?.[c] === true)) gaps.push({ values: combo, certain: !anyOpaque });
  });

  const shadowed: ShadowedRule[] = [];
  const constraints = ruleSet.rules.map((r) => constraintsOf(r.condition));
  for (let j = 1; j < ruleSet.rules.length; j++) {
    for (let i = 0; i < j; i++) {
      const ci = constraints[i];
      const cj = constraints[j];
      const byConstraint = ci && cj && implies(cj, ci);
      const mi = matches[i];
      const mj = matches[j];
      const byEnumeration = !truncated && mi && mj?.every((hit, c) => !hit || mi[c]);
      if (byConstraint || byEnumeration) {
        shadowed.push({ ruleId: ruleSet.rules[j]!.id, shadowedBy: ruleSet.rules[i]!.id });
        break;
      }
    }
  }
  return { missingFallback: !ruleSet.fallback, gaps, shadowed, truncated };
}

function safeTruthy(rule: unknown, record: unknown): boolean {
  try {
    return truthy(evaluateRule(rule, record));
  } catch {
    return false;
  }
}
