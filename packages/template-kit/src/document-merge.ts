import { type AppDocument, type FormNode, LOCALES, pointer, pointerSegment } from '@dougong/schema';
import { type Collection, flatCollection, mergeAtomic, mergeCollection, orderSlots } from './keyed-merge.js';
import { mergeLayout } from './layout-merge.js';
import { MergeRecorder, type MergeReport } from './merge-report.js';

type Json = Record<string, unknown>;

/**
 * Collections whose items carry a stable id under another name than `id`. Any other array whose items
 * are objects with distinct string `id`s merges by id too (entities, fields, options, forms, linkage,
 * validation and data-linkage rules, flows, flow nodes, and collections added later).
 */
const KEYED_BY: Record<string, string> = { roles: 'key', grants: 'entity' };

/** Maps by id where each key is a stable id (a grant's field access): merged key by key. */
const MAPS = new Set(['fields']);

/** Properties that pick a variant: when one side changes it, the item is taken as a whole. */
const DISCRIMINATORS = ['type', 'kind'] as const;

/** The result of {@link mergeTemplateUpgrade}. */
export interface TemplateMerge {
  document: AppDocument;
  report: MergeReport;
}

/**
 * Three-way merge of a template upgrade by stable ids. `base` is the template version the app was
 * installed from, `customer` the app as the customer has it now, `next` the new template version.
 * Items and properties only the template changed take the template's value; those only the customer
 * changed keep the customer's (their overlays); those both changed keep the customer's and are
 * reported as conflicts; items the customer deleted stay deleted; new template items are added.
 * Labels merge per locale; rule expressions, triggers and other nested values merge as a whole.
 * The app key stays the customer's; `template` and `schemaVersion` come from `next`.
 *
 * @example
 * const { document, report } = mergeTemplateUpgrade(installedBase, currentApp, newTemplate);
 * report.conflicts // [{ path: '/entities/lead/fields/company/label/zh-CN', reason: 'bothChanged', … }]
 */
export function mergeTemplateUpgrade(
  base: AppDocument,
  customer: AppDocument,
  next: AppDocument,
): TemplateMerge {
  const recorder = new MergeRecorder();
  const merged: Json = {};
  const b = base as unknown as Json;
  const c = customer as unknown as Json;
  const t = next as unknown as Json;
  for (const key of unionKeys(c, t, b)) {
    if (key === 'key') merged.key = customer.key;
    else if (key === 'template' || key === 'schemaVersion') {
      if (t[key] !== undefined) merged[key] = t[key];
    } else {
      const value = mergeProperty(pointer('', key), key, b[key], c[key], t[key], recorder);
      if (value !== undefined) merged[key] = value;
    }
  }
  const document = dropMissingFieldNodes(merged as unknown as AppDocument, recorder);
  return { document, report: recorder.report };
}

/**
 * The customer's overlays: every change of `current` against the template version it was installed
 * from (`base`), as a merge with an unchanged template would keep them.
 */
export function templateOverlays(base: AppDocument, current: AppDocument): MergeReport['customer'] {
  return mergeTemplateUpgrade(base, current, base).report.customer;
}

function unionKeys(...objects: Array<Json | undefined>): string[] {
  const keys = new Set<string>();
  for (const o of objects) if (o) for (const k of Object.keys(o)) if (o[k] !== undefined) keys.add(k);
  return [...keys];
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeProperty(
  path: string,
  key: string,
  b: unknown,
  c: unknown,
  t: unknown,
  recorder: MergeRecorder,
): unknown {
  const present = [b, c, t].filter((v) => v !== undefined);
  if (key === 'layout' && present.every(isFormLayout)) {
    return mergeLayout(
      path,
      (b ?? []) as FormNode[],
      (c ?? []) as FormNode[],
      (t ?? []) as FormNode[],
      (p, x, y, z) => mergeItem(p, x as Json, y as Json, z as Json, recorder),
      recorder,
    );
  }
  const idKey = KEYED_BY[key] ?? 'id';
  if (present.length > 0 && present.every((v) => keyedList(v, idKey))) {
    return mergeList(path, idKey, (b ?? []) as Json[], (c ?? []) as Json[], (t ?? []) as Json[], recorder);
  }
  if (present.length > 0 && present.every(isObject)) {
    if (present.every(isLabel) || (MAPS.has(key) && present.every(isFlatMap))) {
      // A side that dropped the whole object (an optional label) changed the object as a whole.
      if (c === undefined || t === undefined) return mergeAtomic(path, b, c, t, recorder);
      const out: Json = {};
      for (const k of unionKeys(b as Json, c as Json, t as Json)) {
        const v = mergeAtomic(
          `${path}/${pointerSegment(k)}`,
          (b as Json | undefined)?.[k],
          (c as Json | undefined)?.[k],
          (t as Json | undefined)?.[k],
          recorder,
        );
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
  }
  return mergeAtomic(path, b, c, t, recorder);
}

/** A form layout: nodes with an id and a kind (other `layout` lists merge like any list). */
function isFormLayout(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((n) => isObject(n) && typeof n.id === 'string' && typeof n.kind === 'string')
  );
}

/** An array of objects whose `idKey` values are distinct strings. */
function keyedList(value: unknown, idKey: string): value is Json[] {
  if (!Array.isArray(value) || value.length === 0) return Array.isArray(value);
  const ids = new Set<string>();
  for (const item of value) {
    if (!isObject(item) || typeof item[idKey] !== 'string' || ids.has(item[idKey] as string)) return false;
    ids.add(item[idKey] as string);
  }
  return true;
}

function isLabel(value: Json): boolean {
  const keys = Object.keys(value);
  return (
    keys.length > 0 &&
    keys.every((k) => (LOCALES as readonly string[]).includes(k) && typeof value[k] === 'string')
  );
}

function isFlatMap(value: Json): boolean {
  return Object.values(value).every((v) => typeof v !== 'object' || v === null);
}

function mergeList(
  path: string,
  idKey: string,
  b: Json[],
  c: Json[],
  t: Json[],
  recorder: MergeRecorder,
): Json[] {
  const idOf = (item: unknown) => String((item as Json)[idKey]);
  const bc: Collection = flatCollection(b, idOf);
  const cc: Collection = flatCollection(c, idOf);
  const tc: Collection = flatCollection(t, idOf);
  const itemPath = (id: string) => `${path}/${pointerSegment(id)}`;
  const merged = mergeCollection(
    bc,
    cc,
    tc,
    {
      path: itemPath,
      mergeItem: (id, x, y, z) => mergeItem(itemPath(id), x as Json, y as Json, z as Json, recorder),
      trackMoves: false,
    },
    recorder,
  );
  const order = orderSlots(merged, bc, cc, tc).get('') ?? [];
  return order.map((id) => merged.get(id)!.value as Json);
}

/** Merges an item present in all three versions: property by property, unless its variant changed. */
function mergeItem(path: string, b: Json, c: Json, t: Json, recorder: MergeRecorder): Json {
  if (DISCRIMINATORS.some((d) => b[d] !== c[d] || b[d] !== t[d]))
    return mergeAtomic(path, b, c, t, recorder) as Json;
  const out: Json = {};
  for (const key of unionKeys(c, t, b)) {
    const value = mergeProperty(`${path}/${pointerSegment(key)}`, key, b[key], c[key], t[key], recorder);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Drops form field nodes that show a field the merged entity no longer has: one side removed the field
 * while the other placed, kept or moved a node for it. (Both inputs were valid, so only the merge can
 * have left such a node.)
 */
function dropMissingFieldNodes(doc: AppDocument, recorder: MergeRecorder): AppDocument {
  if (!doc.forms) return doc;
  const fieldsOf = new Map(doc.entities.map((e) => [e.id, new Set(e.fields.map((f) => f.id))]));
  const forms = doc.forms.map((form) => {
    const fields = fieldsOf.get(form.entity);
    if (!fields) return form;
    const prune = (nodes: FormNode[]): FormNode[] =>
      nodes.flatMap((node): FormNode[] => {
        if (node.kind === 'field' && !fields.has(node.fieldId)) {
          recorder.conflict(
            `/forms/${pointerSegment(form.id)}/layout/${pointerSegment(node.id)}`,
            'fieldMissing',
            undefined,
            node,
          );
          return [];
        }
        if (node.kind === 'section') return [{ ...node, children: prune(node.children) }];
        if (node.kind === 'tabs')
          return [{ ...node, tabs: node.tabs.map((tab) => ({ ...tab, children: prune(tab.children) })) }];
        return [node];
      });
    return { ...form, layout: prune(form.layout as FormNode[]) };
  });
  return { ...doc, forms };
}
