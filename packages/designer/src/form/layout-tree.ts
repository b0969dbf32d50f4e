import type { FormNode, FormTabsNode } from '@dougong/schema';

/** One tab of a tabs node. */
export type FormTab = FormTabsNode['tabs'][number];

/** A layout node or a tab: what the designer can select, move and remove on a form. */
export type LayoutItem = FormNode | FormTab;

/** Whether an item is a tab (tabs have no `kind`). */
export const isTab = (item: LayoutItem): item is FormTab => !('kind' in item);

/** What kind of container an id names: the form's root (null), a section, a tab, or a tabs node. */
export type ContainerKind = 'root' | 'section' | 'tab' | 'tabs';

/** Where an item sits: its container (null = the form's root), its index there and its nesting depth. */
export interface ItemLocation {
  readonly item: LayoutItem;
  readonly parentId: string | null;
  readonly parentKind: ContainerKind;
  readonly index: number;
  /** Depth of the item (root nodes 0, a section's children 1, a tab's children one below its tabs node). */
  readonly depth: number;
}

/** Finds an item (node or tab) by id. */
export function locate(layout: readonly FormNode[], id: string): ItemLocation | undefined {
  const visit = (
    items: readonly LayoutItem[],
    parentId: string | null,
    parentKind: ContainerKind,
    depth: number,
  ): ItemLocation | undefined => {
    for (const [index, item] of items.entries()) {
      if (item.id === id) return { item, parentId, parentKind, index, depth };
      if (isTab(item)) {
        const found = visit(item.children, item.id, 'tab', depth);
        if (found) return found;
      } else if (item.kind === 'section') {
        const found = visit(item.children, item.id, 'section', depth + 1);
        if (found) return found;
      } else if (item.kind === 'tabs') {
        const found = visit(item.tabs, item.id, 'tabs', depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(layout, null, 'root', 0);
}

/** The items of a container (null = root) with its kind and the depth its children sit at. */
export function containerOf(
  layout: readonly FormNode[],
  parentId: string | null,
): { kind: ContainerKind; items: readonly LayoutItem[]; depth: number } | undefined {
  if (parentId === null) return { kind: 'root', items: layout, depth: 0 };
  const at = locate(layout, parentId);
  if (!at) return undefined;
  const item = at.item;
  if (isTab(item)) return { kind: 'tab', items: item.children, depth: at.depth };
  if (item.kind === 'section') return { kind: 'section', items: item.children, depth: at.depth + 1 };
  if (item.kind === 'tabs') return { kind: 'tabs', items: item.tabs, depth: at.depth + 1 };
  return undefined;
}

// Rebuilds the children of the container `parentId` with `edit`; same layout when nothing changed.
function editContainer(
  layout: readonly FormNode[],
  parentId: string | null,
  edit: (items: readonly LayoutItem[]) => LayoutItem[],
): FormNode[] {
  if (parentId === null) return edit(layout) as FormNode[];
  const visit = <T extends LayoutItem>(items: readonly T[]): T[] => {
    let changed = false;
    const out = items.map((item) => {
      let next: LayoutItem = item;
      if (isTab(item)) {
        const children = item.id === parentId ? edit(item.children) : visit(item.children);
        if (children !== item.children) next = { ...item, children: children as FormNode[] };
      } else if (item.kind === 'section') {
        const children = item.id === parentId ? edit(item.children) : visit(item.children);
        if (children !== item.children) next = { ...item, children: children as FormNode[] };
      } else if (item.kind === 'tabs') {
        const tabs = item.id === parentId ? edit(item.tabs) : visit(item.tabs);
        if (tabs !== item.tabs) next = { ...item, tabs: tabs as FormTab[] };
      }
      if (next !== item) changed = true;
      return next as T;
    });
    return changed ? out : (items as T[]);
  };
  return visit(layout as readonly LayoutItem[]) as FormNode[];
}

/** The layout with an item inserted into a container at a final index. */
export function insertItem(
  layout: readonly FormNode[],
  parentId: string | null,
  index: number,
  item: LayoutItem,
): FormNode[] {
  return editContainer(layout, parentId, (items) => {
    const at = Math.max(0, Math.min(index, items.length));
    return [...items.slice(0, at), item, ...items.slice(at)];
  });
}

/** The layout with the items of these ids removed (with everything inside them). */
export function removeItems(layout: readonly FormNode[], ids: ReadonlySet<string>): FormNode[] {
  const visit = <T extends LayoutItem>(items: readonly T[]): T[] => {
    let changed = false;
    const out: T[] = [];
    for (const item of items) {
      if (ids.has(item.id)) {
        changed = true;
        continue;
      }
      let next: LayoutItem = item;
      if (isTab(item)) {
        const children = visit(item.children);
        if (children !== item.children) next = { ...item, children };
      } else if (item.kind === 'section') {
        const children = visit(item.children);
        if (children !== item.children) next = { ...item, children };
      } else if (item.kind === 'tabs') {
        const tabs = visit(item.tabs);
        // Tabs without any tab left go too (a tabs node needs one).
        if (tabs.length === 0) {
          changed = true;
          continue;
        }
        if (tabs !== item.tabs) next = { ...item, tabs };
      }
      if (next !== item) changed = true;
      out.push(next as T);
    }
    return changed ? out : (items as T[]);
  };
  return visit(layout as readonly LayoutItem[]) as FormNode[];
}

/** The layout with one item replaced by `edit`'s result. */
export function replaceItem(
  layout: readonly FormNode[],
  id: string,
  edit: (item: LayoutItem) => LayoutItem,
): FormNode[] {
  const at = locate(layout, id);
  if (!at) return layout as FormNode[];
  return editContainer(layout, at.parentId, (items) =>
    items.map((item) => (item.id === id ? edit(item) : item)),
  );
}

/** Every id inside an item (its own included). */
export function idsWithin(item: LayoutItem, out = new Set<string>()): Set<string> {
  out.add(item.id);
  if (isTab(item) || item.kind === 'section') for (const child of item.children) idsWithin(child, out);
  else if (item.kind === 'tabs') for (const tab of item.tabs) idsWithin(tab, out);
  return out;
}

/** The deepest depth at which a section or tabs node sits (-1 when there is none). */
export function deepestContainer(items: readonly LayoutItem[], depth = 0): number {
  let max = -1;
  for (const item of items) {
    if (isTab(item)) max = Math.max(max, deepestContainer(item.children, depth));
    else if (item.kind === 'section') max = Math.max(max, depth, deepestContainer(item.children, depth + 1));
    else if (item.kind === 'tabs') max = Math.max(max, depth, deepestContainer(item.tabs, depth + 1));
  }
  return max;
}

/** Sections and tabs nest at most this deep (depth 0–3), as the document validator checks. */
export const MAX_CONTAINER_DEPTH = 3;
