import { mapFieldNodes, WIDGETS_BY_TYPE } from '@dougong/forms';
import type { AppDocument, Field, FieldType } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi } from '../core/bilingual.js';
import { patchObject, withEntity, withField } from '../core/doc-edit.js';
import { checkFieldPatch, type FieldPatch } from '../model/field-props.js';
import {
  DEFAULT_AUTO_NUMBER_PATTERN,
  FIELD_TYPE_LABELS,
  fieldProps,
  OPTION_COLORS,
} from '../model/field-types.js';

/**
 * Changes a field's type, keeping its id (so its data): the properties both types have stay, except
 * value-shaped ones (default, min, max) which mean something else in another type; the new type gets its
 * defaults (two options for selects, an auto-number pattern, a text formula, a reference to the first
 * other entity); widgets on forms that do not suit the new type are reset. Publishing converts the stored
 * values with the usual checks and is blocked, naming the records, when some do not convert. Sub-tables
 * own a child entity and cannot change type, nor can a field become one.
 * @example { type: 'changeFieldType', entityId: 'lead', fieldId: 'budget', fieldType: 'money' }
 */
export interface ChangeFieldTypeAction {
  readonly type: 'changeFieldType';
  readonly entityId: string;
  readonly fieldId: string;
  readonly fieldType: FieldType;
  /** Properties of the new type overriding the defaults (see {@link FieldPatch}). */
  readonly props?: FieldPatch;
}

// Properties whose values are of the field's value type: they do not carry over to another type.
const VALUE_SHAPED = new Set(['default', 'min', 'max']);

/** Applies {@link ChangeFieldTypeAction}. */
export function applyChangeFieldType(doc: AppDocument, action: ChangeFieldTypeAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  const field = entity.fields.find((f) => f.id === action.fieldId);
  if (!field) return missing.field(action.fieldId);
  const to = action.fieldType;
  if (!(to in FIELD_TYPE_LABELS))
    return refuse('invalid_value', `没有字段类型 "${to}"`, `No field type "${to}"`);
  if (field.type === to) return done(doc, { kind: 'field', entityId: entity.id, fieldId: field.id });
  if (field.type === 'subTable' || to === 'subTable')
    return refuse(
      'not_allowed',
      '子表字段不能与其他类型互相转换',
      'A sub-table cannot change type, nor can a field become one',
    );
  const props = (action.props ?? {}) as Record<string, unknown>;
  const problem = checkFieldPatch(doc, entity, to, props, field.id);
  if (problem) return problem;

  const allowed = new Set(fieldProps(to));
  const kept: Record<string, unknown> = { id: field.id, type: to };
  for (const [key, value] of Object.entries(field))
    if (key !== 'id' && key !== 'type' && allowed.has(key) && !VALUE_SHAPED.has(key)) kept[key] = value;
  switch (to) {
    case 'singleSelect':
    case 'multiSelect':
      kept.options ??= [1, 2].map((n) => ({
        id: `option${n}`,
        label: bi(`选项 ${n}`, `Option ${n}`),
        color: OPTION_COLORS[n - 1]!,
      }));
      break;
    case 'autoNumber':
      // A text pattern is not an auto-number pattern.
      kept.pattern = field.type === 'autoNumber' ? kept.pattern : DEFAULT_AUTO_NUMBER_PATTERN;
      break;
    case 'formula':
      kept.expression ??= '';
      kept.resultType ??= 'text';
      break;
    case 'reference': {
      const target = doc.entities.find((e) => e.kind !== 'child' && e.id !== entity.id) ?? entity;
      if (target.kind === 'child' && props.target === undefined)
        return refuse('not_allowed', '没有可以关联的实体', 'There is no entity to reference yet');
      kept.target ??= target.id;
      break;
    }
    default:
      break;
  }
  if (field.type === 'text' && to !== 'text') delete kept.patternMessage;
  const next = withEntity(
    doc,
    entity.id,
    (e) => withField(e, field.id, () => patchObject(kept as Field, props))!,
  )!;
  // Widgets chosen for the old type on forms of this entity.
  const widgets = WIDGETS_BY_TYPE[to];
  const forms = next.forms?.map((form) =>
    form.entity !== entity.id
      ? form
      : {
          ...form,
          layout: mapFieldNodes(form.layout, (node) => {
            if (node.fieldId !== field.id || !node.widget || widgets.includes(node.widget)) return node;
            const { widget: _, ...rest } = node;
            return rest;
          }),
        },
  );
  return done(forms ? { ...next, forms } : next, { kind: 'field', entityId: entity.id, fieldId: field.id });
}

/** The `changeFieldType` handler. */
export const changeFieldType: ActionHandler<ChangeFieldTypeAction> = {
  label: bi('修改字段类型', 'Change field type'),
  apply: applyChangeFieldType,
};
