import {
  type AppDocument,
  type FieldUsage,
  fieldUsages,
  pointer,
  USAGE_KINDS,
  type UsageKind,
} from '@dougong/schema';
import type { Bilingual } from '../core/bilingual.js';
import { getAt, segments } from '../core/pointer.js';

/**
 * A place that uses an entity or field (found by `fieldUsages` of `@dougong/schema`), by JSON Pointer.
 * `blocking` usages make a removal refuse — the analyst changes them first; the others are cleaned up by
 * the removal (a field's place on a form, search and sort settings, field access, a form of the removed
 * entity …).
 */
export interface Usage {
  readonly path: string;
  readonly kind: UsageKind;
  readonly owner: FieldUsage['owner'];
  readonly blocking: boolean;
  /** What the place is, for messages ("form linkage rule", "表单联动规则"). */
  readonly message: Bilingual;
}

/** Usage kinds a field removal cleans up by itself. */
const CLEANED_WITH_FIELD = new Set<UsageKind>([
  'titleField',
  'searchField',
  'defaultSort',
  'formField',
  'formPublic',
  'roleFieldAccess',
]);

const toUsage = (u: FieldUsage, blocking: boolean): Usage => ({
  path: u.path,
  kind: u.kind,
  owner: u.owner,
  blocking,
  message: USAGE_KINDS[u.kind].text,
});

/** The child entities a field removal or entity removal takes along. */
function ownedChildren(doc: AppDocument, entityId: string): string[] {
  return (doc.entities.find((e) => e.id === entityId)?.fields ?? []).flatMap((f) =>
    f.type === 'subTable' ? [f.childEntity] : [],
  );
}

/**
 * Where an entity is used. Blocking: reference fields of other entities pointing at it, the sub-table
 * that owns it (for a child entity), flows triggered by it, reading or writing it, or started by its
 * forms. Removed with it: its forms, role grants on it, its sub-tables' child entities (whose usages count
 * too).
 * @example whereEntityIsUsed(doc, 'account') // [{ path: '/entities/2/fields/3/target', kind: 'referenceTarget', blocking: true, … }]
 */
export function whereEntityIsUsed(doc: AppDocument, entityId: string): Usage[] {
  if (!doc.entities.some((e) => e.id === entityId)) return [];
  const owned = new Set([entityId, ...ownedChildren(doc, entityId)]);
  const out = fieldUsages(
    doc,
    [...owned].map((id) => ({ kind: 'entity' as const, entityId: id })),
  ).map((u) => {
    const inside = u.owner.kind === 'entity' && owned.has(u.owner.id);
    const formOfIt = u.kind === 'formEntity';
    const grant = u.kind === 'roleGrant';
    return toUsage(u, !(inside || formOfIt || grant));
  });
  const forms = new Set((doc.forms ?? []).filter((f) => f.entity === entityId).map((f) => f.id));
  (doc.flows ?? []).forEach((flow, f) => {
    if (flow.trigger.kind === 'formSubmitted' && forms.has(flow.trigger.form))
      out.push({
        path: `/flows/${f}/trigger/form`,
        kind: 'flowTrigger',
        owner: { kind: 'flow', id: flow.id },
        blocking: true,
        message: USAGE_KINDS.flowTrigger.text,
      });
  });
  return out;
}

/**
 * Where a field is used (by id, and by key in rules, formulas, flows and templates). Blocking: rules,
 * formulas, flows, data linkage and role conditions that read or write it. Cleaned up by its removal:
 * its nodes on forms, title / search / sort settings, public prefill and attribution, role field access.
 * A sub-table field also reports what uses its child entity.
 * @example whereFieldIsUsed(doc, 'opportunity', 'stage') // [{ path: '/forms/0/linkage/0/when/==/0/var', kind: 'formLinkage', blocking: true, … }]
 */
export function whereFieldIsUsed(doc: AppDocument, entityId: string, fieldId: string): Usage[] {
  const entity = doc.entities.find((e) => e.id === entityId);
  const field = entity?.fields.find((f) => f.id === fieldId);
  if (!entity || !field) return [];
  const out = fieldUsages(doc, [{ kind: 'field', entityId, fieldId }]).map((u) =>
    toUsage(u, !CLEANED_WITH_FIELD.has(u.kind)),
  );
  if (field.type === 'subTable') {
    const own = `/entities/${doc.entities.indexOf(entity)}/fields/${entity.fields.indexOf(field)}/childEntity`;
    for (const u of whereEntityIsUsed(doc, field.childEntity)) if (u.path !== own) out.push(u);
  }
  return out;
}

/** Only the usages that block a removal. */
export const blockingUsages = (usages: readonly Usage[]): Usage[] => usages.filter((u) => u.blocking);

const COMPARED = new Set<UsageKind>([
  'formula',
  'formLinkage',
  'formValidation',
  'flowTrigger',
  'flowExpression',
  'flowRules',
  'flowQuery',
  'roleCondition',
]);

/**
 * Where rules compare a select field with one of its options (`{"==": [{"var": "stage"}, "lost"]}`,
 * `in_list` lists, a trigger's `changed.to`) or a public form records it as the default channel: removing
 * the option would leave them naming a value the field can no longer hold.
 * @example whereOptionIsUsed(doc, 'opportunity', 'stage', 'lost') // [{ path: '/forms/0/linkage/0/when/==', kind: 'formLinkage', … }]
 */
export function whereOptionIsUsed(
  doc: AppDocument,
  entityId: string,
  fieldId: string,
  optionId: string,
): Usage[] {
  const out: Usage[] = [];
  for (const u of fieldUsages(doc, [{ kind: 'field', entityId, fieldId }])) {
    if (!COMPARED.has(u.kind)) continue;
    const parts = segments(u.path);
    if (u.kind === 'flowTrigger' && parts.at(-1) === 'field') {
      const to = getAt(doc, [...parts.slice(0, -1), 'to']);
      if (to === optionId) out.push(toUsage({ ...u, path: `${u.path.slice(0, -'/field'.length)}/to` }, true));
      continue;
    }
    // The var's operation: `…/==/0/var` → the arguments of `==`.
    const at = parts.at(-1) === 'var' ? parts.slice(0, -2) : parts.slice(0, -1);
    const args = getAt(doc, at);
    const literals = Array.isArray(args) ? args.flatMap((a) => (Array.isArray(a) ? a : [a])) : [];
    if (literals.includes(optionId)) out.push(toUsage({ ...u, path: pointer('', ...at) }, true));
  }
  // A public form recording the option as the channel of submissions without one.
  (doc.forms ?? []).forEach((form, f) => {
    const attribution = form.public?.attribution;
    if (form.entity === entityId && attribution?.channelField === fieldId && attribution.channel === optionId)
      out.push({
        path: `/forms/${f}/public/attribution/channel`,
        kind: 'formPublic',
        owner: { kind: 'form', id: form.id },
        blocking: true,
        message: USAGE_KINDS.formPublic.text,
      });
  });
  return out;
}
