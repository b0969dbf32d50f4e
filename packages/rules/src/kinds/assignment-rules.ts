import { evaluateRule } from '../compiled/rule-compiler.js';
import type { EvalContext } from '../core/eval-context.js';
import type { Rule } from '../core/json-value.js';
import { truthy } from '../core/json-value.js';
import { describeCondition, type FieldLabel } from './condition-describer.js';
import type { LocalizedText } from './localized-text.js';

/** How an owner is picked among a target's candidates. */
export type AssignmentStrategy = 'fixed' | 'round-robin' | 'least-loaded' | 'weighted';

/** Who a rule assigns to: a team (its active members are the candidates) or one user. */
export type AssignmentTarget = { readonly team: string } | { readonly user: string };

/** One assignment rule; rules are tried in order and the first match wins. */
export interface AssignmentRule {
  readonly id: string;
  readonly condition: Rule;
  readonly target: AssignmentTarget;
  readonly strategy: AssignmentStrategy;
  /** For `weighted`: user id → positive weight (members without one weigh 1). */
  readonly weights?: Readonly<Record<string, number>>;
}

/** Used when no rule matches. */
export interface AssignmentFallback {
  readonly target: AssignmentTarget;
  readonly strategy: AssignmentStrategy;
  readonly weights?: Readonly<Record<string, number>>;
}

/** An ordered rule list plus its fallback. */
export interface AssignmentRuleSet {
  readonly rules: readonly AssignmentRule[];
  readonly fallback?: AssignmentFallback;
}

/** The candidates' current state, loaded by the caller; assignment itself is pure. */
export interface AssignmentState {
  readonly teams: Readonly<
    Record<string, { readonly name: LocalizedText; readonly members: readonly string[] }>
  >;
  readonly users: Readonly<
    Record<string, { readonly name: LocalizedText; readonly active?: boolean; readonly openCount?: number }>
  >;
  /** Round-robin cursors by team id. */
  readonly cursors?: Readonly<Record<string, number>>;
  /** Smooth weighted round-robin current weights, by rule id (or `fallback`). */
  readonly weighted?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** A state update the caller persists after assigning. */
export type AssignmentStateChange =
  | { readonly kind: 'cursor'; readonly team: string; readonly next: number }
  | { readonly kind: 'weights'; readonly key: string; readonly current: Readonly<Record<string, number>> }
  | { readonly kind: 'openCount'; readonly user: string; readonly next: number };

/** The outcome of {@link assignOwner}. */
export interface AssignmentResult {
  readonly owner: string | null;
  /** The matching rule's id, `fallback`, or null when nobody could be chosen. */
  readonly ruleId: string | null;
  readonly changes: readonly AssignmentStateChange[];
  readonly explanation: LocalizedText;
}

/** Options for {@link assignOwner}. */
export interface AssignOptions {
  readonly labels?: readonly FieldLabel[];
  readonly ctx?: EvalContext;
}

interface Pick {
  readonly owner: string;
  readonly changes: AssignmentStateChange[];
}

type Chooser = (
  candidates: readonly string[],
  target: AssignmentTarget,
  key: string,
  state: AssignmentState,
  weights: Readonly<Record<string, number>> | undefined,
) => Pick;

const CHOOSERS: Record<AssignmentStrategy, Chooser> = {
  fixed: (candidates) => ({ owner: candidates[0]!, changes: [] }),
  'round-robin': (candidates, target, _key, state) => {
    if (!('team' in target)) return { owner: candidates[0]!, changes: [] };
    const cursor = Math.abs(Math.trunc(state.cursors?.[target.team] ?? 0)) % candidates.length;
    return {
      owner: candidates[cursor]!,
      changes: [{ kind: 'cursor', team: target.team, next: (cursor + 1) % candidates.length }],
    };
  },
  'least-loaded': (candidates, _target, _key, state) => {
    let best = candidates[0]!;
    for (const c of candidates)
      if ((state.users[c]?.openCount ?? 0) < (state.users[best]?.openCount ?? 0)) best = c;
    return {
      owner: best,
      changes: [{ kind: 'openCount', user: best, next: (state.users[best]?.openCount ?? 0) + 1 }],
    };
  },
  weighted: (candidates, _target, key, state, weights) => {
    // Smooth weighted round-robin (as in nginx): deterministic, and spreads picks evenly.
    const previous = state.weighted?.[key] ?? {};
    const current: Record<string, number> = {};
    let total = 0;
    let best: string | null = null;
    for (const c of candidates) {
      const weight = weights?.[c] ?? 1;
      if (!(weight > 0)) continue;
      current[c] = (previous[c] ?? 0) + weight;
      total += weight;
      if (best === null || current[c]! > current[best]!) best = c;
    }
    if (best === null) return { owner: candidates[0]!, changes: [] };
    current[best] = current[best]! - total;
    return { owner: best, changes: [{ kind: 'weights', key, current }] };
  },
};

const STRATEGY_NAMES: Record<AssignmentStrategy, LocalizedText> = {
  fixed: { 'zh-CN': '固定', en: 'fixed' },
  'round-robin': { 'zh-CN': '轮询', en: 'round-robin' },
  'least-loaded': { 'zh-CN': '最少负载', en: 'least-loaded' },
  weighted: { 'zh-CN': '加权轮询', en: 'weighted' },
};

function candidatesOf(target: AssignmentTarget, state: AssignmentState): string[] {
  const ids = 'team' in target ? (state.teams[target.team]?.members ?? []) : [target.user];
  return ids.filter((id) => state.users[id] !== undefined && state.users[id]?.active !== false);
}

function targetName(target: AssignmentTarget, state: AssignmentState): LocalizedText {
  if ('team' in target) return state.teams[target.team]?.name ?? { 'zh-CN': target.team, en: target.team };
  return state.users[target.user]?.name ?? { 'zh-CN': target.user, en: target.user };
}

function explain(
  head: LocalizedText,
  target: AssignmentTarget,
  strategy: AssignmentStrategy,
  owner: string,
  state: AssignmentState,
): LocalizedText {
  const to = targetName(target, state);
  const who = state.users[owner]?.name ?? { 'zh-CN': owner, en: owner };
  return {
    'zh-CN': `${head['zh-CN']} → ${to['zh-CN']}，${STRATEGY_NAMES[strategy]['zh-CN']} → ${who['zh-CN']}`,
    en: `${head.en} → ${to.en}, ${STRATEGY_NAMES[strategy].en} → ${who.en}`,
  };
}

/**
 * Picks a record's owner: the first rule whose condition holds and whose target has an active
 * candidate, else the fallback. Pure and deterministic: state comes in, the changes to persist go out,
 * with an explanation in both languages, e.g. "规则 2：区域 = 华东 → 上海组，轮询 → 张伟".
 */
export function assignOwner(
  ruleSet: AssignmentRuleSet,
  record: unknown,
  state: AssignmentState,
  options: AssignOptions = {},
): AssignmentResult {
  for (const [index, rule] of ruleSet.rules.entries()) {
    if (!truthy(evaluateRule(rule.condition, record, options.ctx))) continue;
    const candidates = candidatesOf(rule.target, state);
    if (candidates.length === 0) continue;
    const pick = CHOOSERS[rule.strategy](candidates, rule.target, rule.id, state, rule.weights);
    const cond = describeCondition(rule.condition, options.labels);
    const head = { 'zh-CN': `规则 ${index + 1}：${cond['zh-CN']}`, en: `Rule ${index + 1}: ${cond.en}` };
    return {
      owner: pick.owner,
      ruleId: rule.id,
      changes: pick.changes,
      explanation: explain(head, rule.target, rule.strategy, pick.owner, state),
    };
  }
  const fallback = ruleSet.fallback;
  const candidates = fallback ? candidatesOf(fallback.target, state) : [];
  if (!fallback || candidates.length === 0) {
    return {
      owner: null,
      ruleId: null,
      changes: [],
      explanation: fallback
        ? {
            'zh-CN': '无规则匹配，兜底目标没有可用成员',
            en: 'No rule matched and the fallback has no active member',
          }
        : { 'zh-CN': '无规则匹配，且未配置兜底', en: 'No rule matched and there is no fallback' },
    };
  }
  const pick = CHOOSERS[fallback.strategy](candidates, fallback.target, 'fallback', state, fallback.weights);
  const head = { 'zh-CN': '无规则匹配，使用兜底', en: 'No rule matched; fallback' };
  return {
    owner: pick.owner,
    ruleId: 'fallback',
    changes: pick.changes,
    explanation: explain(head, fallback.target, fallback.strategy, pick.owner, state),
  };
}
