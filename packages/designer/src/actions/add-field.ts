import type { AppDocument, Entity, Field, FieldType, Label } from '@dougong/schema';
import { type ActionHandler, type ActionResult, done, missing, refuse } from '../core/action-types.js';
import { bi, cleanLabel } from '../core/bilingual.js';
import { insertAt, patchObject, withForm } from '../core/doc-edit.js';
import { ID_PATTERNS, keyFrom, RESERVED_FIELD_KEYS, snakeFrom, unique } from '../core/ids.js';
import { makeItem } from '../form/form-nodes.js';
import { type FormNodeTarget, placeItem } from '../form/form-targets.js';
import { checkFieldKey, checkFieldPatch, type FieldPatch } from '../model/field-props.js';
import { DEFAULT_AUTO_NUMBER_PATTERN, FIELD_TYPE_LABELS, OPTION_COLORS } from '../model/field-types.js';
import { newEntityIdentity } from './add-entity.js';

/**
 * Adds a field of any type with sane defaults: two options for selects, a `{YYYY}{MM}-{0000}` pattern for
 * auto-numbers, a text formula, a reference to the first other entity, and — for a sub-table — a new child
 * entity (unless `props.childEntity` names a free one). Id and key come from the English label (else the
 * type), unique in the entity. With `place`, the field is also put on one of the entity's forms, in the
 * same undo step (dragging a new field type onto a form).
 * @example { type: 'addField', entityId: 'lead', fieldType: 'singleSelect', label: { 'zh-CN': '来源', en: 'Source' } }
 */
export interface AddFieldAction {
  readonly type: 'addField';
  readonly entityId: string;
  readonly fieldType: FieldType;
  readonly label?: Label;
  readonly fieldId?: string;
  readonly key?: string;
  /** Position in the entity's field list (default: last). */
  readonly index?: number;
  /** Properties overriding the defaults (see {@link FieldPatch}). */
  readonly props?: FieldPatch;
  readonly place?: { readonly formId: string; readonly target: FormNodeTarget };
}

/** The id and key a new field gets (unique in the entity, never a system key). */
export function newFieldIdentity(
  entity: Entity,
  label: Label | undefined,
  type: FieldType,
): { id: string; key: string } {
  const keys = new Set([...entity.fields.map((f) => f.key), ...RESERVED_FIELD_KEYS]);
  const key = unique(keyFrom(label, type), keys, 63);
  const id = unique(snakeFrom(key), new Set(entity.fields.map((f) => f.id)), 40, '_');
  return { id, key };
}

const option = (n: number) => ({
  id: `option${n}`,
  label: bi(`选项 ${n}`, `Option ${n}`),
  color: OPTION_COLORS[(n - 1) % OPTION_COLORS.length]!,
});

/** Applies {@link AddFieldAction}. */
export function applyAddField(doc: AppDocument, action: AddFieldAction): ActionResult {
  const entity = doc.entities.find((e) => e.id === action.entityId);
  if (!entity) return missing.entity(action.entityId);
  const label = cleanLabel(action.label ?? FIELD_TYPE_LABELS[action.fieldType]);
  const made = newFieldIdentity(entity, action.label, action.fieldType);
  const id = action.fieldId ?? made.id;
  const key = action.key ?? made.key;
  if (!ID_PATTERNS.stable.test(id))
    return refuse('invalid_id', `字段 id "${id}" 无效`, `Field id "${id}" is invalid (a-z, 0-9, _)`);
  if (entity.fields.some((f) => f.id === id))
    return refuse('duplicate_id', `字段 id "${id}" 已存在`, `Field id "${id}" is taken`);
  const keyProblem = checkFieldKey(entity, key);
  if (keyProblem) return keyProblem;
  const props = (action.props ?? {}) as Record<string, unknown>;
  const propProblem = checkFieldPatch(doc, entity, action.fieldType, props);
  if (propProblem) return propProblem;

  let entities = doc.entities;
  const defaults: Record<string, unknown> = {};
  switch (action.fieldType) {
    case 'singleSelect':
    case 'multiSelect':
      defaults.options = [option(1), option(2)];
      break;
    case 'autoNumber':
      defaults.pattern = DEFAULT_AUTO_NUMBER_PATTERN;
      break;
    case 'formula':
      defaults.expression = '';
      defaults.resultType = 'text';
      break;
    case 'reference': {
      const target =
        doc.entities.find((e) => e.kind !== 'child' && e.id !== entity.id) ??
        (entity.kind !== 'child' ? entity : undefined);
      if (!target && props.target === undefined)
        return refuse('not_allowed', '没有可以关联的实体', 'There is no entity to reference yet');
      defaults.target = target?.id;
      break;
    }
    case 'subTable': {
      if (entity.kind === 'child')
        return refuse('not_allowed', '子实体不能再有子表', 'Child entities cannot have sub-tables');
      if (props.childEntity === undefined) {
        const child = newEntityIdentity(doc, {
          en: `${entity.key} ${key}`,
        });
        entities = [
          ...entities,
          {
            id: child.id,
            key: child.key,
            label,
            kind: 'child',
            fields: [{ id: 'name', key: 'name', label: bi('名称', 'Name'), type: 'text' }],
          },
        ];
        defaults.childEntity = child.id;
      }
      break;
    }
    default:
      break;
  }
  const field = patchObject({ id, key, label, type: action.fieldType, ...defaults } as Field, props);
  const index = entities.findIndex((e) => e.id === entity.id);
  const withField = {
    ...entity,
    fields: insertAt(entity.fields, action.index ?? entity.fields.length, field),
  };
  let next: AppDocument = { ...doc, entities: entities.map((e, i) => (i === index ? withField : e)) };

  if (action.place) {
    const form = next.forms?.find((f) => f.id === action.place!.formId);
    if (!form) return missing.form(action.place.formId);
    if (form.entity !== entity.id)
      return refuse(
        'invalid_target',
        '只能放到本实体的表单上',
        "A field goes only on its own entity's forms",
      );
    const node = makeItem(form, { kind: 'field', fieldId: id });
    const placed = placeItem(form.layout, node, action.place.target, false);
    if (!placed.ok) return placed;
    next = withForm(next, form.id, (f) => ({ ...f, layout: placed.layout }))!;
  }
  return done(next, { kind: 'field', entityId: entity.id, fieldId: id });
}

/** The `addField` handler. */
export const addField: ActionHandler<AddFieldAction> = {
  label: bi('新增字段', 'Add field'),
  apply: applyAddField,
};
