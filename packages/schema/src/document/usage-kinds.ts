import type { AppDocument } from './app-document-schema.js';
import { SYSTEM_KEYS } from './ids.js';
import type { Text } from './label.js';
import type { KeyReference } from './rule-references.js';

/**
 * The parts of a document that can use entities and fields. A new kind of metadata (reports, print
 * templates) adds its name here and its collector to `USAGE_COLLECTORS` (field-usages.ts); the compiler
 * insists.
 */
export const USAGE_OWNERS = ['entity', 'form', 'flow', 'role'] as const;
/** One of {@link USAGE_OWNERS}. */
export type UsageOwnerKind = (typeof USAGE_OWNERS)[number];

interface UsageKindSpec {
  owner: UsageOwnerKind;
  /**
   * True when the usage is checked again against the field's current definition whenever the draft is
   * saved (form layouts, form rules, data linkage, search and sort settings), or does not depend on the
   * kind of value (titles, field access, message templates). False for expressions and writes that
   * only fail when they run, so a change of the field's value kind needs reviewing.
   */
  checked: boolean;
  /** What the usage is, for messages: "form layout", "表单布局". */
  text: Required<Text>;
}

const usageKind = (owner: UsageOwnerKind, checked: boolean, en: string, zh: string): UsageKindSpec => ({
  owner,
  checked,
  text: { en, 'zh-CN': zh },
});

/** Every way a document uses an entity or field, with the owner kind and a readable name. */
export const USAGE_KINDS = {
  titleField: usageKind('entity', true, 'title field', '标题字段'),
  searchField: usageKind('entity', true, 'search fields', '搜索字段'),
  defaultSort: usageKind('entity', true, 'default sort', '默认排序'),
  formula: usageKind('entity', false, 'formula', '公式'),
  stageGate: usageKind('entity', true, 'stage requirements and defaults', '阶段准入条件与默认值'),
  recordPool: usageKind('entity', true, 'pool claim values', '公海领取时写入'),
  conversion: usageKind('entity', true, 'conversion mapping', '转化映射'),
  scoringField: usageKind('entity', true, 'scoring result fields', '评分结果字段'),
  scoringCondition: usageKind('entity', false, 'scoring condition', '评分条件'),
  referenceTarget: usageKind('entity', true, 'reference field target', '关联字段目标'),
  subTableChild: usageKind('entity', true, 'sub-table rows', '子表明细'),
  formEntity: usageKind('form', true, 'form entity', '表单所属实体'),
  formField: usageKind('form', true, 'form layout', '表单布局'),
  formLinkage: usageKind('form', true, 'form linkage rule', '表单联动规则'),
  formValidation: usageKind('form', true, 'form validation rule', '表单校验规则'),
  formDataLinkage: usageKind('form', true, 'form data linkage', '表单数据联动'),
  formPublic: usageKind('form', true, 'public form settings', '公开表单设置'),
  flowTrigger: usageKind('flow', false, 'flow trigger', '流程触发条件'),
  flowNode: usageKind('flow', true, 'flow step', '流程节点'),
  flowExpression: usageKind('flow', false, 'flow expression', '流程表达式'),
  flowTemplate: usageKind('flow', true, 'flow message template', '流程消息模板'),
  flowWrite: usageKind('flow', false, 'flow write', '流程写入'),
  flowQuery: usageKind('flow', false, 'flow query', '流程查询'),
  flowRules: usageKind('flow', false, 'flow assignment or scoring rules', '流程分配或评分规则'),
  roleGrant: usageKind('role', true, 'role grant', '角色授权'),
  roleFieldAccess: usageKind('role', true, 'role field access', '角色字段权限'),
  roleCondition: usageKind('role', false, 'role row condition', '角色数据范围条件'),
} as const satisfies Record<string, UsageKindSpec>;
/** A key of {@link USAGE_KINDS}. */
export type UsageKind = keyof typeof USAGE_KINDS;

/** What a reference names: an entity, a field by stable id, or a field by key (rules, templates). */
export type ReferenceTarget =
  | { kind: 'entity'; entityId: string }
  | { kind: 'field'; entityId: string; fieldId: string }
  | { kind: 'fieldKey'; entityId: string; key: string };

/** One place in a document that names an entity or a field. */
export interface DocumentReference {
  kind: UsageKind;
  target: ReferenceTarget;
  /** JSON Pointer to the value that names the target (a template: the template string). */
  path: string;
  /** The form, flow, role or entity the place belongs to (role: its key; others: their id). */
  owner: { kind: UsageOwnerKind; id: string };
  /** `write` when the owner stores values into the field (form inputs, flow writes, data linkage). */
  access: 'read' | 'write';
}

/** Receives each reference a collector finds. */
export type Emit = (ref: DocumentReference) => void;
/** Finds the references of one owner kind in a document. */
export type UsageCollector = (doc: AppDocument, emit: Emit) => void;

/** System keys (`createdAt`, …): never a field. */
export const SYSTEM = new Set<string>(SYSTEM_KEYS);

/** Emits rule or template keys as references in an entity; sub-table row keys go to the child entity. */
export function keyEmitter(doc: AppDocument, emit: Emit, kind: UsageKind, owner: DocumentReference['owner']) {
  return (entityId: string | undefined, refs: readonly KeyReference[], access: 'read' | 'write' = 'read') => {
    if (entityId === undefined) return;
    for (const ref of refs) {
      if (SYSTEM.has(ref.key)) continue;
      const scope = ref.subTable === undefined ? entityId : childEntityOf(doc, entityId, ref.subTable);
      if (scope !== undefined)
        emit({
          kind,
          owner,
          access,
          path: ref.path,
          target: { kind: 'fieldKey', entityId: scope, key: ref.key },
        });
    }
  };
}

/** The child entity of a sub-table field, by the sub-table's key. */
export function childEntityOf(doc: AppDocument, entityId: string, subTableKey: string): string | undefined {
  const field = doc.entities.find((e) => e.id === entityId)?.fields.find((f) => f.key === subTableKey);
  return field?.type === 'subTable' ? field.childEntity : undefined;
}
