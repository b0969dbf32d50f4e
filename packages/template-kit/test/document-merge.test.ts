import { type AppDocument, type Field, type FormNode, validateAppDocument } from '@dougong/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeTemplateUpgrade, templateOverlays } from '../src/index.js';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const text = (id: string, zh: string, en: string): Field => ({ id, key: id, type: 'text', label: L(zh, en) });

/** A small app with the collections a merge knows: entities, fields, options, roles, forms, flows. */
function base(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'crm',
    label: L('客户管理', 'CRM'),
    template: { id: 'acme.crm', version: '1.0.0' },
    entities: [
      {
        id: 'lead',
        key: 'lead',
        label: L('线索', 'Lead'),
        titleField: 'name',
        fields: [
          text('name', '姓名', 'Name'),
          text('company', '公司', 'Company'),
          text('title', '职位', 'Title'),
          {
            id: 'source',
            key: 'source',
            type: 'singleSelect',
            label: L('来源', 'Source'),
            options: [
              { id: 'web', label: L('官网', 'Website') },
              { id: 'event', label: L('活动', 'Event') },
            ],
          },
        ],
      },
    ],
    roles: [
      {
        key: 'rep',
        label: L('销售', 'Rep'),
        grants: [
          { entity: 'lead', actions: ['read', 'create'], scope: 'own', fields: { company: 'readOnly' } },
        ],
      },
    ],
    forms: [
      {
        id: 'lead_full',
        entity: 'lead',
        label: L('线索', 'Lead'),
        kind: 'full',
        layout: [
          {
            id: 'main',
            kind: 'section',
            label: L('基本', 'Main'),
            children: [
              { id: 'f-name', kind: 'field', fieldId: 'name' },
              { id: 'f-company', kind: 'field', fieldId: 'company' },
              { id: 'f-title', kind: 'field', fieldId: 'title' },
            ],
          },
          {
            id: 'more',
            kind: 'tabs',
            tabs: [
              {
                id: 'tab-a',
                label: L('甲', 'A'),
                children: [{ id: 'f-source', kind: 'field', fieldId: 'source' }],
              },
              { id: 'tab-b', label: L('乙', 'B'), children: [] },
            ],
          },
        ],
      },
    ],
    flows: [
      {
        id: 'welcome',
        key: 'welcome',
        label: L('欢迎', 'Welcome'),
        trigger: { kind: 'recordCreated', entity: 'lead' },
        start: 'done',
        nodes: [{ id: 'done', kind: 'end' }],
      },
    ],
  };
}

const clone = <T>(v: T): T => structuredClone(v);
const lead = (doc: AppDocument) => doc.entities[0]!;
const fieldOf = (doc: AppDocument, id: string) => lead(doc).fields.find((f) => f.id === id)!;
const form = (doc: AppDocument) => doc.forms![0]!;
const section = (doc: AppDocument, id: string) =>
  form(doc).layout.find((n) => n.id === id) as Extract<FormNode, { kind: 'section' }>;
const fieldIds = (doc: AppDocument) => lead(doc).fields.map((f) => f.id);
/** Node ids of a layout, nested as [id, children…]. */
const shape = (nodes: FormNode[]): unknown[] =>
  nodes.map((n) =>
    n.kind === 'section'
      ? [n.id, shape(n.children)]
      : n.kind === 'tabs'
        ? [n.id, n.tabs.map((t) => [t.id, shape(t.children)])]
        : n.id,
  );

describe('three-way template merge', () => {
  it('with nothing changed gives the template back and reports nothing', () => {
    const { document, report } = mergeTemplateUpgrade(base(), base(), base());
    expect(document).toEqual(base());
    expect(report).toEqual({ template: [], customer: [], conflicts: [] });
  });

  it.each([
    ['only the template', 'Full name', undefined, 'Full name', 'template'],
    ['only the customer', undefined, 'Contact name', 'Contact name', 'customer'],
    ['both alike', 'Person', 'Person', 'Person', 'customer'],
  ] as const)('takes a property changed by %s', (_case, tmpl, cust, expected, side) => {
    const t = clone(base());
    const c = clone(base());
    if (tmpl) fieldOf(t, 'name').label.en = tmpl;
    if (cust) fieldOf(c, 'name').label.en = cust;
    const { document, report } = mergeTemplateUpgrade(base(), c, t);
    expect(fieldOf(document, 'name').label).toEqual({ 'zh-CN': '姓名', en: expected });
    expect(report[side]).toEqual([{ path: '/entities/lead/fields/name/label/en', kind: 'changed' }]);
    expect(report.conflicts).toEqual([]);
  });

  it('keeps the customer value when both changed it, and reports the conflict', () => {
    const t = clone(base());
    const c = clone(base());
    fieldOf(t, 'company').label['zh-CN'] = '公司名称';
    fieldOf(c, 'company').label['zh-CN'] = '客户公司';
    fieldOf(t, 'company').label.en = 'Company name';
    const { document, report } = mergeTemplateUpgrade(base(), c, t);
    // Locales merge separately: the customer's zh-CN, the template's en.
    expect(fieldOf(document, 'company').label).toEqual({ 'zh-CN': '客户公司', en: 'Company name' });
    expect(report.conflicts).toEqual([
      {
        path: '/entities/lead/fields/company/label/zh-CN',
        reason: 'bothChanged',
        customer: '客户公司',
        template: '公司名称',
      },
    ]);
    expect(report.template).toEqual([{ path: '/entities/lead/fields/company/label/en', kind: 'changed' }]);
  });

  it('adds template fields beside their neighbour and keeps customer fields', () => {
    const t = clone(base());
    const c = clone(base());
    lead(t).fields.splice(1, 0, text('mobile', '手机', 'Mobile'));
    lead(c).fields.push(text('wechat', '微信', 'WeChat'));
    const { document, report } = mergeTemplateUpgrade(base(), c, t);
    expect(fieldIds(document)).toEqual(['name', 'mobile', 'company', 'title', 'source', 'wechat']);
    expect(report.template).toEqual([{ path: '/entities/lead/fields/mobile', kind: 'added' }]);
    expect(report.customer).toEqual([{ path: '/entities/lead/fields/wechat', kind: 'added' }]);
  });

  it("keeps the customer's order when they reordered, placing template additions by their neighbour", () => {
    const t = clone(base());
    const c = clone(base());
    lead(c).fields.reverse(); // source, title, company, name
    lead(t).fields.splice(2, 0, text('mobile', '手机', 'Mobile')); // after company
    const { document } = mergeTemplateUpgrade(base(), c, t);
    expect(fieldIds(document)).toEqual(['source', 'title', 'company', 'mobile', 'name']);
  });

  it('follows the template order when the customer kept the base order', () => {
    const t = clone(base());
    lead(t).fields.reverse();
    const { document } = mergeTemplateUpgrade(base(), base(), t);
    expect(fieldIds(document)).toEqual(['source', 'title', 'company', 'name']);
  });

  it('keeps deleted what the customer deleted, even when the template changed it', () => {
    const t = clone(base());
    const c = clone(base());
    lead(c).fields = lead(c).fields.filter((f) => f.id !== 'title' && f.id !== 'company');
    fieldOf(t, 'title').label.en = 'Job title';
    const { document, report } = mergeTemplateUpgrade(base(), c, t);
    expect(fieldIds(document)).toEqual(['name', 'source']);
    expect(report.customer).toContainEqual({ path: '/entities/lead/fields/company', kind: 'removed' });
    expect(report.conflicts).toContainEqual(
      expect.objectContaining({ path: '/entities/lead/fields/title', reason: 'deletedByCustomer' }),
    );
  });

  it('removes what the template removed, unless the customer changed it', () => {
    const t = clone(base());
    const c = clone(base());
    lead(t).fields = lead(t).fields.filter((f) => f.id !== 'title' && f.id !== 'company');
    section(t, 'main').children.splice(1, 2);
    delete t.roles![0]!.grants[0]!.fields;
    fieldOf(c, 'company').label.en = 'Employer';
    const { document, report } = mergeTemplateUpgrade(base(), c, t);
    expect(fieldIds(document)).toEqual(['name', 'company', 'source']);
    expect(report.template).toContainEqual({ path: '/entities/lead/fields/title', kind: 'removed' });
    expect(report.conflicts).toEqual([
      expect.objectContaining({ path: '/entities/lead/fields/company', reason: 'changedByCustomer' }),
    ]);
  });

  it('merges select options by id', () => {
    const t = clone(base());
    const c = clone(base());
    const opts = (d: AppDocument) =>
      (fieldOf(d, 'source') as Extract<Field, { type: 'singleSelect' }>).options;
    opts(t).push({ id: 'referral', label: L('推荐', 'Referral') });
    opts(c)[0]!.label['zh-CN'] = '公司官网';
    opts(c)[1]!.color = '#ff0000';
    const { document } = mergeTemplateUpgrade(base(), c, t);
    expect(opts(document)).toEqual([
      { id: 'web', label: L('公司官网', 'Website') },
      { id: 'event', label: L('活动', 'Event'), color: '#ff0000' },
      { id: 'referral', label: L('推荐', 'Referral') },
    ]);
  });

  it('takes a field whose type changed as a whole', () => {
    const t = clone(base());
    const c = clone(base());
    lead(t).fields[2] = { id: 'title', key: 'title', type: 'longText', label: L('职位', 'Title') };
    (fieldOf(c, 'title') as Extract<Field, { type: 'text' }>).maxLength = 50;
    const { document, report } = mergeTemplateUpgrade(base(), c, t);
    expect(fieldOf(document, 'title')).toEqual(fieldOf(c, 'title'));
    expect(report.conflicts).toEqual([
      expect.objectContaining({ path: '/entities/lead/fields/title', reason: 'bothChanged' }),
    ]);
    // Unchanged by the customer, the template's new type is taken.
    expect(fieldOf(mergeTemplateUpgrade(base(), base(), t).document, 'title').type).toBe('longText');
  });

  it('merges roles by key, grants by entity and field access by field', () => {
    const t = clone(base());
    const c = clone(base());
    t.roles![0]!.grants[0]!.fields = { company: 'readOnly', title: 'hidden' };
    t.roles!.push({ key: 'manager', label: L('经理', 'Manager'), grants: [] });
    c.roles![0]!.grants[0]!.actions = ['read', 'create', 'update'];
    c.roles![0]!.grants[0]!.fields = { company: 'editable' };
    const { document, report } = mergeTemplateUpgrade(base(), c, t);
    expect(document.roles!.map((r) => r.key)).toEqual(['rep', 'manager']);
    expect(document.roles![0]!.grants).toEqual([
      {
        entity: 'lead',
        actions: ['read', 'create', 'update'],
        scope: 'own',
        fields: { company: 'editable', title: 'hidden' },
      },
    ]);
    expect(report.template.map((e) => e.path)).toEqual([
      '/roles/rep/grants/lead/fields/title',
      '/roles/manager',
    ]);
  });

  it('merges flows and their nodes by id; a trigger is one value', () => {
    const t = clone(base());
    const c = clone(base());
    t.flows![0]!.trigger = { kind: 'recordCreated', entity: 'lead', condition: { '==': [1, 1] } };
    c.flows![0]!.label = L('欢迎邮件', 'Welcome mail');
    const { document } = mergeTemplateUpgrade(base(), c, t);
    expect(document.flows![0]!.trigger).toEqual(t.flows![0]!.trigger);
    expect(document.flows![0]!.label).toEqual(L('欢迎邮件', 'Welcome mail'));
  });

  describe('form layouts', () => {
    it('keeps a node the customer deleted deleted and adds template nodes after their neighbour', () => {
      const t = clone(base());
      const c = clone(base());
      section(c, 'main').children.splice(2, 1); // f-title deleted
      lead(t).fields.push(text('mobile', '手机', 'Mobile'));
      section(t, 'main').children.splice(1, 0, { id: 'f-mobile', kind: 'field', fieldId: 'mobile' });
      const { document, report } = mergeTemplateUpgrade(base(), c, t);
      expect(shape(form(document).layout)).toEqual([
        ['main', ['f-name', 'f-mobile', 'f-company']],
        [
          'more',
          [
            ['tab-a', ['f-source']],
            ['tab-b', []],
          ],
        ],
      ]);
      expect(report.customer).toContainEqual({ path: '/forms/lead_full/layout/f-title', kind: 'removed' });
      expect(report.template).toContainEqual({ path: '/forms/lead_full/layout/f-mobile', kind: 'added' });
    });

    it('moves a node the customer moved, with the template property changes', () => {
      const t = clone(base());
      const c = clone(base());
      const [company] = section(c, 'main').children.splice(1, 1);
      (form(c).layout[1] as Extract<FormNode, { kind: 'tabs' }>).tabs[1]!.children.push(company!);
      const tCompany = section(t, 'main').children[1] as Extract<FormNode, { kind: 'field' }>;
      tCompany.span = 2;
      const { document, report } = mergeTemplateUpgrade(base(), c, t);
      expect(shape(form(document).layout)).toEqual([
        ['main', ['f-name', 'f-title']],
        [
          'more',
          [
            ['tab-a', ['f-source']],
            ['tab-b', ['f-company']],
          ],
        ],
      ]);
      const tabs = form(document).layout[1] as Extract<FormNode, { kind: 'tabs' }>;
      expect(tabs.tabs[1]!.children[0]).toEqual({
        id: 'f-company',
        kind: 'field',
        fieldId: 'company',
        span: 2,
      });
      expect(report.customer).toContainEqual({ path: '/forms/lead_full/layout/f-company', kind: 'moved' });
    });

    it('moves a template node whose section the customer deleted up to the nearest container', () => {
      const t = clone(base());
      const c = clone(base());
      form(c).layout.splice(0, 1); // the whole main section
      lead(t).fields.push(text('mobile', '手机', 'Mobile'));
      section(t, 'main').children.push({ id: 'f-mobile', kind: 'field', fieldId: 'mobile' });
      const { document, report } = mergeTemplateUpgrade(base(), c, t);
      expect(shape(form(document).layout)).toEqual([
        [
          'more',
          [
            ['tab-a', ['f-source']],
            ['tab-b', []],
          ],
        ],
        'f-mobile',
      ]);
      expect(report.conflicts).toContainEqual(
        expect.objectContaining({ path: '/forms/lead_full/layout/f-mobile', reason: 'containerRemoved' }),
      );
      expect(validateAppDocument(document).ok).toBe(true);
    });

    it('drops a template node showing a field the customer deleted', () => {
      const t = clone(base());
      const c = clone(base());
      lead(c).fields = lead(c).fields.filter((f) => f.id !== 'title');
      section(c, 'main').children.splice(2, 1);
      (form(t).layout[1] as Extract<FormNode, { kind: 'tabs' }>).tabs[1]!.children.push({
        id: 'f-title-2',
        kind: 'field',
        fieldId: 'title',
      });
      const { document, report } = mergeTemplateUpgrade(base(), c, t);
      expect(JSON.stringify(document.forms)).not.toContain('f-title');
      expect(report.conflicts).toContainEqual(
        expect.objectContaining({ path: '/forms/lead_full/layout/f-title-2', reason: 'fieldMissing' }),
      );
      expect(validateAppDocument(document).ok).toBe(true);
    });

    it('never nests a node inside itself when both sides move sections', () => {
      const doc = base();
      form(doc).layout.push({ id: 'extra', kind: 'section', children: [] });
      const t = clone(doc);
      const c = clone(doc);
      // customer: main into extra; template: extra into main
      const [main] = form(c).layout.splice(0, 1);
      (form(c).layout.find((n) => n.id === 'extra') as Extract<FormNode, { kind: 'section' }>).children.push(
        main!,
      );
      const [extra] = form(t).layout.splice(2, 1);
      section(t, 'main').children.push(extra!);
      const { document, report } = mergeTemplateUpgrade(doc, c, t);
      expect(validateAppDocument(document).ok).toBe(true);
      expect(JSON.stringify(document).match(/"id":"extra"/g)).toHaveLength(1);
      expect(JSON.stringify(document).match(/"id":"main"/g)).toHaveLength(1);
      expect(report.conflicts.map((x) => x.reason)).toContain('cycle');
    });
  });

  it('keeps the customer app key and takes the template identity and version from the new version', () => {
    const t = clone(base());
    t.template = { id: 'acme.crm', version: '1.1.0' };
    const c = { ...clone(base()), key: 'crm_east' };
    const { document } = mergeTemplateUpgrade(base(), c, t);
    expect(document.key).toBe('crm_east');
    expect(document.template).toEqual({ id: 'acme.crm', version: '1.1.0' });
  });

  it('lists the customer overlays against the base', () => {
    const c = clone(base());
    fieldOf(c, 'name').label['zh-CN'] = '联系人';
    lead(c).fields.push(text('wechat', '微信', 'WeChat'));
    section(c, 'main').children.splice(2, 1);
    expect(templateOverlays(base(), c)).toEqual([
      { path: '/entities/lead/fields/name/label/zh-CN', kind: 'changed' },
      { path: '/entities/lead/fields/wechat', kind: 'added' },
      { path: '/forms/lead_full/layout/f-title', kind: 'removed' },
    ]);
  });
});

/** Random customer-style edits of a document (labels, fields, options, form nodes, order). */
const edit = fc.oneof(
  fc.record({
    op: fc.constant('label' as const),
    field: fc.nat(3),
    text: fc.string({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ op: fc.constant('addField' as const), at: fc.nat(4), n: fc.nat(50) }),
  fc.record({ op: fc.constant('dropField' as const), field: fc.nat(3) }),
  fc.record({ op: fc.constant('reverse' as const) }),
  fc.record({ op: fc.constant('dropNode' as const), node: fc.nat(2) }),
  fc.record({ op: fc.constant('moveNode' as const), node: fc.nat(2) }),
  fc.record({ op: fc.constant('option' as const), n: fc.nat(50) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdits(doc: AppDocument, edits: Edit[], tag: string): AppDocument {
  const d = clone(doc);
  for (const e of edits) {
    const fields = lead(d).fields;
    const main = section(d, 'main');
    if (e.op === 'label' && fields[e.field]) fields[e.field]!.label.en = e.text;
    if (e.op === 'addField' && !fields.some((f) => f.id === `${tag}${e.n}`))
      fields.splice(Math.min(e.at, fields.length), 0, text(`${tag}${e.n}`, '新', 'New'));
    if (e.op === 'dropField' && fields[e.field] && fields[e.field]!.id !== 'name') {
      const id = fields[e.field]!.id;
      lead(d).fields = fields.filter((f) => f.id !== id);
      main.children = main.children.filter((n) => !(n.kind === 'field' && n.fieldId === id));
      for (const tab of (form(d).layout[1] as Extract<FormNode, { kind: 'tabs' }>).tabs)
        tab.children = tab.children.filter((n) => !(n.kind === 'field' && n.fieldId === id));
      for (const role of d.roles ?? []) for (const g of role.grants) if (g.fields) delete g.fields[id];
    }
    if (e.op === 'reverse') fields.reverse();
    if (e.op === 'dropNode' && main.children[e.node]) main.children.splice(e.node, 1);
    if (e.op === 'moveNode' && main.children[e.node]) {
      const [node] = main.children.splice(e.node, 1);
      (form(d).layout[1] as Extract<FormNode, { kind: 'tabs' }>).tabs[1]!.children.push(node!);
    }
    const source = fields.find((f) => f.id === 'source') as
      | Extract<Field, { type: 'singleSelect' }>
      | undefined;
    if (e.op === 'option' && source && !source.options.some((o) => o.id === `${tag}${e.n}`))
      source.options.push({ id: `${tag}${e.n}`, label: L('新', 'New') });
  }
  return d;
}

describe('merge properties', () => {
  it('an unchanged template keeps the customer document exactly; an unchanged customer takes the template', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), (edits) => {
        const changed = applyEdits(base(), edits, 'x');
        expect(mergeTemplateUpgrade(base(), changed, base()).document).toEqual(changed);
        expect(mergeTemplateUpgrade(base(), base(), changed).document).toEqual(changed);
      }),
      { numRuns: 500 },
    );
  });

  it('merging independent edits of both sides gives a valid document holding both sides’ additions', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 5 }), fc.array(edit, { maxLength: 5 }), (ce, te) => {
        const c = applyEdits(base(), ce, 'zc');
        const t = applyEdits(base(), te, 'zt');
        const { document } = mergeTemplateUpgrade(base(), c, t);
        const checked = validateAppDocument(document);
        expect(checked.ok ? [] : checked.issues).toEqual([]);
        const ids = new Set(fieldIds(document));
        for (const f of [...lead(c).fields, ...lead(t).fields])
          if (f.id.startsWith('z')) expect(ids.has(f.id)).toBe(true);
        // Every field the customer deleted stays deleted.
        for (const f of lead(base()).fields)
          if (!fieldIds(c).includes(f.id)) expect(ids.has(f.id)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
