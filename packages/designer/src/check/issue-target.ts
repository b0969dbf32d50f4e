import type { AppDocument, FormNode } from '@dougong/schema';
import { pointer } from '@dougong/schema';
import { segments } from '../core/pointer.js';
import type { Selection } from '../state/selection.js';

/**
 * What a JSON Pointer into the document points at, as a selection, plus the pointer's remainder inside
 * that target (`within`): for `/forms/0/linkage/1/when/==/0/var` the rule, and `/when/==/0/var`; the UI
 * passes the part after `/when` to `ruleNodeAtPath` to mark the offending condition.
 */
export interface IssueTarget {
  readonly selection: Selection;
  readonly within: string;
}

const rest = (parts: readonly string[], from: number) => pointer('', ...parts.slice(from));

// The deepest layout item a path inside `layout` goes through, and the remainder after it.
function layoutTarget(layout: readonly FormNode[], parts: readonly string[]): { id?: string; used: number } {
  let items: ReadonlyArray<{
    id: string;
    children?: readonly FormNode[];
    tabs?: ReadonlyArray<{ id: string; children: readonly FormNode[] }>;
  }> = layout;
  let id: string | undefined;
  let used = 0;
  let i = 0;
  while (i < parts.length) {
    const item = items[Number(parts[i])];
    if (!item) break;
    id = item.id;
    used = i + 1;
    const next = parts[i + 1];
    if (next === 'children' && item.children) {
      items = item.children;
      i += 2;
    } else if (next === 'tabs' && item.tabs) {
      items = item.tabs as typeof items;
      i += 2;
    } else break;
  }
  return { ...(id !== undefined ? { id } : {}), used };
}

/**
 * Maps an issue's JSON Pointer to what the designer should select to show it (entity, field, option,
 * form item, form rule, flow, flow step, role), or the app itself.
 * @example issueTarget(doc, '/flows/0/nodes/2/branches/0/condition/==/1')
 * // { selection: { kind: 'flowNode', flowId: 'route', nodeId: 'condition1' }, within: '/branches/0/condition/==/1' }
 */
export function issueTarget(doc: AppDocument, path: string): IssueTarget {
  const parts = segments(path);
  const [root, a, b, c, d, e] = parts;
  const app: IssueTarget = { selection: { kind: 'app' }, within: path };
  if (root === 'entities') {
    const entity = doc.entities[Number(a)];
    if (!entity) return app;
    const field = b === 'fields' ? entity.fields[Number(c)] : undefined;
    if (!field) return { selection: { kind: 'entity', entityId: entity.id }, within: rest(parts, 2) };
    if (d === 'options' && (field.type === 'singleSelect' || field.type === 'multiSelect')) {
      const option = field.options[Number(e)];
      if (option)
        return {
          selection: { kind: 'option', entityId: entity.id, fieldId: field.id, optionId: option.id },
          within: rest(parts, 6),
        };
    }
    return { selection: { kind: 'field', entityId: entity.id, fieldId: field.id }, within: rest(parts, 4) };
  }
  if (root === 'forms') {
    const form = doc.forms?.[Number(a)];
    if (!form) return app;
    if ((b === 'linkage' || b === 'validation') && c !== undefined) {
      const rule = form[b]?.[Number(c)];
      if (rule)
        return { selection: { kind: 'formRule', formId: form.id, ruleId: rule.id }, within: rest(parts, 4) };
    }
    if (b === 'layout') {
      const found = layoutTarget(form.layout, parts.slice(3));
      if (found.id !== undefined)
        return {
          selection: { kind: 'formNodes', formId: form.id, nodeIds: [found.id] },
          within: rest(parts, 3 + found.used),
        };
    }
    return { selection: { kind: 'form', formId: form.id }, within: rest(parts, 2) };
  }
  if (root === 'flows') {
    const flow = doc.flows?.[Number(a)];
    if (!flow) return app;
    const node = b === 'nodes' ? flow.nodes[Number(c)] : undefined;
    if (node)
      return { selection: { kind: 'flowNode', flowId: flow.id, nodeId: node.id }, within: rest(parts, 4) };
    return { selection: { kind: 'flow', flowId: flow.id }, within: rest(parts, 2) };
  }
  if (root === 'roles') {
    const role = doc.roles?.[Number(a)];
    if (role) return { selection: { kind: 'role', roleKey: role.key }, within: rest(parts, 2) };
  }
  return app;
}
