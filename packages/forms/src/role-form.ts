import { type AppDocument, appModel } from '@dougong/schema';
import { mapFieldNodes } from './form-layout.js';
import type { FormDefinition } from './form-types.js';

/** What a caller may do with an entity's fields, by key (from the permission layer). */
export interface FieldAccessSets {
  /** Fields the caller cannot see. */
  readonly hidden: ReadonlySet<string>;
  /** Fields the caller can see but not change. */
  readonly readOnly: ReadonlySet<string>;
}

/**
 * A form as one caller may see it: nodes of hidden fields removed (a section keeps its other nodes),
 * fields the caller cannot change marked read-only, data linkage into or from hidden fields dropped.
 * @example formForAccess(doc, form, { hidden: new Set(['annualRevenue']), readOnly: new Set() })
 */
export function formForAccess(
  doc: AppDocument,
  form: FormDefinition,
  access: FieldAccessSets,
): FormDefinition {
  const model = appModel(doc).entitiesById.get(form.entity);
  if (!model) return form;
  const keyOf = (fieldId: string) => model.fieldsById.get(fieldId)?.key ?? '';
  const dataLinkage = (form.dataLinkage ?? []).filter((link) => {
    const scope =
      link.subTable === undefined ? model : model.subTables.find((s) => s.field.id === link.subTable)?.child;
    if (link.subTable !== undefined && access.hidden.has(keyOf(link.subTable))) return false;
    if (scope === model && access.hidden.has(keyOf(link.field))) return false;
    return link.copy.every((pair) => scope !== model || !access.hidden.has(keyOf(pair.to)));
  });
  return {
    ...form,
    layout: mapFieldNodes(form.layout, (node) => {
      const key = keyOf(node.fieldId);
      if (access.hidden.has(key)) return null;
      return access.readOnly.has(key) ? { ...node, readOnly: true } : node;
    }),
    ...(form.dataLinkage ? { dataLinkage } : {}),
  };
}
