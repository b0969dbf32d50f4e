import { type Bilingual, bi } from '../core/bilingual.js';
import type { RuleField } from './rule-fields.js';
import {
  operatorsFor,
  RULE_OPERATORS,
  type RuleBuilderContext,
  type RuleOperator,
} from './rule-operators.js';

/** A condition: a field (by variable path), an operator, and the operator's value. */
export interface RuleCondition {
  readonly kind: 'condition';
  readonly id: string;
  readonly field: string;
  readonly operator: RuleOperator;
  /** One value, `[from, to]` for `between`, a list for `anyOf` / `noneOf`, a day count for `lastDays` / `nextDays`. */
  readonly value?: unknown;
}

/** An AND / OR group of conditions and groups; `negate` makes it NOT (…). */
export interface RuleGroup {
  readonly kind: 'group';
  readonly id: string;
  readonly combinator: 'and' | 'or';
  readonly negate?: boolean;
  readonly children: readonly RuleNode[];
}

/** A node of a rule tree. */
export type RuleNode = RuleCondition | RuleGroup;

/** A rule with no conditions: always true. */
export function emptyRule(): RuleGroup {
  return { kind: 'group', id: 'n1', combinator: 'and', children: [] };
}

/** Every node of a tree, depth first (the root first). */
export function ruleNodes(tree: RuleNode): RuleNode[] {
  return tree.kind === 'group' ? [tree, ...tree.children.flatMap(ruleNodes)] : [tree];
}

/** A node by id. */
export function findRuleNode(tree: RuleNode, id: string): RuleNode | undefined {
  return ruleNodes(tree).find((n) => n.id === id);
}

function nextId(tree: RuleNode): string {
  let max = 0;
  for (const n of ruleNodes(tree)) {
    const m = /^n(\d+)$/.exec(n.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `n${max + 1}`;
}

// Rebuilds the tree with `edit` applied to the node of `id` (null removes it).
function mapNode(tree: RuleGroup, id: string, edit: (node: RuleNode) => RuleNode | null): RuleGroup {
  const visit = (node: RuleNode): RuleNode | null => {
    if (node.id === id) return edit(node);
    if (node.kind !== 'group') return node;
    const children = node.children.map(visit);
    return children.every((c, i) => c === node.children[i])
      ? node
      : { ...node, children: children.filter((c): c is RuleNode => c !== null) };
  };
  return (visit(tree) as RuleGroup | null) ?? tree;
}

/** The value a new condition starts with for an operator. */
export function defaultOperatorValue(operator: RuleOperator): unknown {
  switch (RULE_OPERATORS[operator].value) {
    case 'none':
      return undefined;
    case 'two':
      return [null, null];
    case 'list':
      return [];
    case 'days':
      return 7;
    case 'one':
      return null;
  }
}

/** Adds a condition on `field` (with its type's first operator) to a group. */
export function addCondition(
  tree: RuleGroup,
  groupId: string,
  field: RuleField,
  context: RuleBuilderContext = 'filter',
): RuleGroup {
  const operator = operatorsFor(field.type, context)[0]!;
  const value = defaultOperatorValue(operator);
  const condition: RuleCondition = {
    kind: 'condition',
    id: nextId(tree),
    field: field.path,
    operator,
    ...(value !== undefined ? { value } : {}),
  };
  return mapNode(tree, groupId, (g) =>
    g.kind === 'group' ? { ...g, children: [...g.children, condition] } : g,
  );
}

/** Adds an empty group (OR by default) to a group. */
export function addGroup(tree: RuleGroup, groupId: string, combinator: 'and' | 'or' = 'or'): RuleGroup {
  const group: RuleGroup = { kind: 'group', id: nextId(tree), combinator, children: [] };
  return mapNode(tree, groupId, (g) => (g.kind === 'group' ? { ...g, children: [...g.children, group] } : g));
}

/**
 * Changes a condition. A new field keeps the operator when its type offers it (else takes the type's
 * first); a new operator whose value shape differs resets the value.
 */
export function updateCondition(
  tree: RuleGroup,
  id: string,
  patch: { readonly field?: RuleField; readonly operator?: RuleOperator; readonly value?: unknown },
  context: RuleBuilderContext = 'filter',
): RuleGroup {
  return mapNode(tree, id, (node) => {
    if (node.kind !== 'condition') return node;
    let operator = patch.operator ?? node.operator;
    let field = node.field;
    if (patch.field) {
      field = patch.field.path;
      const ops = operatorsFor(patch.field.type, context);
      if (!ops.includes(operator)) operator = ops[0]!;
    }
    const sameShape = RULE_OPERATORS[operator].value === RULE_OPERATORS[node.operator].value;
    const fieldChanged = patch.field !== undefined && patch.field.path !== node.field;
    const value =
      'value' in patch
        ? patch.value
        : sameShape && !fieldChanged
          ? node.value
          : defaultOperatorValue(operator);
    const { value: _, ...rest } = node;
    return { ...rest, field, operator, ...(value !== undefined ? { value } : {}) };
  });
}

/** Sets a group's combinator or negation. */
export function updateGroup(
  tree: RuleGroup,
  id: string,
  patch: { readonly combinator?: 'and' | 'or'; readonly negate?: boolean },
): RuleGroup {
  return mapNode(tree, id, (node) => {
    if (node.kind !== 'group') return node;
    const { negate: _, ...rest } = node;
    const negate = patch.negate ?? node.negate;
    return { ...rest, combinator: patch.combinator ?? node.combinator, ...(negate ? { negate: true } : {}) };
  });
}

/** Removes a condition or group (the root stays). */
export function removeRuleNode(tree: RuleGroup, id: string): RuleGroup {
  return id === tree.id ? tree : mapNode(tree, id, () => null);
}

/** A problem with a condition or group the UI shows next to it. */
export interface RuleTreeIssue {
  readonly id: string;
  readonly message: Bilingual;
}

function missingValue(operator: RuleOperator, value: unknown): boolean {
  const blank = (v: unknown) => v === null || v === undefined || v === '';
  switch (RULE_OPERATORS[operator].value) {
    case 'none':
      return false;
    case 'one':
      return blank(value);
    case 'two':
      return !Array.isArray(value) || value.length !== 2 || value.some(blank);
    case 'list':
      return !Array.isArray(value) || value.length === 0;
    case 'days':
      return typeof value !== 'number' || !Number.isInteger(value) || value < 0;
  }
}

/**
 * What is unfinished or wrong in a tree: unknown fields, operators the field does not offer, missing
 * values, empty groups below the root.
 */
export function ruleTreeIssues(
  tree: RuleGroup,
  fields: readonly RuleField[],
  context: RuleBuilderContext = 'filter',
): RuleTreeIssue[] {
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const out: RuleTreeIssue[] = [];
  for (const node of ruleNodes(tree)) {
    if (node.kind === 'group') {
      if (node !== tree && node.children.length === 0)
        out.push({ id: node.id, message: bi('条件组是空的', 'The group is empty') });
      continue;
    }
    const field = byPath.get(node.field);
    if (!field)
      out.push({ id: node.id, message: bi(`没有字段 "${node.field}"`, `No field "${node.field}"`) });
    else if (!operatorsFor(field.type, context).includes(node.operator))
      out.push({
        id: node.id,
        message: bi('该字段不支持这个运算符', 'This operator does not suit the field'),
      });
    else if (missingValue(node.operator, node.value))
      out.push({ id: node.id, message: bi('请填写值', 'Enter a value') });
  }
  return out;
}
