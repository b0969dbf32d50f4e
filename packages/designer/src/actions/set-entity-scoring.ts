import type { AppDocument, EntityScoring } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { withEntity } from '../core/doc-edit.js';
import { sameJson } from '../core/same-json.js';

/**
 * Sets (or with `scoring: null` removes) an entity's scoring: the model — attribute conditions over the
 * record's fields (the rule language), behaviour conditions, grades — and the fields receiving the total,
 * the grade and the breakdown: a number field, a text or single-select field (with an option per grade), a
 * text field of the entity. Child entities have no scoring.
 * @example { type: 'setEntityScoring', entityId: 'lead', scoring: { scoreField: 'score', model: {
 *            attributes: [{ id: 'big', condition: { '==': [{ var: 'size' }, 'l'] }, points: 15 }],
 *            behaviours: [], grades: [{ grade: 'A', min: 60 }] } } }
 */
export interface SetEntityScoringAction {
  readonly type: 'setEntityScoring';
  readonly entityId: string;
  readonly scoring: EntityScoring | null;
}

/** Applies {@link SetEntityScoringAction}. */
export function applySetEntityScoring(doc: AppDocument, action: SetEntityScoringAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  const select = { kind: 'entity', entityId: entity.id } as const;
  if (action.scoring === null) {
    if (!entity.scoring) return done(doc, select);
    const { scoring: _, ...rest } = entity;
    return done(withEntity(doc, entity.id, () => rest)!, select);
  }
  if (entity.kind === 'child')
    return refuse('not_allowed', '子实体没有评分', 'Child entities have no scoring');
  const scoring = action.scoring;
  const byKey = new Map(entity.fields.map((f) => [f.key, f]));
  for (const key of [scoring.scoreField, scoring.gradeField, scoring.breakdownField])
    if (key !== undefined && !byKey.has(key)) return missing.field(key);
  // The same rules the document check applies, so an accepted edit never leaves the draft invalid.
  if (byKey.get(scoring.scoreField)?.type !== 'number')
    return refuse('invalid_value', '总分须写入数字字段', 'The score goes to a number field');
  const grade = scoring.gradeField === undefined ? undefined : byKey.get(scoring.gradeField);
  if (grade && grade.type !== 'text' && grade.type !== 'singleSelect')
    return refuse(
      'invalid_value',
      '等级须写入文本或单选字段',
      'The grade goes to a text or single-select field',
    );
  if (grade?.type === 'singleSelect') {
    const grades = [...scoring.model.grades.map((g) => g.grade), scoring.model.lowestGrade ?? 'D'];
    const unknown = grades.find((g) => !grade.options.some((o) => o.id === g));
    if (unknown !== undefined)
      return refuse(
        'invalid_value',
        `等级字段没有选项 "${unknown}"`,
        `The grade field has no option "${unknown}"`,
      );
  }
  const breakdown = scoring.breakdownField === undefined ? undefined : byKey.get(scoring.breakdownField);
  if (breakdown && breakdown.type !== 'text' && breakdown.type !== 'longText')
    return refuse('invalid_value', '评分明细须写入文本字段', 'The breakdown goes to a text field');
  if (sameJson(entity.scoring, scoring)) return done(doc, select);
  return done(withEntity(doc, entity.id, (e) => ({ ...e, scoring }))!, select);
}

/** The `setEntityScoring` handler. */
export const setEntityScoring: ActionHandler<SetEntityScoringAction> = {
  label: bi('设置评分', 'Set scoring'),
  apply: applySetEntityScoring,
};
