import { evaluateRule } from '../compiled/rule-compiler.js';
import { parseDateTime } from '../core/calendar.js';
import type { EvalContext } from '../core/eval-context.js';
import type { Rule } from '../core/json-value.js';
import { truthy } from '../core/json-value.js';
import { RuleError } from '../core/rule-error.js';
import { Dec } from '../ops/decimal-ops.js';
import type { LocalizedText } from './localized-text.js';

/** How a behaviour's points fade with the event's age. */
export type ScoreDecay =
  | { readonly kind: 'none' }
  /** Points halve every `halfLifeDays`. */
  | { readonly kind: 'exponential'; readonly halfLifeDays: number }
  /** Points fall linearly to zero at `zeroAfterDays`. */
  | { readonly kind: 'linear'; readonly zeroAfterDays: number };

/** Points for a record attribute, e.g. industry = manufacturing → +10. */
export interface AttributeCondition {
  readonly id: string;
  readonly label?: LocalizedText;
  readonly condition: Rule;
  readonly points: number;
}

/** Points per matching behaviour event, e.g. each webinar attended in the last 90 days → +5. */
export interface BehaviourCondition {
  readonly id: string;
  readonly label?: LocalizedText;
  readonly eventType: string;
  /** Evaluated over the event's `data`; absent means every event of the type counts. */
  readonly condition?: Rule;
  readonly points: number;
  readonly decay?: ScoreDecay;
  /** Events older than this many days are ignored. */
  readonly windowDays?: number;
  /** Upper bound on this condition's total points. */
  readonly maxPoints?: number;
}

/** A scoring model: conditions plus grade thresholds, highest first. */
export interface ScoringModel {
  readonly attributes: readonly AttributeCondition[];
  readonly behaviours: readonly BehaviourCondition[];
  /** e.g. [{grade:'A',min:80},{grade:'B',min:60},{grade:'C',min:40}] */
  readonly grades: readonly { readonly grade: string; readonly min: number }[];
  /** Grade below every threshold (default 'D'). */
  readonly lowestGrade?: string;
}

/** One behaviour event of the scored record. */
export interface BehaviourEvent {
  readonly type: string;
  /** ISO 8601 date-time with offset. */
  readonly at: string;
  readonly data?: unknown;
}

/** One line of the score breakdown. */
export interface ScoreLine {
  readonly conditionId: string;
  readonly kind: 'attribute' | 'behaviour';
  readonly matched: boolean;
  /** Events counted (behaviour only). */
  readonly events: number;
  readonly points: number;
}

/** The outcome of {@link scoreRecord}. */
export interface ScoreResult {
  readonly total: number;
  readonly grade: string;
  readonly breakdown: readonly ScoreLine[];
}

const DAY_MS = 86_400_000;
const round2 = (value: number): number => new Dec(value).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toNumber();

function decayFactor(decay: ScoreDecay | undefined, ageDays: number): number {
  if (!decay || decay.kind === 'none') return 1;
  if (decay.kind === 'exponential') return 0.5 ** (ageDays / decay.halfLifeDays);
  return Math.max(0, 1 - ageDays / decay.zeroAfterDays);
}

/**
 * Scores a record: attribute points when their condition holds over the record, behaviour points per
 * matching event with optional decay by age (from the injected clock `ctx.now`), then a grade.
 * Every line and the total are rounded half-up to 2 decimals. Future events count as age 0.
 */
export function scoreRecord(
  model: ScoringModel,
  record: unknown,
  events: readonly BehaviourEvent[],
  ctx: EvalContext,
): ScoreResult {
  if (!(ctx.now instanceof Date)) throw new RuleError('missing_context', 'scoring needs ctx.now');
  const now = ctx.now.getTime();
  const breakdown: ScoreLine[] = [];
  for (const a of model.attributes) {
    const matched = truthy(evaluateRule(a.condition, record, ctx));
    breakdown.push({
      conditionId: a.id,
      kind: 'attribute',
      matched,
      events: 0,
      points: matched ? round2(a.points) : 0,
    });
  }
  for (const b of model.behaviours) {
    let sum = 0;
    let count = 0;
    for (const event of events) {
      if (event.type !== b.eventType) continue;
      const at = parseDateTime(event.at);
      if (at === null) throw new RuleError('invalid_argument', `event time ${JSON.stringify(event.at)}`);
      const ageDays = Math.max(0, (now - at) / DAY_MS);
      if (b.windowDays !== undefined && ageDays > b.windowDays) continue;
      if (b.condition !== undefined && !truthy(evaluateRule(b.condition, event.data ?? {}, ctx))) continue;
      count++;
      sum += b.points * decayFactor(b.decay, ageDays);
    }
    const capped = b.maxPoints === undefined ? sum : Math.min(sum, b.maxPoints);
    breakdown.push({
      conditionId: b.id,
      kind: 'behaviour',
      matched: count > 0,
      events: count,
      points: round2(capped),
    });
  }
  const total = round2(breakdown.reduce((acc, line) => acc.plus(line.points), new Dec(0)).toNumber());
  const grade =
    [...model.grades].sort((x, y) => y.min - x.min).find((g) => total >= g.min)?.grade ??
    model.lowestGrade ??
    'D';
  return { total, grade, breakdown };
}
