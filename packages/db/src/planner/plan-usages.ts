import {
  type AppDocument,
  type Entity,
  type Field,
  type FieldUsage,
  fieldUsages,
  labelFor,
  USAGE_KINDS,
  type UsageKind,
  type UsageSubject,
  valueKindOf,
} from '@dougong/schema';
import type { StepText } from './plan-types.js';

/** What happens to a used field or entity in the plan. */
export type UsageChange =
  | { kind: 'entity'; entityId: string; change: 'archived' }
  | { kind: 'field'; entityId: string; fieldId: string; change: 'archived' }
  | {
      kind: 'field';
      entityId: string;
      fieldId: string;
      change: 'typeChanged';
      fromType: Field['type'];
      toType: Field['type'];
      /** The value kind stays usable as it was (e.g. text → long text, integer → decimal). */
      compatible: boolean;
    };

/**
 * One place in the draft that uses a field or entity the plan archives or changes the type of.
 * `path` is a JSON Pointer into the draft document.
 */
export interface PlanUsage {
  path: string;
  kind: UsageKind;
  owner: FieldUsage['owner'];
  access: FieldUsage['access'];
  subject: UsageChange;
  /**
   * Archived fields and entities: always (the draft must stop using them before publishing).
   * Incompatible type changes: for usages that only fail when they run (flow expressions and writes,
   * formulas, row conditions), unless the publisher acknowledged the type changes.
   */
  blocking: boolean;
  message: StepText;
}

// Option ids are not free text: a flow writing a label into a select field would fail.
const WITH_OPTIONS = new Set(['singleSelect', 'multiSelect']);

/** True when usages of a field keep working unchanged after a type change from `from` to `to`. */
export function compatibleChange(from: Field, to: Field): boolean {
  if (WITH_OPTIONS.has(from.type) !== WITH_OPTIONS.has(to.type)) return false;
  const a = valueKindOf(from);
  const b = valueKindOf(to);
  return a === b || (a === 'integer' && b === 'decimal');
}

/**
 * The fields and entities that publishing `draft` over `published` archives or changes the type of.
 * Pure.
 */
export function plannedChanges(published: AppDocument | null, draft: AppDocument): UsageChange[] {
  if (!published) return [];
  const out: UsageChange[] = [];
  const drafted = new Map(draft.entities.map((e) => [e.id, e]));
  for (const entity of published.entities) {
    const now = drafted.get(entity.id);
    if (!now) {
      out.push({ kind: 'entity', entityId: entity.id, change: 'archived' });
      continue;
    }
    const fields = new Map(now.fields.map((f) => [f.id, f]));
    for (const field of entity.fields) {
      const next = fields.get(field.id);
      if (!next) out.push({ kind: 'field', entityId: entity.id, fieldId: field.id, change: 'archived' });
      else if (typeOf(next) !== typeOf(field))
        out.push({
          kind: 'field',
          entityId: entity.id,
          fieldId: field.id,
          change: 'typeChanged',
          fromType: field.type,
          toType: next.type,
          compatible: compatibleChange(field, next),
        });
    }
  }
  return out;
}

// A formula's type is its result type.
function typeOf(field: Field): string {
  return field.type === 'formula' ? `formula:${field.resultType}` : field.type;
}

/**
 * Who in the draft uses what the plan archives or retypes, with readable messages and whether each
 * usage blocks publishing.
 * @example
 * planUsages(published, draft).filter((u) => u.blocking)
 * // [{ path: '/forms/0/layout/0/children/2/fieldId', kind: 'formField', blocking: true,
 * //    message: { en: 'Form "Item" still uses the archived field "Note" of Item (form layout)', … } }]
 */
export function planUsages(
  published: AppDocument | null,
  draft: AppDocument,
  options: { acknowledgeTypeChanges?: boolean } = {},
): PlanUsage[] {
  const changes = plannedChanges(published, draft);
  if (changes.length === 0 || !published) return [];
  const subjects: UsageSubject[] = changes.map((c) =>
    c.kind === 'entity'
      ? { kind: 'entity', entityId: c.entityId }
      : {
          kind: 'field',
          entityId: c.entityId,
          fieldId: c.fieldId,
          key: fieldOf(published, c)?.key ?? c.fieldId,
        },
  );
  return fieldUsages(draft, subjects).map((usage) => {
    const change = changes[subjects.indexOf(usage.subject)]!;
    const blocking =
      change.change === 'archived' ||
      (!change.compatible && !USAGE_KINDS[usage.kind].checked && options.acknowledgeTypeChanges !== true);
    return {
      path: usage.path,
      kind: usage.kind,
      owner: usage.owner,
      access: usage.access,
      subject: change,
      blocking,
      message: usageMessage(usage, change, published, draft),
    };
  });
}

function fieldOf(doc: AppDocument, change: { entityId: string; fieldId: string }): Field | undefined {
  return doc.entities.find((e) => e.id === change.entityId)?.fields.find((f) => f.id === change.fieldId);
}

function name(label: Entity['label'] | undefined, fallback: string, locale: 'en' | 'zh-CN'): string {
  return labelFor(label, locale) || fallback;
}

function ownerName(usage: FieldUsage, draft: AppDocument, locale: 'en' | 'zh-CN'): string {
  const { kind, id } = usage.owner;
  const label =
    kind === 'form'
      ? draft.forms?.find((f) => f.id === id)?.label
      : kind === 'flow'
        ? draft.flows?.find((f) => f.id === id)?.label
        : kind === 'role'
          ? draft.roles?.find((r) => r.key === id)?.label
          : draft.entities.find((e) => e.id === id)?.label;
  return name(label, id, locale);
}

const OWNER_NOUNS = {
  entity: { en: 'Entity', 'zh-CN': '实体' },
  form: { en: 'Form', 'zh-CN': '表单' },
  flow: { en: 'Flow', 'zh-CN': '流程' },
  role: { en: 'Role', 'zh-CN': '角色' },
} as const;

function usageMessage(
  usage: FieldUsage,
  change: UsageChange,
  published: AppDocument,
  draft: AppDocument,
): StepText {
  const entity = published.entities.find((e) => e.id === change.entityId);
  const where = USAGE_KINDS[usage.kind].text;
  const noun = OWNER_NOUNS[usage.owner.kind];
  const owner = { en: ownerName(usage, draft, 'en'), zh: ownerName(usage, draft, 'zh-CN') };
  const e = {
    en: name(entity?.label, change.entityId, 'en'),
    zh: name(entity?.label, change.entityId, 'zh-CN'),
  };
  if (change.kind === 'entity')
    return {
      en: `${noun.en} "${owner.en}" still uses the archived entity "${e.en}" (${where.en})`,
      'zh-CN': `${noun['zh-CN']}「${owner.zh}」仍在使用已归档的实体「${e.zh}」（${where['zh-CN']}）`,
    };
  const field = fieldOf(published, change);
  const f = { en: name(field?.label, change.fieldId, 'en'), zh: name(field?.label, change.fieldId, 'zh-CN') };
  if (change.change === 'archived')
    return {
      en: `${noun.en} "${owner.en}" still uses the archived field "${f.en}" of ${e.en} (${where.en})`,
      'zh-CN': `${noun['zh-CN']}「${owner.zh}」仍在使用「${e.zh}」中已归档的字段「${f.zh}」（${where['zh-CN']}）`,
    };
  const review = change.compatible ? '' : '; check that it still works with the new values';
  const reviewZh = change.compatible ? '' : '，请确认它仍适用于新类型的值';
  return {
    en: `${noun.en} "${owner.en}" uses the field "${f.en}" of ${e.en}, whose type changes from ${change.fromType} to ${change.toType} (${where.en})${review}`,
    'zh-CN': `${noun['zh-CN']}「${owner.zh}」使用了「${e.zh}」的字段「${f.zh}」，其类型由 ${change.fromType} 改为 ${change.toType}（${where['zh-CN']}）${reviewZh}`,
  };
}
