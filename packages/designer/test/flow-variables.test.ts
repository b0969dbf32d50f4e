import { describe, expect, it } from 'vitest';
import {
  flattenVariables,
  flowRuleFields,
  flowVariables,
  isKnownVariable,
  variableExpression,
  variableTemplate,
} from '../src/index.js';
import { applied, crm } from './fixture.js';

const paths = (tree: ReturnType<typeof flowVariables>) => flattenVariables(tree).map((v) => v.path);

describe('flow variables', () => {
  it('offers the trigger record, previous values, earlier outputs, response variables, now and run', () => {
    const doc = applied(crm(), {
      type: 'insertFlowNode',
      flowId: 'big_deal',
      at: { from: null },
      node: {
        kind: 'httpRequest',
        config: { url: 'https://erp.example.com', responseMap: { erpId: '/id' } },
      },
    });
    const tree = flowVariables(doc, 'big_deal', 'mail');
    expect(tree.map((v) => v.path)).toEqual(['record', 'previous', 'trigger', 'nodes', 'vars', 'now', 'run']);
    const all = paths(tree);
    expect(all).toEqual(
      expect.arrayContaining([
        'record.amount',
        'record.stage',
        'record.ownerId',
        'previous.amount',
        'vars.erpId',
      ]),
    );
    const nodes = tree.find((v) => v.path === 'nodes')!.children!;
    expect(nodes.map((n) => [n.path, n.guaranteed])).toEqual([
      ['nodes.check', true],
      ['nodes.approve', true],
      ['nodes.fanout', true],
      ['nodes.httpRequest1', true],
    ]);
    // Outputs of nodes after the step, or on other branches, are not offered.
    expect(
      all.some((p) => p.startsWith('nodes.log') || p.startsWith('nodes.sorry') || p.startsWith('nodes.mail')),
    ).toBe(false);
    expect(
      tree.find((v) => v.path === 'record')!.children!.find((v) => v.path === 'record.stage'),
    ).toMatchObject({
      type: 'select',
      fieldType: 'singleSelect',
      options: [{ id: 'new' }, { id: 'won' }, { id: 'lost' }],
    });
  });

  it('marks outputs some paths skip as not guaranteed', () => {
    const tree = flowVariables(crm(), 'big_deal', 'done');
    const nodes = tree.find((v) => v.path === 'nodes')!.children!;
    expect(Object.fromEntries(nodes.map((n) => [n.path, n.guaranteed]))).toEqual({
      'nodes.check': true,
      'nodes.approve': false,
      'nodes.sorry': false,
      'nodes.fanout': false,
      'nodes.mail': false,
      'nodes.log': false,
      'nodes.meet': false,
    });
    expect(paths(tree)).toEqual(
      expect.arrayContaining([
        'nodes.log.name',
        'nodes.log.source',
        'nodes.approve.outcome',
        'nodes.mail.messageId',
      ]),
    );
  });

  it('describes query outputs by the queried entity', () => {
    const doc = applied(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: null },
      node: { kind: 'queryRecords', config: { entity: 'account' } },
    });
    expect(paths(flowVariables(doc, 'welcome', 'task'))).toEqual(
      expect.arrayContaining([
        'nodes.queryRecords1.items',
        'nodes.queryRecords1.items.0.industry',
        'nodes.queryRecords1.total',
      ]),
    );
  });

  it('has no record for triggers without one, and no earlier steps for the trigger itself', () => {
    const doc = applied(crm(), { type: 'addFlow', label: { en: 'Hook' }, trigger: { kind: 'webhook' } });
    expect(flowVariables(doc, 'hook', null).map((v) => v.path)).toEqual(['trigger', 'now', 'run']);
    expect(flowVariables(doc, 'ghost', null)).toEqual([]);
  });

  it('gives the rule builder testable leaves, and tells known variables from unknown ones', () => {
    const fields = flowRuleFields(crm(), 'big_deal', 'mail');
    expect(fields.find((f) => f.path === 'record.amount')).toMatchObject({
      type: 'decimal',
      fieldType: 'money',
    });
    expect(fields.find((f) => f.path === 'nodes.approve.outcome')).toMatchObject({ type: 'select' });
    expect(fields.some((f) => f.path === 'record')).toBe(false);
    const tree = flowVariables(crm(), 'big_deal', 'mail');
    expect(isKnownVariable(tree, 'record.amount')).toBe(true);
    expect(isKnownVariable(tree, 'record.nosuch')).toBe(false);
    expect(isKnownVariable(tree, 'trigger.payload.anything')).toBe(true);
    expect(isKnownVariable(tree, 'nodes.log.name')).toBe(false);
    expect(variableExpression('record.amount')).toEqual({ var: 'record.amount' });
    expect(variableTemplate('record.name')).toBe('{{record.name}}');
  });
});
