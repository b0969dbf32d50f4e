import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AppDocument, diffDocuments, summarizeChanges } from '../src/index.js';

const L = (zh: string, en?: string) => (en ? { 'zh-CN': zh, en } : { 'zh-CN': zh });

function v1(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'shop',
    label: L('商店', 'Shop'),
    entities: [
      {
        id: 'item',
        key: 'item',
        label: L('条目', 'Item'),
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('名称', 'Name') },
          { id: 'qty', key: 'qty', type: 'text', label: L('数量', 'Qty') },
          { id: 'note', key: 'note', type: 'text', label: L('备注', 'Note') },
          {
            id: 'stage',
            key: 'stage',
            type: 'singleSelect',
            label: L('阶段'),
            options: [
              { id: 'new', label: L('新') },
              { id: 'won', label: L('赢') },
            ],
          },
        ],
      },
      {
        id: 'tag',
        key: 'tag',
        label: L('标签', 'Tag'),
        fields: [{ id: 'label', key: 'label', type: 'text', label: L('名称') }],
      },
    ],
    forms: [
      {
        id: 'item_full',
        entity: 'item',
        label: L('条目表单', 'Item form'),
        kind: 'full',
        layout: [
          { id: 'a', kind: 'field', fieldId: 'name' },
          { id: 'b', kind: 'field', fieldId: 'qty' },
          { id: 'c', kind: 'field', fieldId: 'note' },
        ],
      },
    ],
    roles: [
      { key: 'sales', label: L('销售'), grants: [{ entity: 'item', actions: ['read'], scope: 'all' }] },
    ],
  };
}

function v2(): AppDocument {
  const doc = v1();
  doc.label = L('商店', 'Store');
  const item = doc.entities[0]!;
  item.titleField = 'name';
  item.fields = [
    item.fields[0]!,
    { id: 'qty', key: 'qty', type: 'number', integer: true, label: L('数量', 'Qty') },
    {
      id: 'stage',
      key: 'stage',
      type: 'singleSelect',
      label: L('阶段'),
      options: [
        { id: 'won', label: L('赢单') },
        { id: 'new', label: L('新') },
        { id: 'lost', label: L('输') },
      ],
    },
    { id: 'price', key: 'price', type: 'money', label: L('价格', 'Price') },
  ];
  doc.entities = [item, { id: 'order', key: 'order', label: L('订单', 'Order'), fields: [] }];
  doc.forms![0]!.layout = [
    { id: 'b', kind: 'field', fieldId: 'qty' },
    { id: 'a', kind: 'field', fieldId: 'name', span: 2 },
  ];
  doc.roles = [];
  return doc;
}

describe('diffDocuments', () => {
  it('reports items added, removed and changed by stable id, with JSON Pointers and before/after values', () => {
    const diff = diffDocuments(v1(), v2());
    const brief = diff.changes.map((c) => [c.op, c.kind, c.id, c.path ?? null, c.fromPath ?? null]);
    expect(brief).toEqual([
      ['changed', 'app', 'shop', '', ''],
      ['changed', 'entity', 'item', '/entities/0', '/entities/0'],
      ['changed', 'field', 'qty', '/entities/0/fields/1', '/entities/0/fields/1'],
      ['changed', 'field', 'stage', '/entities/0/fields/2', '/entities/0/fields/3'],
      ['added', 'field', 'price', '/entities/0/fields/3', null],
      ['removed', 'field', 'note', null, '/entities/0/fields/2'],
      ['added', 'entity', 'order', '/entities/1', null],
      ['removed', 'entity', 'tag', null, '/entities/1'],
      ['changed', 'form', 'item_full', '/forms/0', '/forms/0'],
      ['removed', 'role', 'sales', null, '/roles/0'],
    ]);
    const byId = (kind: string, id: string) => diff.changes.find((c) => c.kind === kind && c.id === id)!;
    expect(byId('app', 'shop').changes).toEqual([
      { op: 'changed', path: '/label/en', before: 'Shop', after: 'Store' },
    ]);
    expect(byId('entity', 'item').changes).toEqual([{ op: 'added', path: '/titleField', after: 'name' }]);
    expect(byId('field', 'qty')).toMatchObject({
      entityId: 'item',
      label: L('数量', 'Qty'),
      changes: [
        { op: 'changed', path: '/type', before: 'text', after: 'number' },
        { op: 'added', path: '/integer', after: true },
      ],
    });
    expect(byId('field', 'stage').changes).toEqual([
      { op: 'changed', path: '/options/0/label/zh-CN', before: '赢', after: '赢单' },
      { op: 'added', path: '/options/2', after: { id: 'lost', label: L('输') } },
      { op: 'moved', path: '/options', before: ['new', 'won'], after: ['won', 'new'] },
    ]);
    expect(byId('field', 'note')).toMatchObject({ entityId: 'item', before: v1().entities[0]!.fields[2] });
    expect(byId('form', 'item_full').changes).toEqual([
      { op: 'added', path: '/layout/1/span', after: 2 },
      { op: 'removed', path: '/layout/2', before: { id: 'c', kind: 'field', fieldId: 'note' } },
      { op: 'moved', path: '/layout', before: ['a', 'b'], after: ['b', 'a'] },
    ]);
    expect(diff.counts).toEqual({
      app: true,
      entity: { added: 1, changed: 1, removed: 1 },
      field: { added: 1, changed: 2, removed: 1 },
      form: { added: 0, changed: 1, removed: 0 },
      flow: { added: 0, changed: 0, removed: 0 },
      role: { added: 0, changed: 0, removed: 1 },
    });
  });

  it('every reported path resolves in the document it points into', () => {
    const from = v1();
    const to = v2();
    const at = (doc: unknown, path: string) =>
      path
        .split('/')
        .slice(1)
        .reduce<unknown>(
          (v, seg) => (v as Record<string, unknown>)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')],
          doc,
        );
    for (const change of diffDocuments(from, to).changes) {
      if (change.path !== undefined && change.kind !== 'app') expect(at(to, change.path)).toBeDefined();
      if (change.fromPath !== undefined && change.kind !== 'app')
        expect(at(from, change.fromPath)).toBeDefined();
      for (const inner of change.changes ?? []) {
        const base = change.op === 'changed' ? change : undefined;
        if (!base) continue;
        const item = inner.op === 'removed' ? at(from, base.fromPath!) : at(to, base.path!);
        const value = at(item, inner.path);
        if (inner.op === 'removed') expect(value).toEqual(inner.before);
        else if (inner.op !== 'moved') expect(value).toEqual(inner.after);
      }
    }
  });

  it('a moved field is reported on its entity; nothing else changes', () => {
    const from = v1();
    const to = v1();
    to.entities[0]!.fields.reverse();
    expect(diffDocuments(from, to).changes).toEqual([
      {
        op: 'changed',
        kind: 'entity',
        id: 'item',
        label: L('条目', 'Item'),
        path: '/entities/0',
        fromPath: '/entities/0',
        changes: [
          {
            op: 'moved',
            path: '/fields',
            before: ['name', 'qty', 'note', 'stage'],
            after: ['stage', 'note', 'qty', 'name'],
          },
        ],
      },
    ]);
  });

  it('from nothing, everything is added; identical documents differ in nothing', () => {
    const diff = diffDocuments(null, v1());
    expect(diff.changes.map((c) => [c.op, c.kind, c.id])).toEqual([
      ['added', 'entity', 'item'],
      ['added', 'entity', 'tag'],
      ['added', 'form', 'item_full'],
      ['added', 'role', 'sales'],
    ]);
    expect(diffDocuments(v1(), v1()).changes).toEqual([]);
  });

  it('is empty for equal documents and symmetric in what it counts (property)', () => {
    const label = fc.constantFrom('甲', '乙', '丙');
    const field = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      type: fc.constantFrom('text', 'longText', 'email'),
      label,
    });
    const docOf = (fields: Array<{ id: string; type: string; label: string }>): AppDocument => ({
      ...v1(),
      entities: [
        {
          id: 'e',
          key: 'e',
          label: L('实体'),
          fields: fields.map((f) => ({ id: f.id, key: f.id, type: f.type as 'text', label: L(f.label) })),
        },
      ],
    });
    const unique = fc.uniqueArray(field, { selector: (f) => f.id, maxLength: 4 });
    fc.assert(
      fc.property(unique, unique, (a, b) => {
        const from = docOf(a);
        const to = docOf(b);
        expect(diffDocuments(from, structuredClone(from)).changes).toEqual([]);
        const forward = diffDocuments(from, to).counts.field;
        const backward = diffDocuments(to, from).counts.field;
        expect([forward.added, forward.removed, forward.changed]).toEqual([
          backward.removed,
          backward.added,
          backward.changed,
        ]);
        const ids = (fields: typeof a) => new Set(fields.map((f) => f.id));
        expect(forward.added).toBe([...ids(b)].filter((id) => !ids(a).has(id)).length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('summarizeChanges', () => {
  it('names what was added, changed and removed, in both languages', () => {
    const diff = diffDocuments(v1(), v2());
    expect(summarizeChanges(diff, 'en', v2())).toBe(
      'Added field Price (Item), entity Order. ' +
        'Changed app settings, entity Item, field Qty (Item), field 阶段 (Item), form Item form. ' +
        'Removed field Note (Item), entity Tag, role 销售.',
    );
    expect(summarizeChanges(diff, 'zh-CN', v2())).toBe(
      '新增字段「价格」（条目）、实体「订单」。修改应用设置、实体「条目」、字段「数量」（条目）、字段「阶段」（条目）、表单「条目表单」。移除字段「备注」（条目）、实体「标签」、角色「销售」。',
    );
    expect(summarizeChanges(diffDocuments(v1(), v1()))).toBe('No changes.');
  });

  it('keeps long summaries short', () => {
    const from = v1();
    const to = v1();
    to.entities[0]!.fields.push(
      ...['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'].map((id) => ({
        id,
        key: id,
        type: 'text' as const,
        label: L(id),
      })),
    );
    expect(summarizeChanges(diffDocuments(from, to), 'en', to)).toBe(
      'Added field f1 (Item), field f2 (Item), field f3 (Item), field f4 (Item), field f5 (Item) and 2 more.',
    );
  });
});
