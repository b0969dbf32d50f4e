import type { AppDocument, Field, FormNode } from '@dougong/schema';
import type { TemplatePackage, TemplateRegistry } from '@dougong/template-kit';
import { salesTemplate } from '@dougong/template-sales';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clone, createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const ID = 'dougong.sales';
const LEADS = '/api/apps/sales/entities/lead/records';

/** A registry whose one package the test swaps, as a new platform release would. */
function switchableRegistry(initial: TemplatePackage) {
  let current = initial;
  const registry: TemplateRegistry = {
    list: () => [current],
    find: (id) => (id === current.id || id === 'sales' ? current : undefined),
  };
  return { registry, use: (pkg: TemplatePackage) => (current = pkg) };
}

function withVersion(
  pkg: TemplatePackage,
  version: string,
  edit: (doc: AppDocument) => void,
): TemplatePackage {
  const document = clone(pkg.document);
  edit(document);
  document.template = { id: pkg.id, version };
  return { ...pkg, version, document };
}

const entity = (doc: AppDocument, id: string) => doc.entities.find((e) => e.id === id)!;
const field = (doc: AppDocument, e: string, id: string) => entity(doc, e).fields.find((f) => f.id === id)!;
const leadForm = (doc: AppDocument) => doc.forms!.find((f) => f.id === 'lead_full')!;
const section = (doc: AppDocument, id: string) =>
  leadForm(doc).layout.find((n) => n.id === id) as Extract<FormNode, { kind: 'section' }>;
const nodeIds = (nodes: FormNode[]): string[] =>
  nodes.flatMap((n) => [
    n.id,
    ...(n.kind === 'section' ? nodeIds(n.children) : []),
    ...(n.kind === 'tabs' ? n.tabs.flatMap((t) => nodeIds(t.children)) : []),
  ]);

/** The installed version: the bundled document plus a fax field (which 0.2.0 removes) on the lead form. */
const v1 = withVersion(salesTemplate(), '0.1.0', (doc) => {
  entity(doc, 'lead').fields.push({ id: 'fax', key: 'fax', type: 'text', label: L('传真', 'Fax') });
  section(doc, 'contact').children.push({ id: 'f-fax', kind: 'field', fieldId: 'fax' });
});

/** Version 0.2.0: a new field with its form node, label changes, a new option, a removed field, a new entity. */
const v2 = withVersion(v1, '0.2.0', (doc) => {
  const lead = entity(doc, 'lead');
  lead.fields.splice(lead.fields.findIndex((f) => f.id === 'title') + 1, 0, {
    id: 'budget',
    key: 'budget',
    type: 'money',
    label: L('预算', 'Budget'),
  });
  field(doc, 'lead', 'title').label.en = 'Position';
  field(doc, 'lead', 'company').label['zh-CN'] = '单位名称';
  (field(doc, 'lead', 'source') as Extract<Field, { type: 'singleSelect' }>).options.push({
    id: 'partner',
    label: L('合作伙伴', 'Partner'),
  });
  lead.fields = lead.fields.filter((f) => f.id !== 'fax');
  section(doc, 'contact').children = section(doc, 'contact').children.filter((n) => n.id !== 'f-fax');
  const contact = section(doc, 'contact').children;
  contact.splice(contact.findIndex((n) => n.id === 'f-title') + 1, 0, {
    id: 'f-budget',
    kind: 'field',
    fieldId: 'budget',
  });
  doc.entities.push({
    id: 'competitor',
    key: 'competitor',
    label: L('竞争对手', 'Competitor'),
    titleField: 'name',
    fields: [{ id: 'name', key: 'name', type: 'text', label: L('名称', 'Name'), required: true }],
  });
  doc
    .roles!.find((r) => r.key === 'director')!
    .grants.push({ entity: 'competitor', actions: ['read', 'create'], scope: 'all' });
});

describe('template install and upgrade through the API', () => {
  let fx: HttpFixture;
  const templates = switchableRegistry(v1);
  let leadId: string;

  beforeAll(async () => {
    fx = await createHttpFixture({ templates: templates.registry });
  });
  afterAll(async () => fx?.close());

  it('lists the bundled template, not installed yet', async () => {
    const res = await fx.api('GET', '/api/templates');
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: ID,
        version: '0.1.0',
        appKey: 'sales',
        name: { 'zh-CN': '销售管理', en: 'Sales management' },
        demoData: { sizeName: 'leads', minSize: 100, maxSize: 1_000_000 },
        installed: [],
      }),
    ]);
  });

  it('a dry-run install shows the plan and creates nothing', async () => {
    const res = await fx.api('POST', `/api/templates/${ID}/install?dryRun=true`, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      appKey: 'sales',
      dryRun: true,
      blocked: false,
      template: { id: ID, version: '0.1.0' },
    });
    expect(
      res.body.plan.steps.filter((s: { kind: string }) => s.kind === 'createTable').length,
    ).toBeGreaterThan(5);
    expect((await fx.api('GET', '/api/apps')).body.items).toEqual([]);
  });

  it('refuses bad input with the offending path and unknown templates with 404', async () => {
    const bad = await fx.api('POST', `/api/templates/${ID}/install`, { appKey: 'Bad Key' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toContain('/body/appKey');
    expect((await fx.api('POST', '/api/templates/acme.nothing/install', {})).status).toBe(404);
    expect((await fx.api('GET', '/api/apps')).body.items).toEqual([]);
  });

  it('installs the template as a published app, once', async () => {
    const res = await fx.api('POST', `/api/templates/sales/install`, {});
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ appKey: 'sales', version: 1, dryRun: false });
    const again = await fx.api('POST', `/api/templates/sales/install`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.details[0].path).toBe('/appKey');
    const lead = await fx.api('POST', LEADS, {
      name: '张伟',
      company: '上海示例科技有限公司',
      title: 'CTO',
      fax: '021-61234567',
    });
    expect(lead.status, lead.text).toBe(201);
    leadId = lead.body.id;
    const list = await fx.api('GET', '/api/templates');
    expect(list.body.items[0].installed).toEqual([
      { appKey: 'sales', version: '0.1.0', overlays: 0, upgradeAvailable: false },
    ]);
  });

  it('upgrades keeping the customer’s changes and adding the template’s', async () => {
    // The customer renames a label, adds a field and removes a node from the lead form.
    const draft = (await fx.api('GET', '/api/apps/sales/draft')).body.document as AppDocument;
    field(draft, 'lead', 'company').label['zh-CN'] = '客户公司';
    entity(draft, 'lead').fields.push({
      id: 'wechat_id',
      key: 'wechatId',
      type: 'text',
      label: L('微信号', 'WeChat ID'),
    });
    const contact = section(draft, 'contact');
    contact.children = contact.children.filter((n) => n.id !== 'f-title');
    await fx.publish(draft);
    expect((await fx.api('GET', '/api/templates')).body.items[0].installed[0].overlays).toBe(3);

    templates.use(v2);
    expect((await fx.api('GET', '/api/templates')).body.items[0].installed[0]).toMatchObject({
      upgradeAvailable: true,
    });

    // Dry run: the report and the plan, nothing changed.
    const before = await fx.fingerprint('sales');
    const dry = await fx.api('POST', `/api/templates/${ID}/upgrade?dryRun=true`, {});
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      upToDate: false,
      blocked: false,
      fromVersion: '0.1.0',
      issues: [],
    });
    const paths = (list: Array<{ path: string }>) => list.map((e) => e.path);
    expect(paths(dry.body.report.template)).toEqual(
      expect.arrayContaining([
        '/entities/lead/fields/budget',
        '/entities/lead/fields/title/label/en',
        '/entities/lead/fields/source/options/partner',
        '/entities/lead/fields/fax',
        '/entities/competitor',
        '/forms/lead_full/layout/f-budget',
      ]),
    );
    // The customer's own changes; their label change that the template changed too is a conflict.
    expect(dry.body.report.customer).toHaveLength(2);
    expect(dry.body.report.customer).toEqual(
      expect.arrayContaining([
        { path: '/entities/lead/fields/wechat_id', kind: 'added' },
        { path: '/forms/lead_full/layout/f-title', kind: 'removed' },
      ]),
    );
    expect(dry.body.report.conflicts).toEqual([
      {
        path: '/entities/lead/fields/company/label/zh-CN',
        reason: 'bothChanged',
        customer: '客户公司',
        template: '单位名称',
      },
    ]);
    const kinds = dry.body.plan.steps.map((s: { kind: string }) => s.kind);
    expect(kinds).toEqual(expect.arrayContaining(['addColumn', 'archiveColumn', 'createTable']));
    expect(await fx.fingerprint('sales')).toBe(before);

    const res = await fx.api('POST', `/api/templates/${ID}/upgrade`, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, version: 3, template: { version: '0.2.0' } });

    const doc = (await fx.api('GET', '/api/apps/sales')).body.document as AppDocument;
    expect(doc.template).toEqual({ id: ID, version: '0.2.0' });
    expect(field(doc, 'lead', 'company').label).toEqual(L('客户公司', 'Company'));
    expect(field(doc, 'lead', 'title').label.en).toBe('Position');
    const leadFields = entity(doc, 'lead').fields.map((f) => f.id);
    expect(leadFields).toContain('wechat_id');
    expect(leadFields.indexOf('budget')).toBe(leadFields.indexOf('title') + 1);
    expect(leadFields).not.toContain('fax');
    const nodes = nodeIds(leadForm(doc).layout as FormNode[]);
    expect(nodes).not.toContain('f-title');
    expect(nodes).not.toContain('f-fax');
    expect(section(doc, 'contact').children.map((n) => n.id)).toContain('f-budget');
    expect(
      (field(doc, 'lead', 'source') as Extract<Field, { type: 'singleSelect' }>).options.map((o) => o.id),
    ).toContain('partner');
    // The data survived; new fields work; the new entity has its table.
    const lead = await fx.api('GET', `${LEADS}/${leadId}`);
    expect(lead.body).toMatchObject({
      name: '张伟',
      company: '上海示例科技有限公司',
      title: 'CTO',
      budget: null,
      wechatId: null,
    });
    expect(lead.body).not.toHaveProperty('fax');
    expect((await fx.columns('sales', 'lead')).some((c) => c.startsWith('f_fax'))).toBe(true);
    const upd = await fx.api('PATCH', `${LEADS}/${leadId}`, {
      version: lead.body.version,
      budget: '50000',
      wechatId: 'zw2026',
    });
    expect(upd.status, upd.text).toBe(200);
    expect(
      (await fx.api('POST', '/api/apps/sales/entities/competitor/records', { name: '某竞品' })).status,
    ).toBe(201);
    const versions = (await fx.api('GET', '/api/apps/sales/versions')).body.items;
    expect(versions[0].summary).toBe(`Upgraded template ${ID} 0.1.0 → 0.2.0`);
    expect((await fx.api('GET', '/api/templates')).body.items[0].installed[0]).toMatchObject({
      version: '0.2.0',
      upgradeAvailable: false,
    });
    // Upgrading again is a no-op.
    const same = await fx.api('POST', `/api/templates/${ID}/upgrade`, {});
    expect(same.body).toMatchObject({ upToDate: true, blocked: false });
    expect(same.body.plan.steps).toEqual([]);
  });

  it('a blocked upgrade leaves everything unchanged and reports why', async () => {
    // 0.3.0 turns the job title into a number: the stored "CTO" cannot be converted.
    const v3 = withVersion(v2, '0.3.0', (doc) => {
      const lead = entity(doc, 'lead');
      lead.fields[lead.fields.findIndex((f) => f.id === 'title')] = {
        id: 'title',
        key: 'title',
        type: 'number',
        label: L('职位', 'Position'),
      };
    });
    templates.use(v3);
    const before = await fx.fingerprint('sales');
    const dry = await fx.api('POST', `/api/templates/${ID}/upgrade?dryRun=true`, {});
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.blocked).toBe(true);
    expect(dry.body.checks.find((c: { blocking: boolean }) => c.blocking).recordIds).toContain(leadId);
    const res = await fx.api('POST', `/api/templates/${ID}/upgrade`, {});
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.code).toBe('PUBLISH_BLOCKED');
    expect(res.body.error.report.template.map((e: { path: string }) => e.path)).toContain(
      '/entities/lead/fields/title',
    );
    expect(await fx.fingerprint('sales')).toBe(before);
    expect((await fx.api('GET', '/api/templates')).body.items[0].installed[0].version).toBe('0.2.0');
  });

  it('refuses a downgrade, an upgrade over unpublished draft changes, and callers without the publish right', async () => {
    templates.use(v1);
    const down = await fx.api('POST', `/api/templates/${ID}/upgrade`, {});
    expect(down.status).toBe(409);
    templates.use(withVersion(v2, '0.2.1', (doc) => (entity(doc, 'task').label.en = 'To-do')));

    const draft = (await fx.api('GET', '/api/apps/sales/draft')).body.document as AppDocument;
    const pending = clone(draft);
    pending.label = L('我的销售', 'My sales');
    expect((await fx.api('PUT', '/api/apps/sales/draft', pending)).status).toBe(200);
    const blocked = await fx.api('POST', `/api/templates/${ID}/upgrade`, {});
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.details[0].path).toBe('/draft');
    expect((await fx.api('PUT', '/api/apps/sales/draft', draft)).status).toBe(200);

    const user = await fx.api('POST', '/api/users', {
      login: 'designer',
      name: '设计师',
      password: 'Passw0rd!x',
      rights: ['editMetadata'],
    });
    expect(user.status, user.text).toBe(201);
    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'designer', password: 'Passw0rd!x' }),
    });
    const headers = {
      cookie: String(login.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': JSON.parse(login.body).csrfToken as string,
    };
    expect((await fx.api('GET', '/api/templates', undefined, headers)).status).toBe(200);
    const before = await fx.fingerprint('sales');
    const denied = await fx.api('POST', `/api/templates/${ID}/install`, { appKey: 'sales_two' }, headers);
    expect(denied.status).toBe(403);
    expect((await fx.api('POST', `/api/templates/${ID}/upgrade`, {}, headers)).status).toBe(403);
    expect(await fx.fingerprint('sales')).toBe(before);
    expect((await fx.api('GET', '/api/apps')).body.items.map((a: { key: string }) => a.key)).toEqual([
      'sales',
    ]);
  });
});

describe('apps installed before template bases were kept', () => {
  let fx: HttpFixture;
  const templates = switchableRegistry(v1);
  beforeAll(async () => {
    fx = await createHttpFixture({ templates: templates.registry });
    // Saved and published like any document, as the first installer did: no base stored.
    await fx.publish({ ...v1.document, key: 'legacy' });
  });
  afterAll(async () => fx?.close());

  it('adopt the bundled package of the same version as their base, then upgrade normally', async () => {
    const listed = async () => (await fx.api('GET', '/api/templates')).body.items[0].installed;
    expect(await listed()).toEqual([
      { appKey: 'legacy', version: '0.1.0', overlays: null, upgradeAvailable: false },
    ]);
    const same = await fx.api('POST', `/api/templates/${ID}/upgrade`, {});
    expect(same.status, same.text).toBe(200);
    expect(same.body).toMatchObject({ appKey: 'legacy', upToDate: true });
    expect(await listed()).toEqual([
      { appKey: 'legacy', version: '0.1.0', overlays: 0, upgradeAvailable: false },
    ]);
    templates.use(v2);
    const up = await fx.api('POST', `/api/templates/${ID}/upgrade`, { appKey: 'legacy' });
    expect(up.status, up.text).toBe(200);
    expect(up.body.report.conflicts).toEqual([]);
    expect((await listed())[0]).toMatchObject({ version: '0.2.0', overlays: 0 });
  });
});
