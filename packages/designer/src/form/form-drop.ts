import { fieldNodes } from '@dougong/forms';
import type { AppDocument, FieldType, Label } from '@dougong/schema';
import { type Refusal, refuse } from '../core/action-types.js';
import { type Bilingual, bi } from '../core/bilingual.js';
import { FIELD_TYPE_GROUPS, FIELD_TYPE_LABELS } from '../model/field-types.js';
import { applyAction, type DesignerAction } from '../state/action-registry.js';
import { FORM_BLOCKS, type FormBlock, type NewFormNode } from './form-nodes.js';
import type { FormNodeTarget } from './form-targets.js';
import { containerOf, isTab, locate } from './layout-tree.js';

/** What is being dragged onto a form. */
export type FormDragItem =
  /** A field of the form's entity, from the palette. */
  | { readonly source: 'field'; readonly fieldId: string }
  /** A layout block from the palette (section, columns, tabs, tab, divider, text). */
  | { readonly source: 'block'; readonly node: NewFormNode }
  /** A new field of a type: created in the entity and placed on the form in one step. */
  | { readonly source: 'newField'; readonly fieldType: FieldType; readonly label?: Label }
  /** An item already on the form (a node or a tab). */
  | { readonly source: 'canvas'; readonly nodeId: string };

/**
 * Where it is dropped: over an item (`overId`; null is the form's empty area) before it, after it, or
 * inside it (a section, a tab, or — for a tab — a tabs block), optionally at an index inside.
 */
export interface FormDropOver {
  readonly overId: string | null;
  readonly position: 'before' | 'after' | 'inside';
  readonly index?: number;
}

/**
 * What a drop (or a keyboard move) means: the action to dispatch — `noop` when it would change nothing —
 * or a refusal with its reason (to show while hovering, or to announce).
 */
export type DropResolution =
  | { readonly ok: true; readonly action: DesignerAction; readonly noop: boolean }
  | { readonly ok: false; readonly refusal: Refusal };

function tryAction(doc: AppDocument, action: DesignerAction): DropResolution {
  const result = applyAction(doc, action);
  return result.ok ? { ok: true, action, noop: result.doc === doc } : { ok: false, refusal: result.refusal };
}

function targetOf(doc: AppDocument, formId: string, over: FormDropOver): FormNodeTarget | Refusal {
  if (over.overId === null)
    return { parentId: null, ...(over.index !== undefined ? { index: over.index } : {}) };
  if (over.position === 'before') return { beforeId: over.overId };
  if (over.position === 'after') return { afterId: over.overId };
  const form = doc.forms?.find((f) => f.id === formId);
  const at = form ? locate(form.layout, over.overId) : undefined;
  if (!at)
    return refuse('not_found', `表单中没有节点 "${over.overId}"`, `No node "${over.overId}" on the form`)
      .refusal;
  if (!isTab(at.item) && (at.item.kind === 'field' || at.item.kind === 'divider' || at.item.kind === 'text'))
    return refuse('invalid_target', '只能放进分组或标签页', 'Only sections and tabs hold other items')
      .refusal;
  return { parentId: over.overId, ...(over.index !== undefined ? { index: over.index } : {}) };
}

/**
 * Turns a drag-and-drop onto a form into the action to dispatch, or a refusal: a field already on the
 * form, a tab outside a tabs block, a node straight into a tabs block (drop it on a tab), an item into a
 * field or into itself, nesting deeper than four levels. The action is tried on the document, so the
 * answer is exactly what dispatching it would do.
 * @example resolveFormDrop(doc, 'lead_full', { source: 'field', fieldId: 'email' }, { overId: 'f-mobile', position: 'after' })
 * // { ok: true, action: { type: 'addFormNode', formId: 'lead_full', node: { kind: 'field', fieldId: 'email' }, target: { afterId: 'f-mobile' } }, noop: false }
 */
export function resolveFormDrop(
  doc: AppDocument,
  formId: string,
  drag: FormDragItem,
  over: FormDropOver,
): DropResolution {
  const form = doc.forms?.find((f) => f.id === formId);
  if (!form) return refuse('not_found', `没有表单 "${formId}"`, `No form "${formId}"`);
  const target = targetOf(doc, formId, over);
  if ('code' in target) return { ok: false, refusal: target };
  switch (drag.source) {
    case 'field':
      return tryAction(doc, {
        type: 'addFormNode',
        formId,
        node: { kind: 'field', fieldId: drag.fieldId },
        target,
      });
    case 'block':
      return tryAction(doc, { type: 'addFormNode', formId, node: drag.node, target });
    case 'newField':
      return tryAction(doc, {
        type: 'addField',
        entityId: form.entity,
        fieldType: drag.fieldType,
        ...(drag.label ? { label: drag.label } : {}),
        place: { formId, target },
      });
    case 'canvas':
      return tryAction(doc, { type: 'moveFormNode', formId, nodeId: drag.nodeId, target });
  }
}

/**
 * The keyboard alternative to dragging an item on a form: `up` / `down` among its siblings, `out` of its
 * section or tab (just after it), `in` to the end of the section (or first tab) just above it.
 */
export function keyboardFormMove(
  doc: AppDocument,
  formId: string,
  nodeId: string,
  direction: 'up' | 'down' | 'in' | 'out',
): DropResolution {
  const form = doc.forms?.find((f) => f.id === formId);
  if (!form) return refuse('not_found', `没有表单 "${formId}"`, `No form "${formId}"`);
  const at = locate(form.layout, nodeId);
  if (!at) return refuse('not_found', `表单中没有节点 "${nodeId}"`, `No node "${nodeId}" on the form`);
  const siblings = containerOf(form.layout, at.parentId)!.items;
  const move = (target: FormNodeTarget) => tryAction(doc, { type: 'moveFormNode', formId, nodeId, target });
  const edge = () => refuse('invalid_target', '已经到头了', 'It cannot go further that way');
  switch (direction) {
    case 'up':
      return at.index === 0 ? edge() : move({ beforeId: siblings[at.index - 1]!.id });
    case 'down':
      return at.index === siblings.length - 1 ? edge() : move({ afterId: siblings[at.index + 1]!.id });
    case 'out': {
      if (at.parentId === null) return edge();
      const parent = locate(form.layout, at.parentId)!;
      // Out of a tab means out of its tabs block.
      const outer = at.parentKind === 'tab' ? parent.parentId : at.parentId;
      return outer === null ? edge() : move({ afterId: outer });
    }
    case 'in': {
      const above = siblings[at.index - 1];
      if (!above || isTab(above)) return edge();
      if (above.kind === 'section') return move({ parentId: above.id });
      if (above.kind === 'tabs' && above.tabs[0]) return move({ parentId: above.tabs[0].id });
      return edge();
    }
  }
}

/** A field of the palette: whether it is on the form already (each field goes on a form once). */
export interface PaletteField {
  readonly fieldId: string;
  readonly key: string;
  readonly label: Label;
  readonly type: FieldType;
  readonly placed: boolean;
}

/**
 * What a form's palette offers: the entity's fields (placed ones flagged), layout blocks, and new field
 * types by group (dropping one creates the field).
 */
export function formPalette(
  doc: AppDocument,
  formId: string,
): {
  fields: PaletteField[];
  blocks: readonly FormBlock[];
  fieldTypes: ReadonlyArray<{
    id: string;
    label: Bilingual;
    types: ReadonlyArray<{ type: FieldType; label: Bilingual }>;
  }>;
} {
  const form = doc.forms?.find((f) => f.id === formId);
  const entity = doc.entities.find((e) => e.id === form?.entity);
  const placed = new Set(form ? fieldNodes(form).map((n) => n.fieldId) : []);
  return {
    fields: (entity?.fields ?? []).map((f) => ({
      fieldId: f.id,
      key: f.key,
      label: f.label,
      type: f.type,
      placed: placed.has(f.id),
    })),
    blocks: FORM_BLOCKS,
    fieldTypes: FIELD_TYPE_GROUPS.map((g) => ({
      id: g.id,
      label: g.label,
      types: g.types.map((type) => ({ type, label: FIELD_TYPE_LABELS[type] })),
    })),
  };
}

/** "Moved …" style texts for screen-reader announcements of drops. */
export const DROP_ANNOUNCEMENTS = {
  picked: bi('已拿起', 'Picked up'),
  moved: bi('已移动', 'Moved'),
  added: bi('已添加', 'Added'),
  refused: bi('不能放在这里', 'Cannot drop here'),
  cancelled: bi('已取消', 'Cancelled'),
} as const;
