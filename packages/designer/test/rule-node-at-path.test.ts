import { checkRule } from '@dougong/rules';
import { describe, expect, it } from 'vitest';
import {
  addCondition,
  emptyRule,
  type RuleField,
  ruleNodeAtPath,
  ruleToJsonLogic,
  updateCondition,
} from '../src/index.js';

const FIELDS: RuleField[] = [
  { path: 'name', label: { en: 'Name' }, type: 'text' },
  { path: 'amount', label: { en: 'Amount' }, type: 'decimal' },
];

describe('ruleNodeAtPath', () => {
  it('puts a problem of a lone condition on the condition, not on the root group', () => {
    let tree = addCondition(emptyRule(), 'n1', FIELDS[1]!);
    const id = tree.children[0]!.id;
    tree = updateCondition(tree, id, { operator: 'gt', value: 'abc' });
    const logic = ruleToJsonLogic(tree, FIELDS);
    expect(logic).toEqual({ dec_gt: [{ var: 'amount' }, 'abc'] });
    const issue = checkRule(logic, {
      fields: [{ key: 'amount', kind: 'decimal' }],
      context: 'validation',
    })[0]!;
    expect(issue.path).toBe('/dec_gt/1');
    expect(ruleNodeAtPath(tree, FIELDS, issue.path)).toBe(id);
    expect(ruleNodeAtPath(tree, FIELDS, '')).toBe(id);
  });

  it('keeps problems of the whole rule on the root when it has several conditions', () => {
    let tree = addCondition(emptyRule(), 'n1', FIELDS[0]!);
    tree = addCondition(tree, 'n1', FIELDS[1]!);
    expect(ruleNodeAtPath(tree, FIELDS, '')).toBe(tree.id);
    expect(ruleNodeAtPath(tree, FIELDS, '/and/1/dec_eq/1')).toBe(tree.children[1]!.id);
  });
});
