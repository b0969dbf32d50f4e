import type { FormNode } from '@dougong/schema';
import { type Refusal, refuse } from '../core/action-types.js';
import {
  containerOf,
  deepestContainer,
  idsWithin,
  insertItem,
  isTab,
  type LayoutItem,
  locate,
  MAX_CONTAINER_DEPTH,
  removeItems,
} from './layout-tree.js';

/**
 * Where a layout item goes, by ids: into a container (`parentId` null is the form itself; a section id; a
 * tab id; a tabs node's id for tabs) at a final index (default: last), or just before / after an item.
 */
export type FormNodeTarget =
  | { readonly parentId: string | null; readonly index?: number }
  | { readonly beforeId: string }
  | { readonly afterId: string };

/**
 * The layout with `item` placed at `target`; when `moving`, the item is taken from its old place first.
 * Refused: unknown ids, a tab outside a tabs node or a node directly in one, an item into itself, nesting
 * sections and tabs deeper than four levels. Returns the same layout when the item would not move.
 */
export function placeItem(
  layout: readonly FormNode[],
  item: LayoutItem,
  target: FormNodeTarget,
  moving: boolean,
): { ok: true; layout: FormNode[] } | { ok: false; refusal: Refusal } {
  const from = moving ? locate(layout, item.id) : undefined;
  if (moving && !from)
    return refuse('not_found', `表单中没有节点 "${item.id}"`, `No node "${item.id}" on the form`);
  let parentId: string | null;
  let index: number | undefined;
  if ('parentId' in target) {
    parentId = target.parentId;
    index = target.index;
  } else {
    const refId = 'beforeId' in target ? target.beforeId : target.afterId;
    if (refId === item.id && from) return { ok: true, layout: layout as FormNode[] };
    const ref = locate(layout, refId);
    if (!ref) return refuse('not_found', `表单中没有节点 "${refId}"`, `No node "${refId}" on the form`);
    parentId = ref.parentId;
    const siblings = containerOf(layout, parentId)!.items.filter((i) => i.id !== item.id);
    const at = siblings.findIndex((i) => i.id === refId);
    index = 'beforeId' in target ? at : at + 1;
  }
  const container = containerOf(layout, parentId);
  if (!container)
    return refuse('not_found', `表单中没有容器 "${parentId}"`, `No container "${parentId}" on the form`);
  if (parentId !== null && from && idsWithin(from.item).has(parentId))
    return refuse('invalid_target', '不能把节点放进它自己里面', 'A node cannot go inside itself');
  if (container.kind === 'tabs' && !isTab(item))
    return refuse('invalid_target', '标签页组里只能放标签页', 'Only tabs go into a tabs block');
  if (container.kind !== 'tabs' && isTab(item))
    return refuse('invalid_target', '标签页只能放在标签页组里', 'A tab goes only into a tabs block');
  const rest = container.items.filter((i) => i.id !== item.id);
  const at = Math.max(0, Math.min(index ?? rest.length, rest.length));
  if (from && from.parentId === parentId && from.index === at)
    return { ok: true, layout: layout as FormNode[] };
  const without = from ? removeItems(layout, new Set([item.id])) : (layout as FormNode[]);
  if (parentId !== null && !locate(without, parentId))
    return refuse(
      'invalid_target',
      '不能移动标签页组里唯一的标签页',
      'The only tab of a tabs block cannot move out',
    );
  const next = insertItem(without, parentId, at, item);
  const before = deepestContainer(layout);
  const after = deepestContainer(next);
  if (after > Math.max(MAX_CONTAINER_DEPTH, before))
    return refuse('too_deep', '分组和标签页最多嵌套四层', 'Sections and tabs nest at most four levels deep');
  return { ok: true, layout: next };
}
