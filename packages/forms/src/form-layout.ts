import type { FormFieldNode, FormNode } from '@dougong/schema';
import type { FormDefinition } from './form-types.js';

/**
 * Every field node of a form's layout in reading order (sections and tabs flattened).
 * @example fieldNodes(form).map((n) => n.fieldId) // ['name', 'company', …]
 */
export function fieldNodes(form: Pick<FormDefinition, 'layout'>): FormFieldNode[] {
  const out: FormFieldNode[] = [];
  const visit = (nodes: readonly FormNode[]) => {
    for (const node of nodes) {
      switch (node.kind) {
        case 'field':
          out.push(node);
          break;
        case 'section':
          visit(node.children);
          break;
        case 'tabs':
          for (const tab of node.tabs) visit(tab.children);
          break;
        case 'divider':
        case 'text':
          break;
      }
    }
  };
  visit(form.layout);
  return out;
}

/**
 * A layout with each field node replaced by what `map` returns (null drops it); sections, tabs, dividers
 * and text keep their place.
 * @example mapFieldNodes(form.layout, (n) => (hidden.has(n.fieldId) ? null : n))
 */
export function mapFieldNodes(
  nodes: readonly FormNode[],
  map: (node: FormFieldNode) => FormFieldNode | null,
): FormNode[] {
  const out: FormNode[] = [];
  for (const node of nodes) {
    if (node.kind === 'field') {
      const mapped = map(node);
      if (mapped) out.push(mapped);
    } else if (node.kind === 'section') out.push({ ...node, children: mapFieldNodes(node.children, map) });
    else if (node.kind === 'tabs')
      out.push({
        ...node,
        tabs: node.tabs.map((tab) => ({ ...tab, children: mapFieldNodes(tab.children, map) })),
      });
    else out.push(node);
  }
  return out;
}
