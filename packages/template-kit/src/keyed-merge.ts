import { changeKind, type MergeRecorder } from './merge-report.js';
import { sameJson } from './same-json.js';

/** An item of a collection and the slot (container) it sits in; `''` for a flat list. */
export interface Placed {
  slot: string;
  value: unknown;
}

/** Items by stable id, and the order of the ids in each slot. */
export interface Collection {
  items: Map<string, Placed>;
  order: Map<string, string[]>;
}

/** Builds a flat (single-slot) collection from a list, by each item's id. */
export function flatCollection(list: readonly unknown[], idOf: (item: unknown) => string): Collection {
  const items = new Map<string, Placed>();
  const ids: string[] = [];
  for (const item of list) {
    const id = idOf(item);
    items.set(id, { slot: '', value: item });
    ids.push(id);
  }
  return { items, order: new Map([['', ids]]) };
}

/** How {@link mergeCollection} names and merges items. */
export interface CollectionMergeOptions {
  /** The JSON Pointer of an item, for the report. */
  path(id: string): string;
  /** Merges an item present in all three versions. */
  mergeItem(id: string, base: unknown, customer: unknown, template: unknown): unknown;
  /** Report slot changes as moves (form layouts); flat lists ignore order-only changes. */
  trackMoves: boolean;
}

/**
 * Three-way merge of a collection by stable id. Per item: present in all three → merged by
 * `mergeItem`, slot by the same rule as a value; only the template changed or removed it → the
 * template's version; the customer deleted it → stays deleted; the template removed what the customer
 * changed → kept; new on either side → added. Slot orders are settled afterwards by
 * {@link orderSlots}, once the caller has fixed slots that no longer exist.
 */
export function mergeCollection(
  base: Collection,
  customer: Collection,
  template: Collection,
  options: CollectionMergeOptions,
  recorder: MergeRecorder,
): Map<string, Placed> {
  const out = new Map<string, Placed>();
  const ids = [...new Set([...customer.items.keys(), ...template.items.keys(), ...base.items.keys()])];
  for (const id of ids) {
    const b = base.items.get(id);
    const c = customer.items.get(id);
    const t = template.items.get(id);
    const path = options.path(id);
    if (b && c && t) {
      const value = options.mergeItem(id, b.value, c.value, t.value);
      out.set(id, { slot: mergeSlot(path, b.slot, c.slot, t.slot, options.trackMoves, recorder), value });
    } else if (b && c && !t) {
      if (sameJson(b.value, c.value) && b.slot === c.slot) recorder.template(path, 'removed');
      else {
        recorder.conflict(path, 'changedByCustomer', c.value, undefined);
        out.set(id, c);
      }
    } else if (b && !c && t) {
      if (sameJson(b.value, t.value) && b.slot === t.slot) recorder.customer(path, 'removed');
      else recorder.conflict(path, 'deletedByCustomer', undefined, t.value);
    } else if (!b && c && t) {
      if (!sameJson(c.value, t.value)) recorder.conflict(path, 'bothAdded', c.value, t.value);
      out.set(id, c);
    } else if (!b && c) {
      recorder.customer(path, 'added');
      out.set(id, c);
    } else if (!b && t) {
      recorder.template(path, 'added');
      out.set(id, t);
    }
    // Only in the base: removed on both sides.
  }
  return out;
}

function mergeSlot(
  path: string,
  b: string,
  c: string,
  t: string,
  track: boolean,
  recorder: MergeRecorder,
): string {
  if (c === b) {
    if (t !== b && track) recorder.template(path, 'moved');
    return t;
  }
  if (t !== b && t !== c && track) recorder.conflict(`${path}`, 'bothChanged', { slot: c }, { slot: t });
  else if (track) recorder.customer(path, 'moved');
  return c;
}

/**
 * The order of the merged items in every slot. When the customer kept the base order of a slot, the
 * template's order is followed and the customer's own items are placed after the neighbour they follow
 * in the customer's version; when the customer reordered it, their order is kept and the template's new
 * items are placed the same way. Items known to neither order (moved in from a removed container) go
 * last.
 */
export function orderSlots(
  merged: Map<string, Placed>,
  base: Collection,
  customer: Collection,
  template: Collection,
): Map<string, string[]> {
  const members = new Map<string, Set<string>>();
  for (const [id, placed] of merged) {
    const set = members.get(placed.slot) ?? new Set<string>();
    members.set(placed.slot, set);
    set.add(id);
  }
  const out = new Map<string, string[]>();
  for (const [slot, set] of members) {
    const cSeq = (customer.order.get(slot) ?? []).filter((id) => set.has(id));
    const tSeq = (template.order.get(slot) ?? []).filter((id) => set.has(id));
    const cIds = new Set(cSeq);
    const common = (base.order.get(slot) ?? []).filter((id) => cIds.has(id));
    const commonSet = new Set(common);
    const reordered = !sameJson(
      common,
      cSeq.filter((id) => commonSet.has(id)),
    );
    const [primary, secondary] = reordered || tSeq.length === 0 ? [cSeq, tSeq] : [tSeq, cSeq];
    const result = [...primary];
    const placed = new Set(result);
    for (const [i, id] of secondary.entries()) {
      if (placed.has(id)) continue;
      insertAnchored(result, placed, secondary, i, id);
    }
    for (const id of set) if (!placed.has(id)) result.push(id);
    out.set(slot, result);
  }
  return out;
}

function insertAnchored(
  result: string[],
  placed: Set<string>,
  seq: string[],
  index: number,
  id: string,
): void {
  for (let j = index - 1; j >= 0; j--) {
    const before = seq[j]!;
    if (placed.has(before)) {
      result.splice(result.indexOf(before) + 1, 0, id);
      placed.add(id);
      return;
    }
  }
  for (let j = index + 1; j < seq.length; j++) {
    const after = seq[j]!;
    if (placed.has(after)) {
      result.splice(result.indexOf(after), 0, id);
      placed.add(id);
      return;
    }
  }
  result.push(id);
  placed.add(id);
}

/**
 * Three-way merge of one value taken as a whole: unchanged by the customer → the template's value;
 * unchanged by the template → the customer's; both changed alike → that; else a conflict, and the
 * customer's value wins. `undefined` means absent.
 */
export function mergeAtomic(
  path: string,
  base: unknown,
  customer: unknown,
  template: unknown,
  recorder: MergeRecorder,
): unknown {
  const customerSame = sameJson(customer, base);
  const templateSame = sameJson(template, base);
  if (customerSame && templateSame) return customer;
  if (customerSame) {
    recorder.template(path, changeKind(base, template));
    return template;
  }
  if (templateSame || sameJson(customer, template)) {
    recorder.customer(path, changeKind(base, customer));
    return customer;
  }
  recorder.conflict(path, 'bothChanged', customer, template);
  return customer;
}
