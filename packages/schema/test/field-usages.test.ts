import { describe, expect, it } from 'vitest';
import {
  type AppDocument,
  documentReferences,
  type FieldUsage,
  fieldUsages,
  USAGE_COLLECTORS,
  USAGE_KINDS,
  USAGE_OWNERS,
  validateAppDocument,
} from '../src/index.js';

const L = (zh: string) => ({ 'zh-CN': zh });

/** An app that uses the `note` field of `item` (key `note`) in every kind of place. */
function usageApp(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'usage',
    label: L('用途'),
    entities: [
      {
        id: 'customer',
        key: 'customer',
        label: L('客户'),
        titleField: 'title',
        fields: [
          { id: 'title', key: 'title', type: 'text', label: L('名称') },
          { id: 'region', key: 'region', type: 'text', label: L('区域') },
          { id: 'code', key: 'code', type: 'text', label: L('编码') },
        ],
      },
      {
        id: 'line',
        key: 'line',
        kind: 'child',
        label: L('明细'),
        fields: [
          { id: 'product', key: 'product', type: 'text', label: L('产品') },
          { id: 'amount', key: 'amount', type: 'number', label: L('金额') },
        ],
      },
      {
        id: 'item',
        key: 'item',
        label: L('条目'),
        titleField: 'name',
        searchFields: ['name', 'note'],
        defaultSort: [{ field: 'note' }, { field: 'createdAt', desc: true }],
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('名称') },
          { id: 'note', key: 'note', type: 'text', label: { 'zh-CN': '备注', en: 'Note' } },
          { id: 'customer', key: 'customer', type: 'reference', target: 'customer', label: L('客户') },
          { id: 'lines', key: 'lines', type: 'subTable', childEntity: 'line', label: L('明细') },
          {
            id: 'summary',
            key: 'summary',
            type: 'formula',
            resultType: 'text',
            expression: { cat: [{ var: 'name' }, ' ', { var: 'note' }] },
            label: L('摘要'),
          },
          {
            id: 'total',
            key: 'total',
            type: 'formula',
            resultType: 'decimal',
            expression: {
              reduce: [{ var: 'lines' }, { '+': [{ var: 'accumulator' }, { var: 'current.amount' }] }, 0],
            },
            label: L('合计'),
          },
          // Named by the record workflow below only.
          {
            id: 'stage',
            key: 'stage',
            type: 'singleSelect',
            label: L('阶段'),
            options: [
              { id: 'open', label: L('开放') },
              { id: 'won', label: L('赢单'), requires: ['budget'], defaults: { budget: '100' } },
            ],
          },
          { id: 'budget', key: 'budget', type: 'money', label: L('预算') },
          { id: 'score', key: 'score', type: 'number', label: L('评分') },
          { id: 'grade', key: 'grade', type: 'text', label: L('等级') },
        ],
        pool: { onClaim: { stage: 'open' } },
        conversions: [
          {
            id: 'to_customer',
            label: L('转客户'),
            targets: [
              {
                id: 'customer',
                entity: 'customer',
                match: { field: 'code', value: { var: 'source.name' } },
                values: { code: { var: 'source.name' } },
              },
            ],
            update: { stage: 'won' },
          },
        ],
        scoring: {
          model: {
            attributes: [{ id: 'big', condition: { '>=': [{ var: 'budget' }, 1000] }, points: 10 }],
            behaviours: [],
            grades: [{ grade: 'A', min: 10 }],
          },
          scoreField: 'score',
          gradeField: 'grade',
        },
      },
    ],
    forms: [
      {
        id: 'item_full',
        entity: 'item',
        label: L('条目表单'),
        kind: 'full',
        layout: [
          {
            id: 'main',
            kind: 'section',
            children: [
              { id: 'n1', kind: 'field', fieldId: 'name' },
              {
                id: 'tabs',
                kind: 'tabs',
                tabs: [
                  {
                    id: 't1',
                    label: L('更多'),
                    children: [{ id: 'n2', kind: 'field', fieldId: 'note', readOnly: true }],
                  },
                ],
              },
              { id: 'n3', kind: 'field', fieldId: 'customer' },
              { id: 'n4', kind: 'field', fieldId: 'lines' },
            ],
          },
        ],
        linkage: [
          { id: 'show', when: { '!!': [{ var: 'note' }] }, action: 'show', fields: ['customer'] },
          {
            id: 'fill',
            when: { '==': [{ var: 'name' }, 'x'] },
            action: 'setValue',
            fields: ['note'],
            value: 'y',
          },
          {
            id: 'rows',
            subTable: 'lines',
            when: { '>': [{ var: 'amount' }, 10] },
            action: 'require',
            fields: ['product'],
          },
        ],
        validation: [
          { id: 'v1', condition: { '!=': [{ var: 'note' }, 'bad'] }, message: L('不行'), path: 'note' },
        ],
        dataLinkage: [{ id: 'dl', field: 'customer', copy: [{ from: 'region', to: 'note' }] }],
      },
      {
        id: 'item_public',
        entity: 'item',
        label: L('公开'),
        kind: 'public',
        layout: [
          { id: 'p1', kind: 'field', fieldId: 'name' },
          { id: 'p2', kind: 'field', fieldId: 'note' },
        ],
        public: {
          title: L('报名'),
          thankYou: L('谢谢'),
          prefill: ['note'],
          attribution: { channelField: 'note', utmFields: { source: 'note' } },
        },
      },
    ],
    flows: [
      {
        id: 'notify_note',
        key: 'notifyNote',
        label: L('备注变化'),
        trigger: {
          kind: 'recordUpdated',
          entity: 'item',
          changed: [{ field: 'note' }],
          condition: { missing: ['note', 'name'] },
        },
        start: 'check',
        nodes: [
          {
            id: 'check',
            kind: 'condition',
            branches: [
              { condition: { '==': [{ var: 'record.note' }, { var: 'previous.note' }] }, next: 'mail' },
            ],
            else: 'find',
          },
          {
            id: 'mail',
            kind: 'sendEmail',
            to: 'ops@example.com',
            subject: 'Note {{record.note}} {{record.noteless}} {{nodes.x.note}}',
            body: '{{#if record.note}}<p>{{{record.note}}}</p>{{/if}}',
            next: 'save',
          },
          {
            id: 'save',
            kind: 'updateRecord',
            entity: 'item',
            values: { note: { cat: [{ var: 'record.name' }, '!'] } },
          },
          {
            id: 'find',
            kind: 'queryRecords',
            entity: 'customer',
            filter: { '==': [{ var: 'region' }, { run: { var: 'record.note' } }] },
            sort: '-region,createdAt',
            next: 'make',
          },
          {
            id: 'make',
            kind: 'createRecord',
            entity: 'customer',
            values: { region: { var: 'record.note' } },
            next: 'assign',
          },
          {
            id: 'assign',
            kind: 'assignOwner',
            rules: {
              rules: [
                {
                  id: 'vip',
                  condition: { '==': [{ var: 'note' }, 'vip'] },
                  target: { user: 'u1' },
                  strategy: 'fixed',
                },
              ],
            },
          },
        ],
      },
    ],
    roles: [
      {
        key: 'sales',
        label: L('销售'),
        grants: [
          {
            entity: 'item',
            actions: ['read', 'update'],
            scope: 'all',
            fields: { note: 'hidden' },
            condition: { '!=': [{ var: 'note' }, 'secret'] },
          },
          { entity: 'customer', actions: ['read'], scope: 'all' },
        ],
      },
    ],
  };
}

const NOTE = { kind: 'field', entityId: 'item', fieldId: 'note' } as const;
const summary = (usages: FieldUsage[]) => usages.map((u) => [u.kind, u.path, u.access, u.owner.id]);

describe('fieldUsages', () => {
  it('the fixture is a valid document', () => {
    const result = validateAppDocument(usageApp());
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('finds every place that uses a field, by id and by key, with JSON Pointers into the document', () => {
    expect(summary(fieldUsages(usageApp(), [NOTE]))).toEqual([
      ['searchField', '/entities/2/searchFields/1', 'read', 'item'],
      ['defaultSort', '/entities/2/defaultSort/0/field', 'read', 'item'],
      ['formula', '/entities/2/fields/4/expression/cat/2/var', 'read', 'item'],
      ['formField', '/forms/0/layout/0/children/1/tabs/0/children/0/fieldId', 'read', 'item_full'],
      ['formLinkage', '/forms/0/linkage/0/when/!!/0/var', 'read', 'item_full'],
      ['formLinkage', '/forms/0/linkage/1/fields/0', 'write', 'item_full'],
      ['formValidation', '/forms/0/validation/0/condition/!=/0/var', 'read', 'item_full'],
      ['formValidation', '/forms/0/validation/0/path', 'read', 'item_full'],
      ['formDataLinkage', '/forms/0/dataLinkage/0/copy/0/to', 'write', 'item_full'],
      ['formField', '/forms/1/layout/1/fieldId', 'write', 'item_public'],
      ['formPublic', '/forms/1/public/prefill/0', 'read', 'item_public'],
      ['formPublic', '/forms/1/public/attribution/channelField', 'write', 'item_public'],
      ['formPublic', '/forms/1/public/attribution/utmFields/source', 'write', 'item_public'],
      ['flowTrigger', '/flows/0/trigger/condition/missing/0', 'read', 'notify_note'],
      ['flowTrigger', '/flows/0/trigger/changed/0/field', 'read', 'notify_note'],
      ['flowExpression', '/flows/0/nodes/0/branches/0/condition/==/0/var', 'read', 'notify_note'],
      ['flowExpression', '/flows/0/nodes/0/branches/0/condition/==/1/var', 'read', 'notify_note'],
      ['flowTemplate', '/flows/0/nodes/1/subject', 'read', 'notify_note'],
      ['flowTemplate', '/flows/0/nodes/1/body', 'read', 'notify_note'],
      ['flowWrite', '/flows/0/nodes/2/values/note', 'write', 'notify_note'],
      ['flowExpression', '/flows/0/nodes/3/filter/==/1/run/var', 'read', 'notify_note'],
      ['flowExpression', '/flows/0/nodes/4/values/region/var', 'read', 'notify_note'],
      ['flowRules', '/flows/0/nodes/5/rules/rules/0/condition/==/0/var', 'read', 'notify_note'],
      ['roleFieldAccess', '/roles/0/grants/0/fields/note', 'read', 'sales'],
      ['roleCondition', '/roles/0/grants/0/condition/!=/0/var', 'read', 'sales'],
    ]);
  });

  it('reads sub-table rows in rules and reduce bodies as the child entity', () => {
    const amount = fieldUsages(usageApp(), [{ kind: 'field', entityId: 'line', fieldId: 'amount' }]);
    expect(summary(amount)).toEqual([
      ['formula', '/entities/2/fields/5/expression/reduce/1/+/1/var', 'read', 'item'],
      ['formLinkage', '/forms/0/linkage/2/when/>/0/var', 'read', 'item_full'],
    ]);
    const product = fieldUsages(usageApp(), [{ kind: 'field', entityId: 'line', fieldId: 'product' }]);
    expect(summary(product)).toEqual([['formLinkage', '/forms/0/linkage/2/fields/0', 'read', 'item_full']]);
  });

  it('keys of another entity are that entity’s: a query filter, a sort, a data linkage source, a write', () => {
    const region = fieldUsages(usageApp(), [{ kind: 'field', entityId: 'customer', fieldId: 'region' }]);
    expect(summary(region)).toEqual([
      ['formDataLinkage', '/forms/0/dataLinkage/0/copy/0/from', 'read', 'item_full'],
      ['flowQuery', '/flows/0/nodes/3/filter/==/0/var', 'read', 'notify_note'],
      ['flowQuery', '/flows/0/nodes/3/sort', 'read', 'notify_note'],
      ['flowWrite', '/flows/0/nodes/4/values/region', 'write', 'notify_note'],
    ]);
  });

  it('finds the uses of an entity where it is named', () => {
    const usages = fieldUsages(usageApp(), [{ kind: 'entity', entityId: 'customer' }]);
    expect(summary(usages)).toEqual([
      ['referenceTarget', '/entities/2/fields/2/target', 'read', 'item'],
      ['flowNode', '/flows/0/nodes/3/entity', 'read', 'notify_note'],
      ['flowNode', '/flows/0/nodes/4/entity', 'read', 'notify_note'],
      ['roleGrant', '/roles/0/grants/1/entity', 'read', 'sales'],
    ]);
    expect(summary(fieldUsages(usageApp(), [{ kind: 'entity', entityId: 'line' }]))).toEqual([
      ['subTableChild', '/entities/2/fields/3/childEntity', 'read', 'item'],
    ]);
  });

  it('an archived field (gone from the document) is found by its old key, unless another field took the key', () => {
    const doc = usageApp();
    const item = doc.entities[2]!;
    item.fields = item.fields.filter((f) => f.id !== 'note');
    const removed = fieldUsages(doc, [{ ...NOTE, key: 'note' }]);
    expect(removed).toHaveLength(25);
    expect(removed.every((u) => u.subject.kind === 'field' && u.subject.fieldId === 'note')).toBe(true);

    item.fields.push({ id: 'memo', key: 'note', type: 'text', label: L('备忘') });
    const shadowed = fieldUsages(doc, [{ ...NOTE, key: 'note' }]);
    // Only references by id remain; every key now names the new field.
    expect(summary(shadowed).map((u) => u[0])).toEqual([
      'searchField',
      'defaultSort',
      'formField',
      'formDataLinkage',
      'formField',
      'formPublic',
      'formPublic',
      'formPublic',
      'roleFieldAccess',
    ]);
    expect(fieldUsages(doc, [{ kind: 'field', entityId: 'item', fieldId: 'memo' }])).toHaveLength(16);
  });

  it('a field that nothing uses has no usages, and one of another entity with the same key is not matched', () => {
    const doc = usageApp();
    expect(fieldUsages(doc, [{ kind: 'field', entityId: 'customer', fieldId: 'title' }])).toEqual([
      expect.objectContaining({ kind: 'titleField', path: '/entities/0/titleField' }),
    ]);
    expect(fieldUsages(doc, [{ kind: 'field', entityId: 'line', fieldId: 'nope', key: 'note' }])).toEqual([]);
  });

  it('templates match whole keys only, in every handlebars form', () => {
    const doc = usageApp();
    doc.flows![0]!.nodes[1] = {
      id: 'mail',
      kind: 'sendEmail',
      to: 'ops@example.com',
      subject: '{{record.notes}} {{ record.note_x }} {{previous.name}}',
      body: 'plain record.note text',
    };
    expect(fieldUsages(doc, [NOTE]).filter((u) => u.kind === 'flowTemplate')).toEqual([]);
    doc.flows![0]!.nodes[1] = {
      id: 'mail',
      kind: 'sendEmail',
      to: 'ops@example.com',
      subject: '{{~record.note~}}',
      body: '{{#each record.lines}}{{product}}{{/each}} {{lookup this.record.note}}',
    };
    expect(summary(fieldUsages(doc, [NOTE]).filter((u) => u.kind === 'flowTemplate'))).toEqual([
      ['flowTemplate', '/flows/0/nodes/1/subject', 'read', 'notify_note'],
      ['flowTemplate', '/flows/0/nodes/1/body', 'read', 'notify_note'],
    ]);
  });

  it('bulk updates, owner assignment and rescoring: their writes, filters and sorts', () => {
    const doc = usageApp();
    doc.flows = [
      {
        id: 'bulk',
        key: 'bulk',
        label: L('批量'),
        trigger: { kind: 'recordCreated', entity: 'customer' },
        start: 'mark',
        nodes: [
          {
            id: 'mark',
            kind: 'updateRecords',
            entity: 'item',
            filter: { '==': [{ var: 'note' }, { run: { var: 'record.region' } }] },
            sort: 'note',
            values: { note: { cat: [{ var: 'item.name' }, { var: 'record.title' }] } },
            next: 'owner',
          },
          {
            id: 'owner',
            kind: 'assignOwner',
            rules: { rules: [] },
            explanationField: 'region',
            openFilter: { '!!': [{ var: 'title' }] },
            next: 'score',
          },
          {
            id: 'score',
            kind: 'recomputeScore',
            entity: 'item',
            filter: { '!!': [{ var: 'name' }] },
            scoreField: 'note',
          },
        ],
      },
    ];
    expect(summary(fieldUsages(doc, [NOTE]).filter((u) => u.owner.kind === 'flow'))).toEqual([
      ['flowWrite', '/flows/0/nodes/0/values/note', 'write', 'bulk'],
      ['flowQuery', '/flows/0/nodes/0/filter/==/0/var', 'read', 'bulk'],
      ['flowQuery', '/flows/0/nodes/0/sort', 'read', 'bulk'],
      ['flowWrite', '/flows/0/nodes/2/scoreField', 'write', 'bulk'],
    ]);
    const customer = (fieldId: string) =>
      summary(
        fieldUsages(doc, [{ kind: 'field', entityId: 'customer', fieldId }]).filter(
          (u) => u.owner.kind === 'flow',
        ),
      );
    expect(customer('region')).toEqual([
      ['flowExpression', '/flows/0/nodes/0/filter/==/1/run/var', 'read', 'bulk'],
      ['flowWrite', '/flows/0/nodes/1/explanationField', 'write', 'bulk'],
    ]);
    expect(customer('title')).toEqual([
      ['flowExpression', '/flows/0/nodes/0/values/note/cat/1/var', 'read', 'bulk'],
      ['flowQuery', '/flows/0/nodes/1/openFilter/!!/0/var', 'read', 'bulk'],
    ]);
    expect(
      summary(
        fieldUsages(doc, [{ kind: 'field', entityId: 'item', fieldId: 'name' }]).filter(
          (u) => u.owner.kind === 'flow',
        ),
      ),
    ).toEqual([
      ['flowExpression', '/flows/0/nodes/0/values/note/cat/0/var', 'read', 'bulk'],
      ['flowQuery', '/flows/0/nodes/2/filter/!!/0/var', 'read', 'bulk'],
    ]);
  });

  it('survives documents with dangling references and odd rule shapes', () => {
    const doc = usageApp();
    doc.entities = doc.entities.filter((e) => e.id !== 'customer' && e.id !== 'line');
    doc.forms![0]!.linkage!.push({
      id: 'odd',
      when: { var: [{ cat: ['no', 'te'] }] },
      action: 'hide',
      fields: ['name'],
    });
    doc.flows![0]!.nodes[3] = { id: 'find', kind: 'queryRecords', entity: 'gone', filter: [[{ var: 'x' }]] };
    expect(() => documentReferences(doc)).not.toThrow();
    expect(fieldUsages(doc, [{ kind: 'entity', entityId: 'customer' }]).map((u) => u.kind)).toEqual([
      'referenceTarget',
      'flowNode',
      'roleGrant',
    ]);
  });

  it("finds the keys an entity's record workflow names: stage gates, pool, conversions, scoring", () => {
    const at = (entityId: string, fieldId: string) =>
      summary(fieldUsages(usageApp(), [{ kind: 'field', entityId, fieldId }]));
    expect(at('item', 'budget')).toEqual([
      ['stageGate', '/entities/2/fields/6/options/1/requires/0', 'read', 'item'],
      ['stageGate', '/entities/2/fields/6/options/1/defaults/budget', 'write', 'item'],
      ['scoringCondition', '/entities/2/scoring/model/attributes/0/condition/>=/0/var', 'read', 'item'],
    ]);
    expect(at('item', 'stage')).toEqual([
      ['recordPool', '/entities/2/pool/onClaim/stage', 'write', 'item'],
      ['conversion', '/entities/2/conversions/0/update/stage', 'write', 'item'],
    ]);
    expect(at('customer', 'code')).toEqual([
      ['conversion', '/entities/2/conversions/0/targets/0/match/field', 'read', 'item'],
      ['conversion', '/entities/2/conversions/0/targets/0/values/code', 'write', 'item'],
    ]);
    expect(at('item', 'score')).toEqual([
      ['scoringField', '/entities/2/scoring/scoreField', 'write', 'item'],
    ]);
    expect(at('item', 'grade')).toEqual([
      ['scoringField', '/entities/2/scoring/gradeField', 'write', 'item'],
    ]);
  });

  it('every usage kind belongs to a registered owner with a collector and bilingual text', () => {
    for (const spec of Object.values(USAGE_KINDS)) {
      expect(USAGE_OWNERS).toContain(spec.owner);
      expect(spec.text.en).not.toBe('');
      expect(spec.text['zh-CN']).not.toBe('');
    }
    expect(Object.keys(USAGE_COLLECTORS).sort()).toEqual([...USAGE_OWNERS].sort());
    const kinds = new Set(documentReferences(usageApp()).map((r) => r.kind));
    expect([...Object.keys(USAGE_KINDS)].filter((k) => !kinds.has(k as never))).toEqual([]);
  });
});
