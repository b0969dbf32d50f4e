import type { AppDocument } from '@dougong/schema';
import { expect } from 'vitest';
import {
  type ActionResult,
  applyAction,
  createDesignerState,
  type DesignerAction,
  type DesignerState,
  dispatch,
  redo,
  undo,
} from '../src/index.js';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/**
 * A small CRM: accounts, opportunities with a stage select, a products sub-table, forms with sections,
 * tabs, rules and data linkage, a public sign-up form, flows (linear, condition, parallel, approval) and
 * roles. Valid for `validateAppDocument`, `checkFormRules` and `checkFlows`.
 */
export function crm(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'crm',
    label: L('客户管理', 'CRM'),
    entities: [
      {
        id: 'account',
        key: 'account',
        label: L('客户', 'Account'),
        titleField: 'name',
        searchFields: ['name'],
        fields: [
          { id: 'name', key: 'name', label: L('名称', 'Name'), type: 'text', required: true },
          { id: 'industry', key: 'industry', label: L('行业', 'Industry'), type: 'text' },
          { id: 'email', key: 'email', label: L('邮箱', 'E-mail'), type: 'email' },
        ],
      },
      {
        id: 'product',
        key: 'product',
        label: L('产品', 'Product'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', label: L('名称', 'Name'), type: 'text', required: true },
          { id: 'price', key: 'price', label: L('单价', 'Price'), type: 'money' },
        ],
      },
      {
        id: 'opportunity',
        key: 'opportunity',
        label: L('商机', 'Opportunity'),
        titleField: 'name',
        defaultSort: [{ field: 'amount', desc: true }],
        fields: [
          { id: 'name', key: 'name', label: L('名称', 'Name'), type: 'text', required: true },
          {
            id: 'account',
            key: 'account',
            label: L('客户', 'Account'),
            type: 'reference',
            target: 'account',
          },
          { id: 'amount', key: 'amount', label: L('金额', 'Amount'), type: 'money' },
          {
            id: 'stage',
            key: 'stage',
            label: L('阶段', 'Stage'),
            type: 'singleSelect',
            default: 'new',
            options: [
              { id: 'new', label: L('新建', 'New'), color: '#1677ff' },
              { id: 'won', label: L('赢单', 'Won'), color: '#52c41a' },
              { id: 'lost', label: L('输单', 'Lost'), color: '#f5222d' },
            ],
          },
          { id: 'loss_reason', key: 'lossReason', label: L('输单原因', 'Loss reason'), type: 'longText' },
          { id: 'close_date', key: 'closeDate', label: L('预计成交', 'Close date'), type: 'date' },
          {
            id: 'tags',
            key: 'tags',
            label: L('标签', 'Tags'),
            type: 'multiSelect',
            options: [{ id: 'hot', label: L('热', 'Hot') }],
          },
          { id: 'notes', key: 'notes', label: L('备注', 'Notes'), type: 'text' },
          {
            id: 'lines',
            key: 'lines',
            label: L('产品明细', 'Lines'),
            type: 'subTable',
            childEntity: 'opportunity_line',
          },
          {
            id: 'summary',
            key: 'summary',
            label: L('摘要', 'Summary'),
            type: 'formula',
            resultType: 'text',
            expression: { cat: [{ var: 'name' }, ' ', { var: 'stage' }] },
          },
        ],
      },
      {
        id: 'opportunity_line',
        key: 'opportunityLine',
        label: L('产品明细', 'Line'),
        kind: 'child',
        fields: [
          {
            id: 'product',
            key: 'product',
            label: L('产品', 'Product'),
            type: 'reference',
            target: 'product',
          },
          { id: 'unit_price', key: 'unitPrice', label: L('单价', 'Unit price'), type: 'money' },
          { id: 'quantity', key: 'quantity', label: L('数量', 'Quantity'), type: 'number', integer: true },
        ],
      },
      {
        id: 'lead',
        key: 'lead',
        label: L('线索', 'Lead'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', label: L('姓名', 'Name'), type: 'text', required: true },
          { id: 'mobile', key: 'mobile', label: L('手机', 'Mobile'), type: 'phone' },
          { id: 'source', key: 'source', label: L('来源', 'Source'), type: 'text' },
        ],
      },
    ],
    forms: [
      {
        id: 'opportunity_full',
        entity: 'opportunity',
        label: L('商机', 'Opportunity'),
        kind: 'full',
        layout: [
          {
            id: 'main',
            kind: 'section',
            label: L('基本信息', 'Basics'),
            columns: 2,
            children: [
              { id: 'f-name', kind: 'field', fieldId: 'name', span: 2 },
              { id: 'f-account', kind: 'field', fieldId: 'account' },
              { id: 'f-amount', kind: 'field', fieldId: 'amount' },
              { id: 'f-stage', kind: 'field', fieldId: 'stage', widget: 'segmented' },
              { id: 'f-loss-reason', kind: 'field', fieldId: 'loss_reason' },
            ],
          },
          { id: 'rule1', kind: 'divider' },
          {
            id: 'more',
            kind: 'tabs',
            tabs: [
              {
                id: 'tab-lines',
                label: L('明细', 'Lines'),
                children: [{ id: 'f-lines', kind: 'field', fieldId: 'lines', span: 2 }],
              },
              {
                id: 'tab-notes',
                label: L('备注', 'Notes'),
                children: [{ id: 'hint', kind: 'text', text: L('写下备注', 'Notes') }],
              },
            ],
          },
        ],
        linkage: [
          {
            id: 'loss-shown',
            when: { '==': [{ var: 'stage' }, 'lost'] },
            action: 'show',
            fields: ['lossReason'],
          },
        ],
        validation: [
          {
            id: 'amount-positive',
            condition: { dec_gt: [{ var: 'amount' }, '0'] },
            message: L('金额必须大于零', 'Amount must be positive'),
            path: 'amount',
          },
        ],
        dataLinkage: [
          {
            id: 'line-price',
            subTable: 'lines',
            field: 'product',
            copy: [{ from: 'price', to: 'unit_price' }],
          },
        ],
      },
      {
        id: 'lead_signup',
        entity: 'lead',
        label: L('留资', 'Sign up'),
        kind: 'public',
        layout: [
          { id: 'f-name', kind: 'field', fieldId: 'name' },
          { id: 'f-mobile', kind: 'field', fieldId: 'mobile' },
        ],
        public: { title: L('留资', 'Sign up'), thankYou: L('谢谢', 'Thanks'), prefill: ['mobile'] },
      },
    ],
    flows: [
      {
        id: 'welcome',
        key: 'welcome',
        label: L('欢迎', 'Welcome'),
        trigger: { kind: 'formSubmitted', form: 'lead_signup' },
        start: 'task',
        nodes: [
          { id: 'task', kind: 'createTask', title: '跟进 {{record.name}}', next: 'wait' },
          { id: 'wait', kind: 'delay', minutes: 60, next: 'note' },
          {
            id: 'note',
            kind: 'notify',
            channel: 'inbox',
            title: '新线索',
            text: '{{record.name}} {{record.mobile}}',
          },
        ],
      },
      {
        id: 'big_deal',
        key: 'bigDeal',
        label: L('大单审批', 'Big deal'),
        trigger: { kind: 'recordUpdated', entity: 'opportunity', changed: [{ field: 'stage', to: 'won' }] },
        start: 'check',
        nodes: [
          {
            id: 'check',
            kind: 'condition',
            branches: [{ condition: { dec_gte: [{ var: 'record.amount' }, '100000'] }, next: 'approve' }],
            else: 'done',
          },
          {
            id: 'approve',
            kind: 'approval',
            approvers: { kind: 'role', role: 'manager' },
            mode: 'any',
            approved: 'fanout',
            rejected: 'sorry',
          },
          {
            id: 'sorry',
            kind: 'notify',
            channel: 'inbox',
            title: '被驳回',
            text: '{{record.name}}',
            next: 'done',
          },
          { id: 'fanout', kind: 'parallel', branches: ['mail', 'log'], join: 'meet' },
          {
            id: 'mail',
            kind: 'sendEmail',
            to: { var: 'record.ownerId' },
            subject: '赢单 {{record.name}}',
            body: '<p>{{record.amount}}</p>',
            next: 'meet',
          },
          {
            id: 'log',
            kind: 'createRecord',
            entity: 'lead',
            values: { name: { var: 'record.name' }, source: 'deal' },
            next: 'meet',
          },
          { id: 'meet', kind: 'join', mode: 'all', next: 'done' },
          { id: 'done', kind: 'end' },
        ],
      },
    ],
    roles: [
      {
        key: 'rep',
        label: L('销售', 'Rep'),
        grants: [
          {
            entity: 'opportunity',
            actions: ['create', 'read', 'update'],
            scope: 'own',
            fields: { amount: 'readOnly' },
          },
        ],
      },
      {
        key: 'manager',
        label: L('经理', 'Manager'),
        grants: [{ entity: 'opportunity', actions: ['read', 'update'], scope: 'all' }],
      },
    ],
  };
}

/** Freezes a value deeply, so any mutation by an action throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Dispatches an action on a frozen document and checks the undo / redo round trip: undo gives back the
 * exact previous document (the same object, equal to a snapshot taken before), redo the same result again.
 * Returns the document after the action and the state.
 */
export function roundTrip(
  doc: AppDocument,
  action: DesignerAction,
): { after: AppDocument; state: DesignerState } {
  const snapshot = structuredClone(doc);
  deepFreeze(doc);
  let state = createDesignerState(doc);
  state = dispatch(state, action);
  expect(state.refusal, JSON.stringify(state.refusal)).toBeNull();
  expect(state.doc).not.toBe(doc);
  expect(state.past).toHaveLength(1);
  const after = state.doc;
  const afterSnapshot = structuredClone(after);
  const undone = undo(state);
  expect(undone.doc).toBe(doc);
  expect(undone.doc).toEqual(snapshot);
  const redone = redo(undone);
  expect(redone.doc).toBe(after);
  expect(redone.doc).toEqual(afterSnapshot);
  expect(redone.past).toHaveLength(1);
  expect(redone.future).toHaveLength(0);
  return { after, state };
}

/** Applies an action expecting a refusal with `code`; the document stays untouched and no step is added. */
export function refused(doc: AppDocument, action: DesignerAction, code: string) {
  deepFreeze(doc);
  const result = applyAction(doc, action) as Extract<ActionResult, { ok: false }>;
  expect(result.ok, 'the action should be refused').toBe(false);
  expect(result.refusal.code).toBe(code);
  expect(result.refusal.message['zh-CN']).not.toBe('');
  expect(result.refusal.message.en).not.toBe('');
  const state = dispatch(createDesignerState(doc), action);
  expect(state.doc).toBe(doc);
  expect(state.past).toHaveLength(0);
  expect(state.refusal).toEqual(result.refusal);
  return result.refusal;
}

/** The document after applying actions in turn (each must succeed). */
export function applied(doc: AppDocument, ...actions: DesignerAction[]): AppDocument {
  let out = doc;
  for (const action of actions) {
    const result = applyAction(out, action);
    if (!result.ok) throw new Error(`${action.type} refused: ${result.refusal.message.en}`);
    out = result.doc;
  }
  return out;
}
