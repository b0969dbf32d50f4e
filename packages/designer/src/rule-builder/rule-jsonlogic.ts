import { pointer } from '@dougong/schema';
import { sameJson } from '../core/same-json.js';
import type { RuleField } from './rule-fields.js';
import {
  operatorsFor,
  RULE_OPERATORS,
  type RuleBuilderContext,
  type RuleOperator,
} from './rule-operators.js';
import type { RuleCondition, RuleGroup, RuleNode } from './rule-tree.js';

type Logic = Record<string, unknown>;
const today = { today: [] };
const not = (x: unknown): Logic => ({ '!': [x] });
const range = (v: Logic, lo: string, from: unknown, hi: string, to: unknown): Logic => ({
  and: [{ [lo]: [v, from] }, { [hi]: [v, to] }],
});
const period = (v: Logic, unit: 'week' | 'month' | 'quarter' | 'year'): Logic => {
  const start = { [`start_of_${unit}`]: [today] };
  return range(v, 'date_gte', start, 'date_lt', { date_add: [start, 1, unit] });
};
const pair = (value: unknown): [unknown, unknown] =>
  Array.isArray(value) ? [value[0] ?? null, value[1] ?? null] : [null, null];
const orNull = (value: unknown) => (value === undefined ? null : value);

/**
 * The rule-language expression of one condition. Only operations `@dougong/rules` supports are emitted:
 * text tests ignore ASCII case (`contains_ci` …), numbers and money compare exactly (`dec_*`, which are
 * false for empty values), dates compare as calendar dates in the app's zone (`date_*`, `today`,
 * `date_add`, `start_of_*`), option lists use `in_list`.
 */
export function conditionToJsonLogic(condition: RuleCondition, field: RuleField | undefined): unknown {
  const v = { var: condition.field };
  const value = orNull(condition.value);
  const type = field?.type ?? 'text';
  const numeric = type === 'integer' || type === 'decimal';
  const dated = type === 'date' || type === 'datetime';
  switch (condition.operator) {
    case 'eq':
      return numeric ? { dec_eq: [v, value] } : dated ? { date_eq: [v, value] } : { '==': [v, value] };
    case 'ne':
      return numeric ? { dec_ne: [v, value] } : dated ? { date_ne: [v, value] } : { '!=': [v, value] };
    case 'contains':
      return { contains_ci: [v, value] };
    case 'notContains':
      return not({ contains_ci: [v, value] });
    case 'startsWith':
      return { starts_with_ci: [v, value] };
    case 'endsWith':
      return { ends_with_ci: [v, value] };
    case 'empty':
      return { is_empty: [v] };
    case 'notEmpty':
      return { is_not_empty: [v] };
    case 'gt':
      return { dec_gt: [v, value] };
    case 'gte':
      return { dec_gte: [v, value] };
    case 'lt':
      return { dec_lt: [v, value] };
    case 'lte':
      return { dec_lte: [v, value] };
    case 'between': {
      const [from, to] = pair(condition.value);
      return numeric ? range(v, 'dec_gte', from, 'dec_lte', to) : range(v, 'date_gte', from, 'date_lte', to);
    }
    case 'before':
      return type === 'datetime' ? { datetime_lt: [v, value] } : { date_lt: [v, value] };
    case 'after':
      return type === 'datetime' ? { datetime_gt: [v, value] } : { date_gt: [v, value] };
    case 'onOrBefore':
      return { date_lte: [v, value] };
    case 'onOrAfter':
      return { date_gte: [v, value] };
    case 'today':
      return { date_eq: [v, today] };
    case 'lastDays':
      return range(v, 'date_gte', { date_add: [today, -Number(value), 'day'] }, 'date_lte', today);
    case 'nextDays':
      return range(v, 'date_gte', today, 'date_lte', { date_add: [today, Number(value), 'day'] });
    case 'thisWeek':
      return period(v, 'week');
    case 'thisMonth':
      return period(v, 'month');
    case 'thisQuarter':
      return period(v, 'quarter');
    case 'thisYear':
      return period(v, 'year');
    case 'isTrue':
      return { '==': [v, true] };
    case 'isFalse':
      return not(v);
    case 'anyOf':
      return { in_list: [v, Array.isArray(value) ? value : []] };
    case 'noneOf':
      return not({ in_list: [v, Array.isArray(value) ? value : []] });
    case 'includes':
      return { in: [value, v] };
    case 'excludes':
      return not({ in: [value, v] });
    case 'isMe':
      return { '==': [v, { current_user: [] }] };
    case 'inMyDepartments':
      return { in: [v, { current_user_departments: [] }] };
  }
}

function emit(
  node: RuleNode,
  fields: ReadonlyMap<string, RuleField>,
  at: string,
  paths: Map<string, string>,
): unknown {
  paths.set(node.id, at);
  if (node.kind === 'condition') return conditionToJsonLogic(node, fields.get(node.field));
  const inner = node.negate ? pointer(at, '!', 0) : at;
  const kept = node.children.filter((c) => c.kind === 'condition' || c.children.length > 0);
  const args = kept.map((c, i) => emit(c, fields, pointer(inner, node.combinator, i), paths));
  const logic = { [node.combinator]: args };
  return node.negate ? not(logic) : logic;
}

/**
 * The rule-language expression of a tree, with the JSON Pointer each node's expression has in it. A root
 * group with no conditions is `true`; a root AND with one condition is that condition; empty groups below
 * the root are left out.
 */
export function ruleToJsonLogicWithPaths(
  tree: RuleGroup,
  fields: readonly RuleField[],
): { logic: unknown; paths: Map<string, string> } {
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const paths = new Map<string, string>();
  const kept = tree.children.filter((c) => c.kind === 'condition' || c.children.length > 0);
  if (kept.length === 0 && !tree.negate) {
    paths.set(tree.id, '');
    return { logic: true, paths };
  }
  if (kept.length === 1 && !tree.negate && tree.combinator === 'and') {
    paths.set(tree.id, '');
    return { logic: emit(kept[0]!, byPath, '', paths), paths };
  }
  return { logic: emit(tree, byPath, '', paths), paths };
}

/**
 * The rule-language expression of a tree (see {@link ruleToJsonLogicWithPaths}).
 * @example ruleToJsonLogic(tree, fields) // { and: [{ '==': [{ var: 'stage' }, 'lost'] }, { is_empty: [{ var: 'lossReason' }] }] }
 */
export function ruleToJsonLogic(tree: RuleGroup, fields: readonly RuleField[]): unknown {
  return ruleToJsonLogicWithPaths(tree, fields).logic;
}

/**
 * The tree node a JSON Pointer into the rule's expression falls in (the deepest one), so a check issue
 * at `/and/1/dec_gt/1` is shown on the second condition — and, when a root AND holds a single condition
 * (whose expression is the whole rule), on that condition rather than the root.
 */
export function ruleNodeAtPath(
  tree: RuleGroup,
  fields: readonly RuleField[],
  path: string,
): string | undefined {
  let best: string | undefined;
  let depth = -1;
  // Paths come parents first, so on a tie (a lone condition at the root) the later, deeper node wins.
  for (const [id, at] of ruleToJsonLogicWithPaths(tree, fields).paths)
    if ((path === at || path.startsWith(`${at}/`)) && at.length >= depth) {
      best = id;
      depth = at.length;
    }
  return best;
}

/** The outcome of {@link ruleFromJsonLogic}: a tree, or the raw rule for the advanced (JSON) editor. */
export type ParsedRule =
  | { readonly mode: 'builder'; readonly tree: RuleGroup }
  | { readonly mode: 'advanced'; readonly logic: unknown };

const isLogic = (x: unknown): x is Logic =>
  !!x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 1;

// The one variable path a condition reads, or undefined (none, several, or computed).
function varOf(node: unknown): string | undefined {
  const found = new Set<string>();
  let bad = false;
  const visit = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (isLogic(x)) {
      const [op, args] = Object.entries(x)[0]!;
      if (op === 'var') {
        if (typeof args === 'string') found.add(args);
        else bad = true;
      } else visit(args);
    } else if (x && typeof x === 'object') bad = true;
  };
  visit(node);
  return !bad && found.size === 1 ? [...found][0] : undefined;
}

// Literal leaves of a condition (values the operators may have been given).
function literals(node: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) {
    if (node.every((x) => x === null || typeof x !== 'object')) out.push(node);
    for (const x of node) literals(x, out);
  } else if (isLogic(node)) literals(Object.values(node)[0], out);
  else if (node === null || typeof node !== 'object') out.push(node);
  return out;
}

function candidatesFor(operator: RuleOperator, leaves: unknown[]): unknown[] {
  const scalars = leaves.filter((x) => !Array.isArray(x));
  switch (RULE_OPERATORS[operator].value) {
    case 'none':
      return [undefined];
    case 'one':
      return scalars;
    case 'two':
      return scalars.flatMap((a) => scalars.map((b) => [a, b]));
    case 'list':
      return leaves.filter(Array.isArray);
    case 'days':
      return scalars.filter((x): x is number => typeof x === 'number').flatMap((n) => [n, -n]);
  }
}

type Ids = () => string;

// Ids in depth-first order (n1 for the root), so the same rule always reads back as the same tree.
function renumber(tree: RuleGroup): RuleGroup {
  let n = 0;
  const visit = (node: RuleNode): RuleNode =>
    node.kind === 'group'
      ? { ...node, id: `n${++n}`, children: node.children.map(visit) }
      : { ...node, id: `n${++n}` };
  return visit(tree) as RuleGroup;
}

function parseCondition(
  node: unknown,
  fields: ReadonlyMap<string, RuleField>,
  context: RuleBuilderContext,
  newId: Ids,
): RuleCondition | undefined {
  const path = varOf(node);
  const field = path === undefined ? undefined : fields.get(path);
  if (!field || path === undefined) return undefined;
  const leaves = literals(node);
  for (const operator of operatorsFor(field.type, context))
    for (const value of candidatesFor(operator, leaves)) {
      const condition: RuleCondition = {
        kind: 'condition',
        id: '',
        field: path,
        operator,
        ...(value !== undefined ? { value } : {}),
      };
      if (sameJson(conditionToJsonLogic(condition, field), node)) return { ...condition, id: newId() };
    }
  return undefined;
}

function parseNode(
  node: unknown,
  fields: ReadonlyMap<string, RuleField>,
  context: RuleBuilderContext,
  newId: Ids,
): RuleNode | undefined {
  const condition = parseCondition(node, fields, context, newId);
  if (condition) return condition;
  if (!isLogic(node)) return undefined;
  const [op, args] = Object.entries(node)[0]!;
  if ((op === 'and' || op === 'or') && Array.isArray(args) && args.length > 0) {
    const id = newId();
    const children = args.map((a) => parseNode(a, fields, context, newId));
    if (children.some((c) => c === undefined)) return undefined;
    return { kind: 'group', id, combinator: op, children: children as RuleNode[] };
  }
  if (op === '!' && Array.isArray(args) && args.length === 1) {
    const inner = parseNode(args[0], fields, context, newId);
    if (inner?.kind === 'group' && !inner.negate) return { ...inner, negate: true };
  }
  return undefined;
}

/**
 * A rule as a builder tree when the builder can show it exactly — the tree turns back into the very same
 * expression — else `advanced` with the rule as it is (edit it as JSON). Fields are matched by variable
 * path; an operator must suit its field's type.
 * @example ruleFromJsonLogic({ '==': [{ var: 'stage' }, 'lost'] }, fields)
 * // { mode: 'builder', tree: { kind: 'group', combinator: 'and', children: [{ field: 'stage', operator: 'eq', value: 'lost', … }] } }
 */
export function ruleFromJsonLogic(
  logic: unknown,
  fields: readonly RuleField[],
  context: RuleBuilderContext = 'filter',
): ParsedRule {
  let counter = 0;
  const newId = () => `n${++counter}`;
  const byPath = new Map(fields.map((f) => [f.path, f]));
  let tree: RuleGroup | undefined;
  if (logic === true || logic === undefined)
    tree = { kind: 'group', id: newId(), combinator: 'and', children: [] };
  else {
    const rootId = newId();
    const node = parseNode(logic, byPath, context, newId);
    if (node?.kind === 'group') tree = { ...node, id: rootId };
    else if (node) tree = { kind: 'group', id: rootId, combinator: 'and', children: [node] };
  }
  if (tree && sameJson(ruleToJsonLogic(tree, fields), logic === undefined ? true : logic))
    return { mode: 'builder', tree: renumber(tree) };
  return { mode: 'advanced', logic };
}
