import { type AppDocument, appModel, type EntityModel } from '@dougong/schema';
import type { DataLinkageOptions, FormDefinition } from './form-types.js';

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/** What the UI must fetch for data linkage: per reference field, the referenced entity and field keys. */
export interface DataLinkageSource {
  /** The reference field's key. */
  readonly field: string;
  /** The sub-table key when the reference is a column of sub-table rows. */
  readonly subTable?: string;
  /** The referenced entity's key. */
  readonly entity: string;
  /** Keys of the referenced record's fields that are copied. */
  readonly reads: readonly string[];
}

/**
 * The data linkage of a form in terms of keys: which reference fields fill others, and what they read.
 * @example dataLinkageSources(doc, form) // [{ field: 'product', subTable: 'products', entity: 'product', reads: ['price'] }]
 */
export function dataLinkageSources(doc: AppDocument, form: FormDefinition): DataLinkageSource[] {
  const app = appModel(doc);
  const model = app.entitiesById.get(form.entity);
  if (!model) return [];
  const out: DataLinkageSource[] = [];
  for (const link of form.dataLinkage ?? []) {
    const scope = scopeOf(model, link.subTable);
    const field = scope?.model.fieldsById.get(link.field);
    if (!scope || field?.type !== 'reference') continue;
    const target = app.entitiesById.get(field.target);
    if (!target) continue;
    const reads = link.copy.map((c) => target.fieldsById.get(c.from)?.key).filter((k): k is string => !!k);
    out.push({
      field: field.key,
      ...(scope.key ? { subTable: scope.key } : {}),
      entity: target.entity.key,
      reads,
    });
  }
  return out;
}

function scopeOf(
  model: EntityModel,
  subTableId: string | undefined,
): { model: EntityModel; key?: string } | undefined {
  if (subTableId === undefined) return { model };
  const sub = model.subTables.find((s) => s.field.id === subTableId);
  return sub ? { model: sub.child, key: sub.field.key } : undefined;
}

/**
 * The values to copy when a reference field gets a record: for each data-linkage entry on that field (in
 * the record, or in rows of `options.subTable`), the referenced record's `from` values into the `to` keys;
 * with `overwrite: false` only into fields that are empty in `options.current`. Clearing the reference
 * copies nothing.
 */
export function dataLinkagePatch(
  doc: AppDocument,
  model: EntityModel,
  form: FormDefinition,
  fieldKey: string,
  referenced: Readonly<Record<string, unknown>> | null,
  options: DataLinkageOptions,
): Record<string, unknown> {
  if (!referenced) return {};
  const app = appModel(doc);
  const patch: Record<string, unknown> = {};
  for (const link of form.dataLinkage ?? []) {
    const scope = scopeOf(model, link.subTable);
    if (!scope || scope.key !== options.subTable) continue;
    const field = scope.model.fieldsById.get(link.field);
    if (field?.type !== 'reference' || field.key !== fieldKey) continue;
    const target = app.entitiesById.get(field.target);
    if (!target) continue;
    for (const pair of link.copy) {
      const from = target.fieldsById.get(pair.from);
      const to = scope.model.fieldsById.get(pair.to);
      if (!from || !to) continue;
      if (link.overwrite === false && !isEmpty(options.current?.[to.key])) continue;
      const value = referenced[from.key];
      patch[to.key] = value === undefined ? null : structuredClone(value);
    }
  }
  return patch;
}
