import type { AppDocument, Field, FieldType, Label } from '@dougong/schema';
import { type Bilingual, bi } from '../core/bilingual.js';

/**
 * How the rule builder treats a value: which operators it offers and which input the UI shows.
 * `id` is a record or other uuid; `list` a sub-table or attachments (only emptiness can be tested).
 */
export type RuleValueType =
  | 'text'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'select'
  | 'multiSelect'
  | 'user'
  | 'department'
  | 'reference'
  | 'id'
  | 'list';

/**
 * Something a condition can test: its variable path (`stage` in form rules, `record.stage` or
 * `nodes.query1.total` in flows), label, value type and — for selects — options.
 */
export interface RuleField {
  readonly path: string;
  readonly label: Label;
  readonly type: RuleValueType;
  readonly fieldType?: FieldType;
  readonly options?: readonly { readonly id: string; readonly label: Label; readonly color?: string }[];
}

/** The rule value type of each field type; exhaustive over the schema's field types. */
const VALUE_TYPES: { [T in FieldType]: (field: Extract<Field, { type: T }>) => RuleValueType } = {
  text: () => 'text',
  longText: () => 'text',
  richText: () => 'text',
  number: (f) => (f.integer ? 'integer' : 'decimal'),
  money: () => 'decimal',
  percent: () => 'decimal',
  boolean: () => 'boolean',
  date: () => 'date',
  datetime: () => 'datetime',
  singleSelect: () => 'select',
  multiSelect: () => 'multiSelect',
  email: () => 'text',
  phone: () => 'text',
  url: () => 'text',
  user: () => 'user',
  department: () => 'department',
  reference: () => 'reference',
  subTable: () => 'list',
  attachment: () => 'list',
  autoNumber: () => 'text',
  formula: (f) =>
    f.resultType === 'integer' ? 'integer' : f.resultType === 'decimal' ? 'decimal' : f.resultType,
  region: () => 'text',
};

/** The rule value type of a field. */
export function ruleValueType(field: Field): RuleValueType {
  return (VALUE_TYPES[field.type] as (f: Field) => RuleValueType)(field);
}

/** The rule field of a schema field, under a path prefix (`record.` in flows). */
export function ruleFieldOf(field: Field, prefix = ''): RuleField {
  return {
    path: prefix + field.key,
    label: field.label,
    type: ruleValueType(field),
    fieldType: field.type,
    ...(field.type === 'singleSelect' || field.type === 'multiSelect' ? { options: field.options } : {}),
  };
}

/** The record keys every record has, as rule fields. */
export const SYSTEM_RULE_FIELDS: ReadonlyArray<{ key: string; label: Bilingual; type: RuleValueType }> = [
  { key: 'ownerId', label: bi('负责人', 'Owner'), type: 'user' },
  { key: 'ownerDeptId', label: bi('所属部门', 'Owner department'), type: 'department' },
  { key: 'createdBy', label: bi('创建人', 'Created by'), type: 'user' },
  { key: 'createdAt', label: bi('创建时间', 'Created at'), type: 'datetime' },
  { key: 'updatedBy', label: bi('修改人', 'Updated by'), type: 'user' },
  { key: 'updatedAt', label: bi('修改时间', 'Updated at'), type: 'datetime' },
  { key: 'id', label: bi('记录 ID', 'Record id'), type: 'id' },
];

/**
 * What rules over an entity's records can test: its fields (form rules and formulas use bare keys), then
 * the system keys. `prefix` puts them under a scope (`record.`).
 * @example ruleFieldsForEntity(doc, 'opportunity').map((f) => f.path) // ['name', 'stage', …, 'ownerId', …]
 */
export function ruleFieldsForEntity(
  doc: AppDocument,
  entityId: string,
  options: { prefix?: string; system?: boolean } = {},
): RuleField[] {
  const entity = doc.entities.find((e) => e.id === entityId);
  if (!entity) return [];
  const prefix = options.prefix ?? '';
  const out = entity.fields.map((f) => ruleFieldOf(f, prefix));
  if (options.system !== false)
    for (const s of SYSTEM_RULE_FIELDS) out.push({ path: prefix + s.key, label: s.label, type: s.type });
  return out;
}
