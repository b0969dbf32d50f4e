import type { AppDocument, FormNode } from '@dougong/schema';

/**
 * What the analyst has selected (the cursor): addressed by ids, like everything in the designer. Actions
 * select what they create; undo and redo restore the selection of their step; a selection whose target
 * is gone falls back to its parent.
 */
export type Selection =
  | null
  | { readonly kind: 'app' }
  | { readonly kind: 'entity'; readonly entityId: string }
  | { readonly kind: 'field'; readonly entityId: string; readonly fieldId: string }
  | {
      readonly kind: 'option';
      readonly entityId: string;
      readonly fieldId: string;
      readonly optionId: string;
    }
  | { readonly kind: 'form'; readonly formId: string }
  /** One or more layout nodes (or tabs) of a form, for multi-select delete. */
  | { readonly kind: 'formNodes'; readonly formId: string; readonly nodeIds: readonly string[] }
  | { readonly kind: 'formRule'; readonly formId: string; readonly ruleId: string }
  | { readonly kind: 'flow'; readonly flowId: string }
  | { readonly kind: 'flowNode'; readonly flowId: string; readonly nodeId: string }
  | { readonly kind: 'role'; readonly roleKey: string };

/** Every node and tab id of a layout. */
export function layoutIds(nodes: readonly FormNode[], out = new Set<string>()): Set<string> {
  for (const node of nodes) {
    out.add(node.id);
    if (node.kind === 'section') layoutIds(node.children, out);
    else if (node.kind === 'tabs')
      for (const tab of node.tabs) {
        out.add(tab.id);
        layoutIds(tab.children, out);
      }
  }
  return out;
}

/**
 * The selection with vanished targets replaced by their parent (a removed field selects its entity, a
 * removed node its form; multi-selections keep the nodes that remain).
 */
export function normalizeSelection(doc: AppDocument, selection: Selection): Selection {
  if (!selection) return null;
  switch (selection.kind) {
    case 'app':
      return selection;
    case 'entity':
      return doc.entities.some((e) => e.id === selection.entityId) ? selection : null;
    case 'field':
    case 'option': {
      const entity = doc.entities.find((e) => e.id === selection.entityId);
      if (!entity) return null;
      const field = entity.fields.find((f) => f.id === selection.fieldId);
      if (!field) return { kind: 'entity', entityId: entity.id };
      if (selection.kind === 'field') return selection;
      const options = field.type === 'singleSelect' || field.type === 'multiSelect' ? field.options : [];
      return options.some((o) => o.id === selection.optionId)
        ? selection
        : { kind: 'field', entityId: entity.id, fieldId: field.id };
    }
    case 'form':
      return doc.forms?.some((f) => f.id === selection.formId) ? selection : null;
    case 'formNodes': {
      const form = doc.forms?.find((f) => f.id === selection.formId);
      if (!form) return null;
      const ids = layoutIds(form.layout);
      const kept = selection.nodeIds.filter((id) => ids.has(id));
      if (kept.length === 0) return { kind: 'form', formId: form.id };
      return kept.length === selection.nodeIds.length ? selection : { ...selection, nodeIds: kept };
    }
    case 'formRule': {
      const form = doc.forms?.find((f) => f.id === selection.formId);
      if (!form) return null;
      const rules = [...(form.linkage ?? []), ...(form.validation ?? [])];
      return rules.some((r) => r.id === selection.ruleId) ? selection : { kind: 'form', formId: form.id };
    }
    case 'flow':
      return doc.flows?.some((f) => f.id === selection.flowId) ? selection : null;
    case 'flowNode': {
      const flow = doc.flows?.find((f) => f.id === selection.flowId);
      if (!flow) return null;
      return flow.nodes.some((n) => n.id === selection.nodeId)
        ? selection
        : { kind: 'flow', flowId: flow.id };
    }
    case 'role':
      return doc.roles?.some((r) => r.key === selection.roleKey) ? selection : null;
  }
}
