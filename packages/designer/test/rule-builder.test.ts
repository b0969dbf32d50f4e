import { checkRule, evaluateRule, isKnownOp } from '@dougong/rules';
import type { Field } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import {
  addCondition,
  addGroup,
  conditionToJsonLogic,
  emptyRule,
  OPERATORS_BY_TYPE,
  operatorsFor,
  RULE_OPERATORS,
  type RuleCondition,
  type RuleField,
  type RuleGroup,
  type RuleOperator,
  removeRuleNode,
  ruleFieldsForEntity,
  ruleFromJsonLogic,
  ruleNodeAtPath,
  ruleToJsonLogic,
  ruleTreeIssues,
  ruleValueType,
  updateCondition,
  updateGroup,
} from '../src/index.js';
import { crm } from './fixture.js';

const L = (en: string) => ({ en });
const FIELDS: RuleField[] = [
  { path: 'name', label: L('Name'), type: 'text' },
  { path: 'qty', label: L('Quantity'), type: 'integer' },
  { path: 'amount', label: L('Amount'), type: 'decimal' },
  { path: 'vip', label: L('VIP'), type: 'boolean' },
  { path: 'due', label: L('Due'), type: 'date' },
  { path: 'seen', label: L('Seen'), type: 'datetime' },
  {
    path: 'stage',
    label: L('Stage'),
    type: 'select',
    options: [
      { id: 'new', label: L('New') },
      { id: 'won', label: L('Won') },
    ],
  },
  {
    path: 'tags',
    label: L('Tags'),
    type: 'multiSelect',
    options: [
      { id: 'hot', label: L('Hot') },
      { id: 'cold', label: L('Cold') },
    ],
  },
  { path: 'owner', label: L('Owner'), type: 'user' },
  { path: 'dept', label: L('Department'), type: 'department' },
  { path: 'account', label: L('Account'), type: 'reference' },
  { path: 'files', label: L('Files'), type: 'list' },
];
const KINDS = {
  text: 'text',
  integer: 'integer',
  decimal: 'decimal',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  select: 'text',
  multiSelect: 'textArray',
  user: 'uuid',
  department: 'uuid',
  reference: 'uuid',
  id: 'uuid',
  list: 'textArray',
} as const;
const CHECK_FIELDS = FIELDS.map((f) => ({
  key: f.path,
  kind: KINDS[f.type],
  ...(f.options ? { options: f.options.map((o) => o.id) } : {}),
}));
const UUID = '0b9d7f4e-2f1e-4c55-9d57-3c1c2f0a7e11';

// A sample value of the right shape for each field type and operator.
function sample(field: RuleField, operator: RuleOperator): unknown {
  const one: Record<string, unknown> = {
    text: 'acme',
    integer: 5,
    decimal: '100.50',
    date: '2026-03-01',
    datetime: '2026-03-01T09:00:00+08:00',
    select: 'won',
    multiSelect: 'hot',
    user: UUID,
    department: UUID,
    reference: UUID,
  };
  switch (RULE_OPERATORS[operator].value) {
    case 'none':
      return undefined;
    case 'one':
      return one[field.type];
    case 'two':
      return field.type === 'decimal'
        ? ['1', '9.5']
        : field.type === 'integer'
          ? [1, 9]
          : ['2026-01-01', '2026-12-31'];
    case 'list':
      return field.type === 'select' || field.type === 'multiSelect'
        ? ['new', 'won']
            .filter((id) => field.options!.some((o) => o.id === id))
            .concat(field.type === 'multiSelect' ? ['hot'] : [])
        : [UUID];
    case 'days':
      return 7;
  }
}

const cases = FIELDS.flatMap((field) =>
  operatorsFor(field.type).map((operator) => [field.path, operator, field] as const),
);

function ops(logic: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(logic)) for (const x of logic) ops(x, out);
  else if (logic && typeof logic === 'object')
    for (const [k, v] of Object.entries(logic)) {
      out.add(k);
      ops(v, out);
    }
  return out;
}

describe('rule builder', () => {
  it('offers operators for every value type, and no "me" operators in flows', () => {
    for (const [type, list] of Object.entries(OPERATORS_BY_TYPE))
      expect(list.length, type).toBeGreaterThan(0);
    expect(operatorsFor('user', 'linkage')).toContain('isMe');
    expect(operatorsFor('user', 'flow')).not.toContain('isMe');
    expect(operatorsFor('department', 'flow')).not.toContain('inMyDepartments');
  });

  it('maps every field type to a value type', () => {
    const doc = crm();
    const types = Object.fromEntries(doc.entities[2]!.fields.map((f) => [f.key, ruleValueType(f as Field)]));
    expect(types).toMatchObject({
      name: 'text',
      account: 'reference',
      amount: 'decimal',
      stage: 'select',
      closeDate: 'date',
      tags: 'multiSelect',
      lines: 'list',
      summary: 'text',
    });
    expect(ruleFieldsForEntity(doc, 'lead', { prefix: 'record.' }).map((f) => f.path)).toEqual(
      expect.arrayContaining(['record.name', 'record.mobile', 'record.ownerId', 'record.createdAt']),
    );
  });

  it.each(cases)(
    '%s %s: emits only known operations, passes the rule checker, and reads back exactly',
    (_path, operator, field) => {
      const value = sample(field, operator);
      const condition: RuleCondition = {
        kind: 'condition',
        id: 'n2',
        field: field.path,
        operator,
        ...(value !== undefined ? { value } : {}),
      };
      const logic = conditionToJsonLogic(condition, field);
      for (const op of ops(logic)) if (op !== 'var') expect(isKnownOp(op), op).toBe(true);
      expect(checkRule(logic, { fields: CHECK_FIELDS, context: 'linkage' })).toEqual([]);
      const tree: RuleGroup = { kind: 'group', id: 'n1', combinator: 'and', children: [condition] };
      expect(ruleToJsonLogic(tree, FIELDS)).toEqual(logic);
      const parsed = ruleFromJsonLogic(logic, FIELDS);
      expect(parsed).toEqual({ mode: 'builder', tree });
    },
  );

  it('compiles conditions that mean what they say', () => {
    const ctx = {
      now: new Date('2026-03-10T04:00:00Z'),
      timeZone: 'Asia/Shanghai',
      user: { id: UUID, departmentIds: [UUID], roleIds: [] },
    };
    const holds = (operator: RuleOperator, path: string, value: unknown, record: Record<string, unknown>) =>
      evaluateRule(
        conditionToJsonLogic(
          { kind: 'condition', id: 'x', field: path, operator, ...(value !== undefined ? { value } : {}) },
          FIELDS.find((f) => f.path === path),
        ),
        record,
        ctx,
      );
    expect(holds('contains', 'name', 'ACME', { name: 'Big acme Ltd' })).toBe(true);
    expect(holds('notContains', 'name', 'acme', { name: null })).toBe(true);
    expect(holds('gt', 'amount', '100', { amount: '100.01' })).toBe(true);
    expect(holds('lt', 'amount', '100', { amount: null })).toBe(false);
    expect(holds('between', 'qty', [1, 9], { qty: 9 })).toBe(true);
    expect(holds('between', 'qty', [1, 9], { qty: 10 })).toBe(false);
    expect(holds('lastDays', 'due', 7, { due: '2026-03-03' })).toBe(true);
    expect(holds('lastDays', 'due', 7, { due: '2026-03-02' })).toBe(false);
    expect(holds('nextDays', 'due', 3, { due: '2026-03-13' })).toBe(true);
    expect(holds('thisMonth', 'due', undefined, { due: '2026-03-31' })).toBe(true);
    expect(holds('thisMonth', 'due', undefined, { due: '2026-04-01' })).toBe(false);
    expect(holds('thisWeek', 'seen', undefined, { seen: '2026-03-09T01:00:00+08:00' })).toBe(true);
    expect(holds('today', 'seen', undefined, { seen: '2026-03-10T23:30:00+08:00' })).toBe(true);
    expect(holds('anyOf', 'stage', ['new', 'won'], { stage: 'won' })).toBe(true);
    expect(holds('noneOf', 'stage', ['new'], { stage: null })).toBe(true);
    expect(holds('includes', 'tags', 'hot', { tags: ['cold', 'hot'] })).toBe(true);
    expect(holds('excludes', 'tags', 'hot', { tags: ['cold'] })).toBe(true);
    expect(holds('isMe', 'owner', undefined, { owner: UUID })).toBe(true);
    expect(holds('inMyDepartments', 'dept', undefined, { dept: UUID })).toBe(true);
    expect(holds('isFalse', 'vip', undefined, { vip: null })).toBe(true);
    expect(holds('empty', 'files', undefined, { files: [] })).toBe(true);
  });

  it('builds nested AND / OR groups and reads them back', () => {
    let tree = emptyRule();
    expect(ruleToJsonLogic(tree, FIELDS)).toBe(true);
    tree = addCondition(tree, 'n1', FIELDS[6]!);
    tree = updateCondition(tree, 'n2', { value: 'won' });
    tree = addGroup(tree, 'n1');
    tree = addCondition(tree, 'n3', FIELDS[2]!);
    tree = updateCondition(tree, 'n4', { operator: 'gte', value: '1000' });
    tree = addCondition(tree, 'n3', FIELDS[0]!);
    tree = updateCondition(tree, 'n5', { operator: 'empty' });
    tree = updateGroup(tree, 'n3', { negate: true });
    const logic = ruleToJsonLogic(tree, FIELDS);
    expect(logic).toEqual({
      and: [
        { '==': [{ var: 'stage' }, 'won'] },
        { '!': [{ or: [{ dec_gte: [{ var: 'amount' }, '1000'] }, { is_empty: [{ var: 'name' }] }] }] },
      ],
    });
    const parsed = ruleFromJsonLogic(logic, FIELDS);
    expect(parsed.mode).toBe('builder');
    expect(ruleToJsonLogic((parsed as { tree: RuleGroup }).tree, FIELDS)).toEqual(logic);
    expect(parsed).toEqual({ mode: 'builder', tree });
  });

  it('falls back to the advanced editor for what it cannot show exactly', () => {
    for (const logic of [
      { '+': [{ var: 'qty' }, 1] },
      { '==': [{ var: 'ghost' }, 1] },
      { contains: [{ var: 'name' }, 'Acme'] },
      { '==': [{ var: 'name' }, { var: 'stage' }] },
      { and: [{ '==': [{ var: 'stage' }, 'won'] }] },
      { '<': [{ var: 'qty' }, 5] },
      { dec_gt: [{ var: 'name' }, '1'] },
    ])
      expect(ruleFromJsonLogic(logic, FIELDS)).toEqual({ mode: 'advanced', logic });
    expect(ruleFromJsonLogic(true, FIELDS)).toEqual({ mode: 'builder', tree: emptyRule() });
  });

  it('edits trees: field changes reset what no longer fits, removal, issues', () => {
    let tree = addCondition(emptyRule(), 'n1', FIELDS[0]!);
    tree = updateCondition(tree, 'n2', { operator: 'contains', value: 'x' });
    tree = updateCondition(tree, 'n2', { field: FIELDS[1]! });
    expect(tree.children[0]).toEqual({
      kind: 'condition',
      id: 'n2',
      field: 'qty',
      operator: 'eq',
      value: null,
    });
    tree = updateCondition(tree, 'n2', { operator: 'between' });
    expect(tree.children[0]).toMatchObject({ value: [null, null] });
    tree = addGroup(tree, 'n1');
    expect(ruleTreeIssues(tree, FIELDS)).toEqual([
      { id: 'n2', message: { 'zh-CN': '请填写值', en: 'Enter a value' } },
      { id: 'n3', message: { 'zh-CN': '条件组是空的', en: 'The group is empty' } },
    ]);
    // Empty groups below the root are left out of the expression.
    expect(ruleToJsonLogic(tree, FIELDS)).toEqual({
      and: [{ dec_gte: [{ var: 'qty' }, null] }, { dec_lte: [{ var: 'qty' }, null] }],
    });
    tree = removeRuleNode(removeRuleNode(tree, 'n3'), 'n2');
    expect(tree).toEqual(emptyRule());
    expect(ruleTreeIssues(addCondition(emptyRule(), 'n1', FIELDS[8]!, 'flow'), FIELDS, 'flow')).toEqual([
      { id: 'n2', message: { 'zh-CN': '请填写值', en: 'Enter a value' } },
    ]);
  });

  it('finds the condition a checker issue points into', () => {
    const logic = { and: [{ '==': [{ var: 'stage' }, 'won'] }, { dec_gt: [{ var: 'amount' }, 'lots'] }] };
    const parsed = ruleFromJsonLogic(logic, FIELDS) as { tree: RuleGroup };
    const issue = checkRule(logic, { fields: CHECK_FIELDS, context: 'linkage' })[0]!;
    expect(issue.path).toBe('/and/1/dec_gt/1');
    expect(ruleNodeAtPath(parsed.tree, FIELDS, issue.path)).toBe(parsed.tree.children[1]!.id);
    expect(ruleNodeAtPath(parsed.tree, FIELDS, '')).toBe(parsed.tree.id);
  });
});
