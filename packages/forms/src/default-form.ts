import type { AppDocument, Entity, Field, FormFieldNode, FormKind } from '@dougong/schema';
import type { FormDefinition } from './form-types.js';

const COMPUTED = new Set<Field['type']>(['formula', 'autoNumber']);
const WIDE = new Set<Field['type']>(['subTable', 'longText', 'richText', 'attachment']);

/**
 * The form generated for an entity without a declared one: one section of two columns with every field in
 * document order; computed fields (formulas, auto-numbers) read-only; sub-tables and long texts full width.
 * @example defaultForm(leadEntity).layout[0] // { id: 'main', kind: 'section', columns: 2, children: [...] }
 */
export function defaultForm(entity: Entity, kind: FormKind = 'full'): FormDefinition {
  const children: FormFieldNode[] = entity.fields.map((field) => ({
    id: `f-${field.id.replace(/_/g, '-')}`,
    kind: 'field',
    fieldId: field.id,
    ...(WIDE.has(field.type) ? { span: 2 } : {}),
    ...(COMPUTED.has(field.type) ? { readOnly: true } : {}),
  }));
  return {
    id: `default-${entity.id.replace(/_/g, '-')}`,
    entity: entity.id,
    label: entity.label,
    kind: kind === 'public' ? 'full' : kind,
    layout: [{ id: 'main', kind: 'section', columns: 2, children }],
  };
}

/** The entity of a key (not a child entity), or an error naming it. */
export function entityByKey(doc: AppDocument, entityKey: string): Entity {
  const entity = doc.entities.find((e) => e.key === entityKey && e.kind !== 'child');
  if (!entity) throw new Error(`No entity "${entityKey}" in app "${doc.key}".`);
  return entity;
}

/**
 * The form to show for an entity: the first declared form of that kind; for `quickCreate` without one,
 * the full form; else the generated default. `public` forms are never generated.
 * @example formFor(salesApp(), 'opportunity').id // 'opportunity_full'
 */
export function formFor(doc: AppDocument, entityKey: string, kind: FormKind = 'full'): FormDefinition {
  const entity = entityByKey(doc, entityKey);
  const declared = (doc.forms ?? []).filter((f) => f.entity === entity.id);
  const found =
    declared.find((f) => f.kind === kind) ??
    (kind === 'quickCreate' ? declared.find((f) => f.kind === 'full') : undefined);
  if (found) return found;
  if (kind === 'public') throw new Error(`Entity "${entityKey}" has no public form.`);
  return defaultForm(entity, kind);
}

/** A declared form by id, or undefined. */
export function formById(doc: AppDocument, formId: string): FormDefinition | undefined {
  return (doc.forms ?? []).find((f) => f.id === formId);
}
