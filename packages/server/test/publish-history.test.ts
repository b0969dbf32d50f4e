import type { AppDocument, Field } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clone, createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const APP = '/api/apps/hist';
const ITEMS = `${APP}/entities/item/records`;
const L = (zh: string, en?: string) => (en ? { 'zh-CN': zh, en } : { 'zh-CN': zh });

function v1(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'hist',
    label: L('历史', 'History'),
    entities: [
      {
        id: 'item',
        key: 'item',
        label: L('条目', 'Item'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('名称', 'Name') },
          { id: 'code', key: 'code', type: 'text', unique: true, label: L('编码', 'Code') },
          { id: 'note', key: 'note', type: 'text', label: L('备注', 'Note') },
          { id: 'qty', key: 'qty', type: 'number', integer: true, label: L('数量', 'Qty') },
        ],
      },
    ],
    forms: [
      {
        id: 'item_full',
        entity: 'item',
        label: L('条目表单', 'Item form'),
        kind: 'full',
        layout: [
          { id: 'n_name', kind: 'field', fieldId: 'name' },
          { id: 'n_note', kind: 'field', fieldId: 'note' },
          { id: 'n_qty', kind: 'field', fieldId: 'qty' },
        ],
      },
    ],
    flows: [
      {
        id: 'stamp',
        key: 'stamp',
        label: L('盖章', 'Stamp'),
        enabled: false,
        trigger: { kind: 'recordCreated', entity: 'item' },
        start: 'write',
        nodes: [
          {
            id: 'write',
            kind: 'updateRecord',
            entity: 'item',
            values: { note: { cat: ['seen ', { var: 'record.qty' }] } },
          },
        ],
      },
    ],
  };
}

const withoutNote = (doc: AppDocument) => {
  const next = clone(doc);
  next.entities[0]!.fields = next.entities[0]!.fields.filter((f) => f.id !== 'note');
  return next;
};
const kinds = (steps: Array<{ kind: string }>) => steps.map((s) => s.kind);

describe('safe publishing: usages, history, rollback, export and import', () => {
  let fx: HttpFixture;
  const ids: Record<string, string> = {};
  const version = async () => (await fx.api('GET', APP)).body.version as number;
  const draft = async () =>
    (await fx.api('GET', `${APP}/draft`)).body as { document: AppDocument; revision: number };
  const save = async (doc: AppDocument) => {
    const res = await fx.api('PUT', `${APP}/draft`, doc);
    expect(res.status, res.text).toBe(200);
    return res.body.revision as number;
  };
  const items = async () => {
    const res = await fx.api('GET', `${ITEMS}?sort=name`);
    expect(res.status, res.text).toBe(200);
    return res.body.items as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    fx = await createHttpFixture();
    expect(await fx.publish(v1())).toBe(1);
    for (const [name, code, note, qty] of [
      ['A', 'c1', 'n-a', 1],
      ['B', 'c2', 'n-b', 2],
    ] as const) {
      const res = await fx.api('POST', ITEMS, { name, code, note, qty });
      expect(res.status, res.text).toBe(201);
      ids[name] = res.body.id;
    }
  });
  afterAll(async () => fx?.close());

  it('a draft may keep using a field it archives, but publishing is blocked until nothing uses it', async () => {
    // References to fields that never existed are still rejected on save.
    const broken = clone(v1());
    broken.forms![0]!.layout.push({ id: 'n_x', kind: 'field', fieldId: 'nothing' });
    const rejected = await fx.api('PUT', `${APP}/draft`, broken);
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.details).toEqual([
      { path: '/forms/0/layout/3/fieldId', message: 'is not a field id of item' },
    ]);

    await save(withoutNote(v1()));
    const plan = await fx.api('POST', `${APP}/plan`);
    expect(plan.status, plan.text).toBe(200);
    expect(plan.body.blocked).toBe(true);
    expect(plan.body.checks).toEqual([expect.objectContaining({ blocking: false, failing: 2 })]);
    expect(
      plan.body.usages.map((u: Record<string, unknown>) => [u.kind, u.path, u.blocking, u.owner]),
    ).toEqual([
      ['formField', '/forms/0/layout/1/fieldId', true, { kind: 'form', id: 'item_full' }],
      ['flowWrite', '/flows/0/nodes/0/values/note', true, { kind: 'flow', id: 'stamp' }],
    ]);
    expect(plan.body.usages[0]).toMatchObject({
      access: 'write',
      subject: { kind: 'field', entityId: 'item', fieldId: 'note', change: 'archived' },
      message: {
        en: 'Form "Item form" still uses the archived field "Note" of Item (form layout)',
        'zh-CN': '表单「条目表单」仍在使用「条目」中已归档的字段「备注」（表单布局）',
      },
    });

    const before = await fx.fingerprint('hist');
    const blocked = await fx.api('POST', `${APP}/publish`, {});
    expect(blocked.status, blocked.text).toBe(422);
    expect(blocked.body.error.code).toBe('PUBLISH_BLOCKED');
    expect(blocked.body.error.details).toEqual([
      {
        path: '/forms/0/layout/1/fieldId',
        message: 'Form "Item form" still uses the archived field "Note" of Item (form layout)',
      },
      {
        path: '/flows/0/nodes/0/values/note',
        message: 'Flow "Stamp" still uses the archived field "Note" of Item (flow write)',
      },
    ]);
    expect(blocked.body.error.usages).toHaveLength(2);
    expect(blocked.body.error.plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['archiveColumn']);
    expect(await fx.fingerprint('hist')).toBe(before);

    // The form is fixed; the flow still writes the field.
    const fixedForm = withoutNote(v1());
    fixedForm.forms![0]!.layout = fixedForm.forms![0]!.layout.filter((n) => n.id !== 'n_note');
    await save(fixedForm);
    const saved = await fx.fingerprint('hist');
    const stillBlocked = await fx.api('POST', `${APP}/publish`, {});
    expect(stillBlocked.status).toBe(422);
    expect(stillBlocked.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/flows/0/nodes/0/values/note',
    ]);
    expect(await fx.fingerprint('hist')).toBe(saved);

    const fixed = clone(fixedForm);
    fixed.flows![0]!.nodes[0] = {
      id: 'write',
      kind: 'updateRecord',
      entity: 'item',
      values: { name: { var: 'record.name' } },
    };
    await save(fixed);
    const published = await fx.api('POST', `${APP}/publish`, {});
    expect(published.status, published.text).toBe(200);
    expect(published.body).toMatchObject({ version: 2, blocked: false, usages: [] });
    expect(published.body.summary).toBe('Changed form Item form, flow Stamp. Removed field Note (Item).');
    for (const item of await items()) expect(item).not.toHaveProperty('note');

    const c = await fx.api('POST', ITEMS, { name: 'C', code: 'c3', qty: 3 });
    expect(c.status, c.text).toBe(201);
    ids.C = c.body.id;
  });

  it('lists versions with who and a summary, and serves each version’s document and a diff by stable id', async () => {
    const list = await fx.api('GET', `${APP}/versions`);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        version: 2,
        publishedBy: fx.adminId,
        publishedByName: expect.any(String),
        steps: 1,
      }),
      expect.objectContaining({ version: 1, summary: 'Added entity Item, form Item form, flow Stamp.' }),
    ]);
    expect(list.body.items[0].summary).toBe('Changed form Item form, flow Stamp. Removed field Note (Item).');

    const one = await fx.api('GET', `${APP}/versions/1`);
    expect(one.status, one.text).toBe(200);
    expect(one.body.document).toEqual(v1());
    expect(one.body.changes.entity).toEqual({ added: 1, changed: 0, removed: 0 });
    expect(one.body.plan.steps.map((s: { kind: string }) => s.kind)).toContain('createTable');
    const two = await fx.api('GET', `${APP}/versions/2`);
    expect(two.body.changes).toMatchObject({
      field: { added: 0, changed: 0, removed: 1 },
      form: { changed: 1 },
    });

    const diff = await fx.api('GET', `${APP}/diff?from=1&to=2`);
    expect(diff.status, diff.text).toBe(200);
    expect(diff.body.from).toEqual({ kind: 'version', version: 1 });
    expect(diff.body.to).toEqual({ kind: 'version', version: 2 });
    expect(diff.body.changes).toContainEqual({
      op: 'removed',
      kind: 'field',
      id: 'note',
      entityId: 'item',
      label: L('备注', 'Note'),
      fromPath: '/entities/0/fields/2',
      before: v1().entities[0]!.fields[2],
    });
    expect(diff.body.changes).toContainEqual(
      expect.objectContaining({
        op: 'changed',
        kind: 'form',
        id: 'item_full',
        changes: [
          { op: 'removed', path: '/layout/1', before: { id: 'n_note', kind: 'field', fieldId: 'note' } },
        ],
      }),
    );
    expect(diff.body.summary.en).toBe('Changed form Item form, flow Stamp. Removed field Note (Item).');

    // to=draft with the draft equal to the published version: nothing differs.
    const same = await fx.api('GET', `${APP}/diff?from=2&to=draft`);
    expect(same.body).toMatchObject({ to: { kind: 'draft' }, changes: [] });
    const everything = await fx.api('GET', `${APP}/diff?from=0&to=1`);
    expect(everything.body.counts.entity.added).toBe(1);

    expect((await fx.api('GET', `${APP}/diff?from=first`)).body.error.details).toEqual([
      { path: '/from', message: 'must be a version number, "published" or "draft"' },
    ]);
    expect((await fx.api('GET', `${APP}/versions/99`)).status).toBe(404);
    expect((await fx.api('GET', `${APP}/diff?from=99`)).status).toBe(404);
    expect((await fx.api('GET', '/api/apps/nope/versions/1')).status).toBe(404);
  });

  it('rollback republishes an old version: archived fields come back with their data', async () => {
    const preview = await fx.api('POST', `${APP}/versions/1/rollback?dryRun=true`);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, blocked: false, key: 'hist' });
    expect(preview.body).not.toHaveProperty('version');
    expect(preview.body).not.toHaveProperty('revision');
    expect(kinds(preview.body.plan.steps)).toEqual(['restoreColumn']);
    expect(await version()).toBe(2);
    expect((await draft()).document.entities[0]!.fields.map((f: Field) => f.id)).not.toContain('note');

    const res = await fx.api('POST', `${APP}/versions/1/rollback`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ version: 3, summary: 'Rolled back to v1', dryRun: false });
    expect(kinds(res.body.plan.steps)).toEqual(['restoreColumn']);
    expect((await items()).map((r) => [r.name, r.note, r.qty])).toEqual([
      ['A', 'n-a', 1],
      ['B', 'n-b', 2],
      ['C', null, 3],
    ]);
    const current = await draft();
    expect(current.document).toEqual(v1());
    expect((await fx.api('GET', APP)).body.document).toEqual(v1());
    expect((await fx.api('GET', `${APP}/versions`)).body.items[0]).toMatchObject({
      version: 3,
      summary: 'Rolled back to v1',
    });
  });

  it('a type change whose usages only fail at run time needs acknowledging; compatible ones are listed', async () => {
    // v4: qty becomes text (a flow reads it as a number), name becomes long text (compatible), code loses unique.
    const next = clone(v1());
    const fields = next.entities[0]!.fields;
    fields[0] = { id: 'name', key: 'name', type: 'longText', label: L('名称', 'Name') };
    fields[1] = { id: 'code', key: 'code', type: 'text', label: L('编码', 'Code') };
    fields[3] = { id: 'qty', key: 'qty', type: 'text', label: L('数量', 'Qty') };
    next.entities[0]!.titleField = 'name';
    await save(next);
    const plan = await fx.api('POST', `${APP}/plan`);
    expect(plan.body.blocked).toBe(true);
    expect(plan.body.checks.filter((c: { blocking: boolean }) => c.blocking)).toEqual([]);
    expect(
      plan.body.usages.map(
        (u: {
          kind: string;
          path: string;
          blocking: boolean;
          subject: { fieldId: string; compatible: boolean };
        }) => [u.subject.fieldId, u.subject.compatible, u.kind, u.path, u.blocking],
      ),
    ).toEqual([
      ['name', true, 'titleField', '/entities/0/titleField', false],
      ['name', true, 'formField', '/forms/0/layout/0/fieldId', false],
      ['qty', false, 'formField', '/forms/0/layout/2/fieldId', false],
      ['qty', false, 'flowExpression', '/flows/0/nodes/0/values/note/cat/1/var', true],
    ]);
    const blocked = await fx.api('POST', `${APP}/publish`, {});
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.details).toEqual([
      {
        path: '/flows/0/nodes/0/values/note/cat/1/var',
        message:
          'Flow "Stamp" uses the field "Qty" of Item, whose type changes from number to text (flow expression); check that it still works with the new values',
      },
    ]);
    const acknowledged = await fx.api('POST', `${APP}/plan`, { acknowledgeTypeChanges: true });
    expect(acknowledged.body.blocked).toBe(false);
    const published = await fx.api('POST', `${APP}/publish`, {
      acknowledgeTypeChanges: true,
      summary: 'Qty as text',
    });
    expect(published.status, published.text).toBe(200);
    expect(published.body).toMatchObject({ version: 4, summary: 'Qty as text' });
    const d = await fx.api('POST', ITEMS, { name: 'D', code: 'c1', qty: 'many' });
    expect(d.status, d.text).toBe(201);
    ids.D = d.body.id;
  });

  it('a blocked rollback answers 422 with the plan and changes nothing; fixing the data lets it through', async () => {
    const before = await fx.fingerprint('hist');
    const draftBefore = await draft();

    const preview = await fx.api('POST', `${APP}/versions/3/rollback?dryRun=true`);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.blocked).toBe(true);
    expect(await fx.fingerprint('hist')).toBe(before);

    const res = await fx.api('POST', `${APP}/versions/3/rollback`, {});
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.code).toBe('PUBLISH_BLOCKED');
    const blocking = res.body.error.checks.filter((c: { blocking: boolean }) => c.blocking);
    expect(blocking.map((c: { recordIds: string[] }) => c.recordIds)).toEqual([
      [ids.D],
      [ids.A, ids.D].sort(),
    ]);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: '/entities/item/fields/qty', recordIds: [ids.D] }),
      expect.objectContaining({ path: '/entities/item/fields/code', recordIds: [ids.A, ids.D].sort() }),
      // The flow reads qty, whose value kind changes back: the rollback must acknowledge it.
      expect.objectContaining({ path: '/flows/0/nodes/0/values/note/cat/1/var' }),
    ]);
    expect(kinds(res.body.error.plan.steps)).toEqual(
      expect.arrayContaining(['convertColumn', 'createIndex']),
    );
    expect(await fx.fingerprint('hist')).toBe(before);
    expect(await draft()).toEqual(draftBefore);
    expect(await version()).toBe(4);

    const stale = await fx.api(
      'POST',
      `${APP}/versions/3/rollback`,
      {},
      { 'if-match': `"${draftBefore.revision - 1}"` },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'DRAFT_CONFLICT', currentRevision: draftBefore.revision });
    expect(await fx.fingerprint('hist')).toBe(before);

    const fix = await fx.api('PATCH', `${ITEMS}/${ids.D}`, { qty: '4', code: 'c4', version: 1 });
    expect(fix.status, fix.text).toBe(200);
    const unacknowledged = await fx.api('POST', `${APP}/versions/3/rollback`, {});
    expect(unacknowledged.status).toBe(422);
    expect(unacknowledged.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/flows/0/nodes/0/values/note/cat/1/var',
    ]);
    expect(await fx.fingerprint('hist')).not.toBe(before);
    const ok = await fx.api(
      'POST',
      `${APP}/versions/3/rollback`,
      { acknowledgeTypeChanges: true },
      { 'if-match': `"${draftBefore.revision}"` },
    );
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({
      version: 5,
      summary: 'Rolled back to v3',
      revision: draftBefore.revision + 1,
    });
    expect((await items()).map((r) => [r.name, r.code, r.note, r.qty])).toEqual([
      ['A', 'c1', 'n-a', 1],
      ['B', 'c2', 'n-b', 2],
      ['C', 'c3', null, 3],
      ['D', 'c4', null, 4],
    ]);
    expect((await fx.api('POST', `${APP}/versions/42/rollback`, {})).status).toBe(404);
  });

  it('exports an app and imports it under a new key: dry run first, then atomically', async () => {
    const exported = await fx.api('GET', `${APP}/export`);
    expect(exported.status, exported.text).toBe(200);
    expect(exported.headers['content-disposition']).toBe(
      `attachment; filename="hist-v5.dougong.json"; filename*=UTF-8''hist-v5.dougong.json`,
    );
    expect(exported.body).toEqual({
      format: 'dougong.app',
      formatVersion: 1,
      exportedAt: fx.clock.now().toISOString(),
      sourceApp: 'hist',
      sourceVersion: 5,
      app: v1(),
    });

    const before = await fx.fingerprint('hist_copy');
    const preview = await fx.api('POST', '/api/apps/import?dryRun=true', {
      ...exported.body,
      key: 'hist_copy',
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({
      key: 'hist_copy',
      created: true,
      dryRun: true,
      blocked: false,
      usages: [],
    });
    expect(kinds(preview.body.plan.steps)).toEqual([
      'createSchema',
      'createTable',
      'createIndex',
      'createIndex',
      'createIndex',
      'createIndex',
    ]);
    expect(await fx.fingerprint('hist_copy')).toBe(before);
    expect((await fx.api('GET', '/api/apps/hist_copy/draft')).status).toBe(404);

    const imported = await fx.api('POST', '/api/apps/import', { ...exported.body, key: 'hist_copy' });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body).toMatchObject({
      key: 'hist_copy',
      created: true,
      version: 1,
      summary: 'Imported from hist v5',
    });
    const copy = await fx.api('GET', '/api/apps/hist_copy');
    expect(copy.body).toEqual({ version: 1, document: { ...v1(), key: 'hist_copy' } });
    const record = await fx.api('POST', '/api/apps/hist_copy/entities/item/records', {
      name: 'X',
      code: 'c1',
      qty: 7,
    });
    expect(record.status, record.text).toBe(201);
    expect((await fx.api('GET', '/api/apps/hist_copy/entities/item/records')).body.items).toHaveLength(1);
    // The source app is untouched.
    expect((await items()).map((r) => r.name)).toEqual(['A', 'B', 'C', 'D']);

    // Importing again over the copy publishes a new version through the planner.
    const changed = clone(exported.body);
    changed.app.entities[0].fields.push({ id: 'extra', key: 'extra', type: 'text', label: L('额外') });
    const again = await fx.api('POST', '/api/apps/import', {
      ...changed,
      key: 'hist_copy',
      summary: 'Second import',
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ created: false, version: 2, summary: 'Second import' });
    expect(kinds(again.body.plan.steps)).toEqual(['addColumn']);
  });

  it('rejects invalid imports with JSON Pointers into the body and writes nothing', async () => {
    const exported = (await fx.api('GET', `${APP}/export`)).body;
    const before = await fx.fingerprint('hist_bad');
    const cases: Array<[unknown, Array<{ path: string }>]> = [
      [
        { ...exported, format: 'zip', formatVersion: 2, extra: 1 },
        [{ path: '/extra' }, { path: '/format' }, { path: '/formatVersion' }],
      ],
      [{ ...exported, key: 'Bad Key' }, [{ path: '/key' }]],
      [{ format: 'dougong.app', formatVersion: 1 }, [{ path: '/app' }]],
      [
        (() => {
          const bad = clone(exported);
          bad.app.entities[0].fields[0].type = 'blob';
          return { ...bad, key: 'hist_bad' };
        })(),
        [{ path: '/app/entities/0/fields/0/type' }],
      ],
      [
        (() => {
          const bad = clone(exported);
          bad.app.forms[0].layout[0].fieldId = 'nothing';
          return { ...bad, key: 'hist_bad' };
        })(),
        [{ path: '/app/forms/0/layout/0/fieldId' }],
      ],
    ];
    for (const [body, paths] of cases) {
      const res = await fx.api('POST', '/api/apps/import', body);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => ({ path: d.path }))).toEqual(paths);
    }
    expect(await fx.fingerprint('hist_bad')).toBe(before);
  });

  it('draft conflicts: concurrent saves, a stale publish, and a stale import are 409 with the current revision', async () => {
    const { revision, document } = await draft();
    const a = clone(document);
    a.label = L('甲');
    const b = clone(document);
    b.label = L('乙');
    const results = await Promise.all([
      fx.api('PUT', `${APP}/draft`, a, { 'if-match': `"${revision}"` }),
      fx.api('PUT', `${APP}/draft`, b, { 'if-match': `"${revision}"` }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status === 409)!;
    expect(winner.headers.etag).toBe(`"${revision + 1}"`);
    expect(loser.body.error).toMatchObject({
      code: 'DRAFT_CONFLICT',
      currentRevision: revision + 1,
      details: [{ path: '/revision', message: `is ${revision + 1} now` }],
    });
    const stored = await draft();
    expect(stored.revision).toBe(revision + 1);
    expect(stored.document.label).toEqual(winner === results[0] ? L('甲') : L('乙'));

    const before = await fx.fingerprint('hist');
    const stale = await fx.api('POST', `${APP}/publish`, { expectedRevision: revision });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'DRAFT_CONFLICT', currentRevision: revision + 1 });
    const staleHeader = await fx.api('POST', `${APP}/publish`, {}, { 'if-match': `"${revision}"` });
    expect(staleHeader.status).toBe(409);
    expect(staleHeader.body.error.currentRevision).toBe(revision + 1);
    const staleImport = await fx.api(
      'POST',
      '/api/apps/import',
      { ...(await fx.api('GET', `${APP}/export`)).body },
      { 'if-match': `"${revision}"` },
    );
    expect(staleImport.status).toBe(409);
    expect(await fx.fingerprint('hist')).toBe(before);

    const fresh = await fx.api('POST', `${APP}/publish`, { expectedRevision: revision + 1 });
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.body.summary).toBe('Changed app settings.');
  });
  it('an entity removed while a form and a role still use it: saved, blocked, then published once they stop', async () => {
    const base = (await draft()).document;
    const withTag = clone(base);
    withTag.entities.push({
      id: 'tag',
      key: 'tag',
      label: L('标签', 'Tag'),
      titleField: 'label',
      fields: [{ id: 'label', key: 'label', type: 'text', label: L('名称', 'Label') }],
    });
    withTag.forms!.push({
      id: 'tag_full',
      entity: 'tag',
      label: L('标签表单', 'Tag form'),
      kind: 'full',
      layout: [{ id: 't_label', kind: 'field', fieldId: 'label' }],
    });
    withTag.roles = [
      { key: 'viewer', label: L('查看'), grants: [{ entity: 'tag', actions: ['read'], scope: 'all' }] },
    ];
    const published = await fx.publish(withTag);
    const tag = await fx.api('POST', `${APP}/entities/tag/records`, { label: 'red' });
    expect(tag.status, tag.text).toBe(201);

    const removed = clone(withTag);
    removed.entities = removed.entities.filter((e) => e.id !== 'tag');
    await save(removed);
    const plan = await fx.api('POST', `${APP}/plan`);
    expect(plan.status, plan.text).toBe(200);
    expect(
      plan.body.usages.map((u: { kind: string; path: string; blocking: boolean }) => [
        u.kind,
        u.path,
        u.blocking,
      ]),
    ).toEqual([
      ['formEntity', '/forms/1/entity', true],
      ['roleGrant', '/roles/0/grants/0/entity', true],
    ]);
    expect(plan.body.usages[0].message.en).toBe(
      'Form "Tag form" still uses the archived entity "Tag" (form entity)',
    );
    expect((await fx.api('POST', `${APP}/publish`, {})).status).toBe(422);

    removed.forms = removed.forms!.filter((f) => f.id !== 'tag_full');
    removed.roles = [];
    await save(removed);
    const ok = await fx.api('POST', `${APP}/publish`, {});
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.version).toBe(published + 1);
    expect(kinds(ok.body.plan.steps)).toContain('archiveTable');
    expect((await fx.tableRows('hist', 'tag')).map((r) => r.f_label)).toEqual(['red']);
    expect((await fx.api('GET', `${APP}/entities/tag/records`)).status).toBe(404);
  });
  it('a designer without the publish right may preview a rollback or an import but not perform them', async () => {
    const created = await fx.api('POST', '/api/users', {
      login: 'designer',
      name: 'Designer',
      password: 'Passw0rd!x',
      rights: ['editMetadata'],
    });
    expect(created.status, created.text).toBe(201);
    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'designer', password: 'Passw0rd!x' }),
    });
    expect(login.statusCode, login.body).toBe(200);
    const as = {
      cookie: String(login.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': JSON.parse(login.body).csrfToken as string,
    };
    const exported = (await fx.api('GET', `${APP}/export`, undefined, as)).body;
    const before = await fx.fingerprint('hist');
    expect((await fx.api('POST', `${APP}/versions/1/rollback?dryRun=true`, {}, as)).status).toBe(200);
    const denied = await fx.api('POST', `${APP}/versions/1/rollback`, {}, as);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    expect(
      (await fx.api('POST', '/api/apps/import?dryRun=true', { ...exported, key: 'hist_two' }, as)).status,
    ).toBe(200);
    expect((await fx.api('POST', '/api/apps/import', { ...exported, key: 'hist_two' }, as)).status).toBe(403);
    expect(await fx.fingerprint('hist')).toBe(before);
    expect((await fx.api('GET', '/api/apps/hist_two/draft')).status).toBe(404);
  });
});
