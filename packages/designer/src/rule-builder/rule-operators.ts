import { type Bilingual, bi } from '../core/bilingual.js';
import type { RuleValueType } from './rule-fields.js';

/** The operators of the rule builder. Each compiles to operations `@dougong/rules` supports. */
export type RuleOperator =
  | 'eq'
  | 'ne'
  | 'contains'
  | 'notContains'
  | 'startsWith'
  | 'endsWith'
  | 'empty'
  | 'notEmpty'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'between'
  | 'before'
  | 'after'
  | 'onOrBefore'
  | 'onOrAfter'
  | 'today'
  | 'lastDays'
  | 'nextDays'
  | 'thisWeek'
  | 'thisMonth'
  | 'thisQuarter'
  | 'thisYear'
  | 'isTrue'
  | 'isFalse'
  | 'anyOf'
  | 'noneOf'
  | 'includes'
  | 'excludes'
  | 'isMe'
  | 'inMyDepartments';

/**
 * What value an operator takes: none, one, two (a range `[from, to]`), a list (option or record ids),
 * or a number of days.
 */
export type OperatorValue = 'none' | 'one' | 'two' | 'list' | 'days';

/** Each operator's name and value shape. Exhaustive. */
export const RULE_OPERATORS: Readonly<
  Record<RuleOperator, { readonly label: Bilingual; readonly value: OperatorValue }>
> = {
  eq: { label: bi('等于', 'is'), value: 'one' },
  ne: { label: bi('不等于', 'is not'), value: 'one' },
  contains: { label: bi('包含', 'contains'), value: 'one' },
  notContains: { label: bi('不包含', 'does not contain'), value: 'one' },
  startsWith: { label: bi('开头是', 'starts with'), value: 'one' },
  endsWith: { label: bi('结尾是', 'ends with'), value: 'one' },
  empty: { label: bi('为空', 'is empty'), value: 'none' },
  notEmpty: { label: bi('不为空', 'is not empty'), value: 'none' },
  gt: { label: bi('大于', 'greater than'), value: 'one' },
  gte: { label: bi('大于等于', 'at least'), value: 'one' },
  lt: { label: bi('小于', 'less than'), value: 'one' },
  lte: { label: bi('小于等于', 'at most'), value: 'one' },
  between: { label: bi('介于', 'between'), value: 'two' },
  before: { label: bi('早于', 'before'), value: 'one' },
  after: { label: bi('晚于', 'after'), value: 'one' },
  onOrBefore: { label: bi('不晚于', 'on or before'), value: 'one' },
  onOrAfter: { label: bi('不早于', 'on or after'), value: 'one' },
  today: { label: bi('是今天', 'is today'), value: 'none' },
  lastDays: { label: bi('最近几天内', 'in the last days'), value: 'days' },
  nextDays: { label: bi('未来几天内', 'in the next days'), value: 'days' },
  thisWeek: { label: bi('本周', 'this week'), value: 'none' },
  thisMonth: { label: bi('本月', 'this month'), value: 'none' },
  thisQuarter: { label: bi('本季度', 'this quarter'), value: 'none' },
  thisYear: { label: bi('今年', 'this year'), value: 'none' },
  isTrue: { label: bi('是', 'is yes'), value: 'none' },
  isFalse: { label: bi('否', 'is no'), value: 'none' },
  anyOf: { label: bi('是其中之一', 'is any of'), value: 'list' },
  noneOf: { label: bi('不是其中任何一个', 'is none of'), value: 'list' },
  includes: { label: bi('包含选项', 'includes'), value: 'one' },
  excludes: { label: bi('不包含选项', 'excludes'), value: 'one' },
  isMe: { label: bi('是当前用户', 'is me'), value: 'none' },
  inMyDepartments: { label: bi('属于我的部门', 'is one of my departments'), value: 'none' },
};

const RELATIVE: RuleOperator[] = [
  'today',
  'lastDays',
  'nextDays',
  'thisWeek',
  'thisMonth',
  'thisQuarter',
  'thisYear',
];
const EMPTY: RuleOperator[] = ['empty', 'notEmpty'];

/** The operators offered per value type, the default first. Exhaustive. */
export const OPERATORS_BY_TYPE: Readonly<Record<RuleValueType, readonly RuleOperator[]>> = {
  text: ['eq', 'ne', 'contains', 'notContains', 'startsWith', 'endsWith', ...EMPTY],
  integer: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', ...EMPTY],
  decimal: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', ...EMPTY],
  boolean: ['isTrue', 'isFalse'],
  date: ['eq', 'ne', 'before', 'after', 'onOrBefore', 'onOrAfter', 'between', ...RELATIVE, ...EMPTY],
  datetime: ['before', 'after', 'eq', 'between', ...RELATIVE, ...EMPTY],
  select: ['eq', 'ne', 'anyOf', 'noneOf', ...EMPTY],
  multiSelect: ['includes', 'excludes', 'anyOf', ...EMPTY],
  user: ['isMe', 'eq', 'ne', 'anyOf', ...EMPTY],
  department: ['inMyDepartments', 'eq', 'ne', 'anyOf', ...EMPTY],
  reference: ['eq', 'ne', ...EMPTY],
  id: ['eq', 'ne', ...EMPTY],
  list: EMPTY,
};

/** Where a rule runs; flows have no current user, so "is me" and "my departments" are not offered there. */
export type RuleBuilderContext = 'filter' | 'linkage' | 'validation' | 'flow' | 'trigger';

/**
 * The operators a value type offers in a context.
 * @example operatorsFor('select') // ['eq', 'ne', 'anyOf', 'noneOf', 'empty', 'notEmpty']
 */
export function operatorsFor(
  type: RuleValueType,
  context: RuleBuilderContext = 'filter',
): readonly RuleOperator[] {
  const all = OPERATORS_BY_TYPE[type];
  return context === 'flow' || context === 'trigger'
    ? all.filter((op) => op !== 'isMe' && op !== 'inMyDepartments')
    : all;
}
