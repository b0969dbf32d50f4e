import type { AppDocument, Entity, Field, FieldType } from '@dougong/schema';
import { type ActionResult, refuse } from '../core/action-types.js';
import { ID_PATTERNS, RESERVED_FIELD_KEYS } from '../core/ids.js';
import { fieldProps } from './field-types.js';

type Nullable<P> = { [K in keyof P]?: P[K] | (undefined extends P[K] ? null : never) };
type PropsOf<T extends FieldType> = Omit<Extract<Field, { type: T }>, 'id' | 'type'>;

/**
 * A change to a field: any of its properties (common or of its type); `null` removes an optional one.
 * @example { label: { 'zh-CN': '客户名称', en: 'Account name' }, required: true, maxLength: 100 }
 */
export type FieldPatch = { [T in FieldType]: Nullable<PropsOf<T>> }[FieldType];

/** Checks a field key for an entity: pattern, not a system key, not taken by another field. */
export function checkFieldKey(
  entity: Entity,
  key: string,
  fieldId?: string,
): Extract<ActionResult, { ok: false }> | undefined {
  if (!ID_PATTERNS.key.test(key))
    return refuse('invalid_key', `字段键 "${key}" 无效`, `Field key "${key}" is invalid (camelCase)`);
  if (RESERVED_FIELD_KEYS.has(key))
    return refuse('invalid_key', `"${key}" 是系统字段`, `"${key}" is a system key`);
  if (entity.fields.some((f) => f.key === key && f.id !== fieldId))
    return refuse('duplicate_key', `字段键 "${key}" 已存在`, `Field key "${key}" is taken`);
  return undefined;
}

/**
 * Refuses a patch that names properties the field type does not have, or entities that cannot be used
 * (a reference to a missing or child entity; a sub-table child that is missing, not a child entity, or
 * already owned by another sub-table). Value ranges are left to the document check.
 */
export function checkFieldPatch(
  doc: AppDocument,
  entity: Entity,
  type: FieldType,
  patch: Readonly<Record<string, unknown>>,
  fieldId?: string,
): Extract<ActionResult, { ok: false }> | undefined {
  const allowed = new Set<string>(fieldProps(type));
  for (const key of Object.keys(patch))
    if (!allowed.has(key) && patch[key] !== undefined)
      return refuse(
        'invalid_value',
        `${type} 字段没有属性 "${key}"`,
        `A ${type} field has no property "${key}"`,
      );
  if (typeof patch.key === 'string') {
    const problem = checkFieldKey(entity, patch.key, fieldId);
    if (problem) return problem;
  }
  if (patch.key === null || patch.label === null)
    return refuse('invalid_value', '键和名称不能删除', 'The key and the label cannot be removed');
  if (type === 'reference' && patch.target !== undefined) {
    const target = doc.entities.find((e) => e.id === patch.target);
    if (!target)
      return refuse('not_found', `没有实体 "${String(patch.target)}"`, `No entity "${String(patch.target)}"`);
    if (target.kind === 'child')
      return refuse('invalid_value', '不能关联子表实体', 'A reference cannot point at a child entity');
  }
  if (type === 'subTable' && patch.childEntity !== undefined) {
    const child = doc.entities.find((e) => e.id === patch.childEntity);
    if (!child)
      return refuse(
        'not_found',
        `没有实体 "${String(patch.childEntity)}"`,
        `No entity "${String(patch.childEntity)}"`,
      );
    if (child.kind !== 'child' || child.id === entity.id)
      return refuse('invalid_value', '子表必须使用子实体', 'A sub-table needs an entity of kind "child"');
    const owner = doc.entities.some((e) =>
      e.fields.some((f) => f.type === 'subTable' && f.childEntity === child.id && f.id !== fieldId),
    );
    if (owner)
      return refuse(
        'invalid_value',
        '该子实体已被其他子表使用',
        'That child entity belongs to another sub-table',
      );
  }
  if (patch.options !== undefined && patch.options !== null) {
    const ids = (patch.options as Array<{ id: string }>).map((o) => o.id);
    if (ids.some((id) => !ID_PATTERNS.option.test(id)) || new Set(ids).size !== ids.length)
      return refuse('invalid_value', '选项 id 无效或重复', 'Option ids must be valid and unique');
  }
  return undefined;
}
