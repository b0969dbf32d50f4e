import { checkFieldValue } from '../fields/field-types.js';
import type { AppDocument } from './app-document-schema.js';
import type { Entity } from './entity-schema.js';
import type { Field } from './field-schema.js';
import { pointer, type ValidationIssue } from './validation-error.js';

const COMPUTED = new Set<Field['type']>(['formula', 'autoNumber']);
const WRITABLE_SYSTEM = new Set(['ownerId', 'ownerDeptId']);
const NO_EPOCH = { timeZone: 'UTC', now: new Date(0) };

/**
 * The checks of stage gates, change tracking, pools, conversions and scoring that a JSON Schema cannot
 * express: every field key they name exists on the right entity, gates sit on single-select options,
 * default values fit their fields, conversion targets and re-linked references exist.
 */
export function recordWorkflowIssues(doc: AppDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const entities = new Map(doc.entities.map((e) => [e.id, e]));
  doc.entities.forEach((entity, e) => {
    const base = pointer('', 'entities', e);
    const byKey = new Map(entity.fields.map((f) => [f.key, f]));
    entity.fields.forEach((field, f) => {
      const fieldBase = pointer(base, 'fields', f);
      if (field.trackChanges && field.type === 'subTable')
        add(`${fieldBase}/trackChanges`, 'sub-tables are not tracked; track their fields instead');
      if (field.type !== 'singleSelect' && field.type !== 'multiSelect') return;
      field.options.forEach((option, o) => {
        const optionBase = pointer(fieldBase, 'options', o);
        if ((option.requires || option.defaults) && field.type !== 'singleSelect') {
          add(optionBase, 'only single-select options can be stage gates');
          return;
        }
        option.requires?.forEach((key, i) => {
          if (!byKey.has(key) || key === field.key)
            add(`${optionBase}/requires/${i}`, 'is not another field key of this entity');
        });
        for (const [key, value] of Object.entries(option.defaults ?? {})) {
          const target = byKey.get(key);
          if (!target || key === field.key || COMPUTED.has(target.type) || target.type === 'subTable')
            add(pointer(optionBase, 'defaults', key), 'is not another writable field key of this entity');
          else if (value !== null && !checkFieldValue(target, value, NO_EPOCH).ok)
            add(pointer(optionBase, 'defaults', key), 'does not fit the field');
        }
      });
    });
    if ((entity.pool || entity.conversions || entity.scoring) && entity.kind === 'child')
      add(base, 'child entities have no pool, conversions or scoring');
    for (const key of Object.keys(entity.pool?.onClaim ?? {}))
      checkWritableKey(entity, key, pointer(base, 'pool', 'onClaim', key), add);
    const ids = new Set<string>();
    entity.conversions?.forEach((conversion, c) => {
      const cBase = pointer(base, 'conversions', c);
      if (ids.has(conversion.id)) add(`${cBase}/id`, `duplicates conversion id "${conversion.id}"`);
      ids.add(conversion.id);
      const targetIds = new Set<string>();
      conversion.targets.forEach((target, t) => {
        const tBase = pointer(cBase, 'targets', t);
        if (targetIds.has(target.id)) add(`${tBase}/id`, `duplicates target id "${target.id}"`);
        targetIds.add(target.id);
        const other = entities.get(target.entity);
        if (!other || other.kind === 'child') {
          add(`${tBase}/entity`, 'names no standard entity');
          return;
        }
        if (target.match && !other.fields.some((x) => x.key === target.match!.field))
          add(`${tBase}/match/field`, `is not a field key of ${other.key}`);
        for (const key of Object.keys(target.values))
          checkWritableKey(other, key, pointer(tBase, 'values', key), add);
      });
      conversion.relink?.forEach((relink, r) => {
        const rBase = pointer(cBase, 'relink', r);
        const other = entities.get(relink.entity);
        if (!other || other.kind === 'child') {
          add(`${rBase}/entity`, 'names no standard entity');
          return;
        }
        const ref = other.fields.find((x) => x.key === relink.field);
        if (ref?.type !== 'reference' || ref.target !== entity.id)
          add(`${rBase}/field`, `is not a reference of ${other.key} to ${entity.key}`);
        for (const key of Object.keys(relink.values))
          checkWritableKey(other, key, pointer(rBase, 'values', key), add);
      });
      for (const key of Object.keys(conversion.update ?? {}))
        checkWritableKey(entity, key, pointer(cBase, 'update', key), add);
    });
    if (entity.scoring) {
      const s = entity.scoring;
      const sBase = pointer(base, 'scoring');
      const score = byKey.get(s.scoreField);
      if (score?.type !== 'number') add(`${sBase}/scoreField`, 'is not a number field of this entity');
      if (s.gradeField !== undefined) {
        const grade = byKey.get(s.gradeField);
        if (grade?.type === 'singleSelect') {
          const options = new Set(grade.options.map((o) => o.id));
          const grades = [...s.model.grades.map((g) => g.grade), s.model.lowestGrade ?? 'D'];
          grades.forEach((g) => {
            if (!options.has(g)) add(`${sBase}/gradeField`, `has no option "${g}"`);
          });
        } else if (grade?.type !== 'text') add(`${sBase}/gradeField`, 'is not a text or single-select field');
      }
      if (s.breakdownField !== undefined) {
        const breakdown = byKey.get(s.breakdownField);
        if (breakdown?.type !== 'text' && breakdown?.type !== 'longText')
          add(`${sBase}/breakdownField`, 'is not a text field of this entity');
      }
    }
  });
  return issues;
}

function checkWritableKey(
  entity: Entity,
  key: string,
  path: string,
  add: (path: string, message: string) => void,
): void {
  if (WRITABLE_SYSTEM.has(key)) return;
  const field = entity.fields.find((f) => f.key === key);
  if (!field || COMPUTED.has(field.type)) add(path, `is not a writable field key of ${entity.key}`);
}
