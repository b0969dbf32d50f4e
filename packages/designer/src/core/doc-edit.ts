import type { AppDocument, Entity, Field, Flow, Form } from '@dougong/schema';
import { sameJson } from './same-json.js';

/** Replaces the item at `index` (same array when the item is the same object). */
export function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  if (items[index] === item) return items as T[];
  const out = items.slice();
  out[index] = item;
  return out;
}

/** Inserts an item so that it ends up at `index` (clamped to the list). */
export function insertAt<T>(items: readonly T[], index: number, item: T): T[] {
  const at = Math.max(0, Math.min(index, items.length));
  return [...items.slice(0, at), item, ...items.slice(at)];
}

/** Moves the item at `from` so that it ends up at `to` (clamped); the same array when it stays. */
export function moveTo<T>(items: readonly T[], from: number, to: number): T[] {
  const target = Math.max(0, Math.min(to, items.length - 1));
  if (from === target) return items as T[];
  const out = items.slice();
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item as T);
  return out;
}

/**
 * Where an item goes in a flat list: at a final index, or before / after another item (by id). Positions
 * are final: `{ index: 0 }` puts the item first.
 */
export type ListTarget =
  | { readonly index: number }
  | { readonly beforeId: string }
  | { readonly afterId: string };

/**
 * The final index a list target means for an item (`movingId` when moving: the list without it is what
 * before/after refer to). Undefined when the referenced id is not in the list.
 */
export function targetIndex<T extends { id: string }>(
  items: readonly T[],
  target: ListTarget,
  movingId?: string,
): number | undefined {
  const rest = movingId === undefined ? items : items.filter((i) => i.id !== movingId);
  if ('index' in target) return Math.max(0, Math.min(Math.trunc(target.index), rest.length));
  const ref = 'beforeId' in target ? target.beforeId : target.afterId;
  const at = rest.findIndex((i) => i.id === ref);
  if (at < 0) return undefined;
  return 'beforeId' in target ? at : at + 1;
}

/**
 * Applies a patch to an object: `undefined` leaves a property, `null` removes it, anything else sets it.
 * Returns the same object when nothing changes.
 */
export function patchObject<T extends object>(object: T, patch: Readonly<Record<string, unknown>>): T {
  let out: Record<string, unknown> | undefined;
  const source = object as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = (out ?? source)[key];
    if (value === null) {
      if (!(key in (out ?? source))) continue;
      out ??= { ...source };
      delete out[key];
    } else if (!sameJson(current, value)) {
      out ??= { ...source };
      out[key] = value;
    }
  }
  return (out as T | undefined) ?? object;
}

/** The document with one entity replaced by `edit`'s result; undefined when no entity has the id. */
export function withEntity(
  doc: AppDocument,
  entityId: string,
  edit: (entity: Entity) => Entity,
): AppDocument | undefined {
  const index = doc.entities.findIndex((e) => e.id === entityId);
  if (index < 0) return undefined;
  const entity = doc.entities[index]!;
  const next = edit(entity);
  return next === entity ? doc : { ...doc, entities: replaceAt(doc.entities, index, next) };
}

/** The entity with one field replaced by `edit`'s result; undefined when no field has the id. */
export function withField(
  entity: Entity,
  fieldId: string,
  edit: (field: Field) => Field,
): Entity | undefined {
  const index = entity.fields.findIndex((f) => f.id === fieldId);
  if (index < 0) return undefined;
  const field = entity.fields[index]!;
  const next = edit(field);
  return next === field ? entity : { ...entity, fields: replaceAt(entity.fields, index, next) };
}

/** The document with one form replaced; undefined when no form has the id. */
export function withForm(
  doc: AppDocument,
  formId: string,
  edit: (form: Form) => Form,
): AppDocument | undefined {
  const forms = doc.forms ?? [];
  const index = forms.findIndex((f) => f.id === formId);
  if (index < 0) return undefined;
  const form = forms[index]!;
  const next = edit(form);
  return next === form ? doc : { ...doc, forms: replaceAt(forms, index, next) };
}

/** The document with one flow replaced; undefined when no flow has the id. */
export function withFlow(
  doc: AppDocument,
  flowId: string,
  edit: (flow: Flow) => Flow,
): AppDocument | undefined {
  const flows = doc.flows ?? [];
  const index = flows.findIndex((f) => f.id === flowId);
  if (index < 0) return undefined;
  const flow = flows[index]!;
  const next = edit(flow);
  return next === flow ? doc : { ...doc, flows: replaceAt(flows, index, next) };
}

/** The id a list target refers to (empty for an index). */
export function targetRef(target: ListTarget): string {
  return 'beforeId' in target ? target.beforeId : 'afterId' in target ? target.afterId : '';
}
