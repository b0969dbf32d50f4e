import {
  type BehaviourEvent,
  type ScoreLine,
  type ScoreResult,
  type ScoringModel,
  scoreRecord,
} from '@dougong/rules';
import { type AppModel, DougongError, type EntityModel, formatInZone, labelFor } from '@dougong/schema';
import type { RecordGate } from '../records/record-gate.js';
import type { Db } from '../records/record-reader.js';
import { RecordRepository } from '../records/record-repository.js';
import { eventsOf } from './record-event-store.js';

/** A scoring model with the fields it writes. */
export interface ScoringSpec {
  model: ScoringModel;
  scoreField: string;
  gradeField?: string;
  breakdownField?: string;
}

/** A score with its readable breakdown (one line per matched condition). */
export interface RecordScore extends ScoreResult {
  /** e.g. `制造业 +15；打开邮件 ×2 +7.07` */
  summary: string;
}

/**
 * The scoring of an entity: an inline model (a flow node's) with its fields, else the entity's
 * `scoring` metadata; 422 when there is neither.
 */
export function scoringSpec(
  model: EntityModel,
  inline?: { model: unknown; scoreField?: string; gradeField?: string },
): ScoringSpec {
  if (inline?.model) {
    if (!inline.scoreField) throw new DougongError('UNPROCESSABLE', 'A scoring model needs its scoreField.');
    return {
      model: inline.model as ScoringModel,
      scoreField: inline.scoreField,
      ...(inline.gradeField ? { gradeField: inline.gradeField } : {}),
    };
  }
  const scoring = model.entity.scoring;
  if (!scoring) throw new DougongError('UNPROCESSABLE', `${model.entity.key} has no scoring.`);
  return scoring as ScoringSpec;
}

/**
 * Scores records at `now` with their stored behaviour events (when `recordEvents`) plus `extra` events:
 * attribute points from the record, behaviour points decayed by each event's age.
 * @example const [score] = await scoreRecords(db, app, lead, [record], spec, now)
 */
export async function scoreRecords(
  db: Db,
  app: AppModel,
  model: EntityModel,
  records: ReadonlyArray<Record<string, unknown>>,
  spec: ScoringSpec,
  now: Date,
  options: { recordEvents?: boolean; extra?: readonly BehaviourEvent[] } = {},
): Promise<RecordScore[]> {
  const ids = records.map((r) => String(r.id));
  const stored =
    options.recordEvents === false
      ? new Map<string, BehaviourEvent[]>()
      : await eventsOf(db, app, model.entity.id, ids);
  return records.map((record) => {
    const events = [...(stored.get(String(record.id)) ?? []), ...(options.extra ?? [])];
    const result = scoreRecord(spec.model, record, events, { now, timeZone: app.timeZone });
    return { ...result, summary: summarize(spec.model, result.breakdown) };
  });
}

/** The values a score writes: score, grade and breakdown fields (only those that differ from `record`). */
export function scoreValues(
  spec: ScoringSpec,
  score: RecordScore,
  record: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const put = (key: string | undefined, value: unknown, numeric = false) => {
    if (key === undefined) return;
    const current = record[key] ?? null;
    const differs = numeric ? current === null || Number(current) !== Number(value) : current !== value;
    if (differs) values[key] = value;
  };
  put(spec.scoreField, score.total, true);
  put(spec.gradeField, score.grade);
  put(spec.breakdownField, score.summary === '' ? null : score.summary);
  return values;
}

// The zh-CN label of each condition, per scoring model (a batch summarises thousands of scores).
const conditionLabels = new WeakMap<ScoringModel, Map<string, string>>();

function labelsOf(model: ScoringModel): Map<string, string> {
  let labels = conditionLabels.get(model);
  if (!labels) {
    labels = new Map<string, string>();
    for (const c of [...model.attributes, ...model.behaviours])
      labels.set(c.id, labelFor(c.label as never, 'zh-CN') || c.id);
    conditionLabels.set(model, labels);
  }
  return labels;
}

function summarize(model: ScoringModel, lines: readonly ScoreLine[]): string {
  const labels = labelsOf(model);
  return lines
    .filter((l) => l.matched && l.points !== 0)
    .map((l) => {
      const sign = l.points > 0 ? '+' : '';
      const count = l.kind === 'behaviour' ? ` ×${l.events}` : '';
      return `${labels.get(l.conditionId)}${count} ${sign}${l.points}`;
    })
    .join('；');
}

/**
 * A record's score now, live: the entity's scoring over the record (as the caller may read it, 404
 * otherwise) and its stored events, with the breakdown per condition.
 */
export async function liveScore(
  db: Db,
  app: AppModel,
  model: EntityModel,
  id: string,
  gate: RecordGate,
  now: Date,
): Promise<RecordScore & { scoredAt: string }> {
  const spec = scoringSpec(model);
  const record = await new RecordRepository(db, app).get(model, id, gate);
  // Attribute conditions may read fields the caller cannot see: score the whole record.
  const full = await new RecordRepository(db, app).get(model, record.id);
  const [score] = await scoreRecords(db, app, model, [full], spec, now);
  return { ...score!, scoredAt: formatInZone(now, app.timeZone) };
}
