import { salesApp } from '@dougong/template-sales';
import { describe, expect, it } from 'vitest';
import { check, issuesAt } from '../src/check.js';
import {
  createDesignerState,
  issueTarget,
  type RuleGroup,
  ruleFieldsForEntity,
  ruleFromJsonLogic,
  ruleNodeAtPath,
} from '../src/index.js';
import { applied, crm } from './fixture.js';

describe('check', () => {
  it('finds nothing blocking in valid documents, the sales template included', () => {
    expect(check(crm()).filter((i) => i.blocking)).toEqual([]);
    expect(check(createDesignerState(crm()))).toEqual(check(crm()));
    expect(check(salesApp()).filter((i) => i.blocking)).toEqual([]);
  });

  it('reports document errors with their JSON Pointer and what to select', () => {
    const doc = applied(crm(), { type: 'renameEntity', entityId: 'lead', label: { en: '' } });
    const issues = check(doc);
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: '/entities/4/label',
        source: 'schema',
        blocking: true,
        target: { selection: { kind: 'entity', entityId: 'lead' }, within: '/label' },
      }),
    );
  });

  it('reports a form rule on its condition, so the rule builder can mark it', () => {
    const when = { and: [{ '==': [{ var: 'stage' }, 'won'] }, { '==': [{ var: 'stage' }, 'gone'] }] };
    const doc = applied(crm(), {
      type: 'setFormRule',
      formId: 'opportunity_full',
      ruleKind: 'linkage',
      rule: { id: 'odd', when, action: 'hide', fields: ['notes'] },
    });
    const issues = check(doc).filter((i) => i.source === 'forms');
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue).toMatchObject({ path: '/forms/0/linkage/1/when/and/1/==/1', blocking: true });
    expect(issue.message).toContain('unknown_option');
    expect(issue.target).toEqual({
      selection: { kind: 'formRule', formId: 'opportunity_full', ruleId: 'odd' },
      within: '/when/and/1/==/1',
    });
    const fields = ruleFieldsForEntity(doc, 'opportunity');
    const tree = (ruleFromJsonLogic(when, fields) as { tree: RuleGroup }).tree;
    expect(ruleNodeAtPath(tree, fields, issue.target.within.slice('/when'.length))).toBe(
      tree.children[1]!.id,
    );
  });

  it('reports flow graph errors and the designer warnings on the offending step', () => {
    const doc = applied(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'task', slot: 'next' },
        node: { kind: 'parallel' },
      },
      {
        type: 'updateFlowNode',
        flowId: 'welcome',
        nodeId: 'note',
        patch: { text: '{{record.nickname}} {{nodes.task.taskId}}' },
      },
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'note', slot: 'next' },
        node: { kind: 'sendEmail' },
      },
    );
    const warnings = check(doc).filter((i) => i.source === 'designer');
    expect(warnings.map((w) => [w.path, w.message])).toEqual([
      ['/flows/0/nodes/2/text', 'No variable "record.nickname" here'],
      ['/flows/0/nodes/3/branches/0', 'This parallel branch has no step yet'],
      ['/flows/0/nodes/3/branches/1', 'This parallel branch has no step yet'],
      ['/flows/0/nodes/5', 'Choose who receives the e-mail'],
    ]);
    expect(warnings.every((w) => !w.blocking && w.localized?.['zh-CN'])).toBe(true);
    expect(warnings[1]!.target.selection).toEqual({
      kind: 'flowNode',
      flowId: 'welcome',
      nodeId: 'parallel1',
    });
    const broken = { ...crm() };
    broken.flows = [{ ...broken.flows![0]!, start: 'ghost' }, broken.flows![1]!];
    expect(check(broken)).toContainEqual(
      expect.objectContaining({ path: '/flows/0/start', source: 'flows', blocking: true }),
    );
  });

  it('checks formulas with the rule checker, as warnings', () => {
    const doc = applied(crm(), {
      type: 'updateField',
      entityId: 'opportunity',
      fieldId: 'summary',
      patch: { expression: { date_add: [{ var: 'name' }, 1, 'day'] } },
    });
    const issue = check(doc).find((i) => i.source === 'rules')!;
    expect(issue).toMatchObject({ path: '/entities/2/fields/9/expression/date_add/0', blocking: false });
    expect(issue.target.selection).toEqual({ kind: 'field', entityId: 'opportunity', fieldId: 'summary' });
    expect(issuesAt(check(doc), '/entities/2')).toContainEqual(issue);
    expect(issuesAt(check(doc), '/entities/1')).toEqual([]);
  });

  it('maps pointers to selections', () => {
    const doc = crm();
    expect(issueTarget(doc, '/entities/2/fields/3/options/1/label')).toEqual({
      selection: { kind: 'option', entityId: 'opportunity', fieldId: 'stage', optionId: 'won' },
      within: '/label',
    });
    expect(issueTarget(doc, '/forms/0/layout/2/tabs/1/children/0/text')).toEqual({
      selection: { kind: 'formNodes', formId: 'opportunity_full', nodeIds: ['hint'] },
      within: '/text',
    });
    expect(issueTarget(doc, '/forms/0/layout/0/children/3')).toEqual({
      selection: { kind: 'formNodes', formId: 'opportunity_full', nodeIds: ['f-stage'] },
      within: '',
    });
    expect(issueTarget(doc, '/forms/1/public/prefill/0').selection).toEqual({
      kind: 'form',
      formId: 'lead_signup',
    });
    expect(issueTarget(doc, '/flows/1/trigger/changed/0').selection).toEqual({
      kind: 'flow',
      flowId: 'big_deal',
    });
    expect(issueTarget(doc, '/roles/1/grants/0').selection).toEqual({ kind: 'role', roleKey: 'manager' });
    expect(issueTarget(doc, '/timeZone')).toEqual({ selection: { kind: 'app' }, within: '/timeZone' });
  });
});
