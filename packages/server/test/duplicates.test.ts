import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, type Client, createAuthFixture } from './support/auth-fixture.js';

// Runs on PGlite, or on PostgreSQL when DATABASE_URL is set (the suite runs once per database).
const L = (zh: string, en: string) => ({ 'zh-CN': zh, en });

function crm(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'dup',
    label: L('查重', 'Duplicates'),
    entities: [
      {
        id: 'account',
        key: 'account',
        label: L('客户', 'Account'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', type: 'text', required: true, label: L('名称', 'Name') },
          { id: 'mobile', key: 'mobile', type: 'phone', label: L('手机', 'Mobile') },
          { id: 'email', key: 'email', type: 'email', label: L('邮箱', 'E-mail') },
          { id: 'city', key: 'city', type: 'text', label: L('城市', 'City') },
        ],
        duplicateRules: [
          { id: 'by_name', label: L('名称相似', 'Similar name'), fields: ['name'], match: 'companyName' },
          { id: 'by_mobile', label: L('手机相同', 'Same mobile'), fields: ['mobile'], match: 'phone' },
        ],
        related: [
          { id: 'visits', entity: 'visit', field: 'deal', through: { entity: 'deal', field: 'account' } },
        ],
      },
      {
        id: 'deal',
        key: 'deal',
        label: L('商机', 'Deal'),
        pluralLabel: L('商机', 'Deals'),
        titleField: 'title',
        fields: [
          { id: 'title', key: 'title', type: 'text', label: L('标题', 'Title') },
          {
            id: 'account',
            key: 'account',
            type: 'reference',
            target: 'account',
            label: L('客户', 'Account'),
          },
        ],
      },
      {
        id: 'visit',
        key: 'visit',
        label: L('拜访', 'Visit'),
        fields: [
          { id: 'note', key: 'note', type: 'text', label: L('内容', 'Note') },
          { id: 'deal', key: 'deal', type: 'reference', target: 'deal', label: L('商机', 'Deal') },
        ],
      },
      {
        id: 'member',
        key: 'member',
        label: L('会员', 'Member'),
        fields: [
          { id: 'mname', key: 'name', type: 'text', label: L('姓名', 'Name') },
          { id: 'email', key: 'email', type: 'email', label: L('邮箱', 'E-mail') },
        ],
        duplicateRules: [
          {
            id: 'by_email',
            label: L('邮箱相同', 'Same e-mail'),
            fields: ['email'],
            match: 'email',
            onDuplicate: 'block',
          },
        ],
      },
    ],
    roles: [
      {
        key: 'rep',
        label: L('销售', 'Rep'),
        grants: [
          { entity: 'account', actions: ['create', 'read', 'update', 'delete'], scope: 'own' },
          { entity: 'deal', actions: ['create', 'read', 'update'], scope: 'own' },
          { entity: 'visit', actions: ['create', 'read'], scope: 'own' },
        ],
      },
      {
        key: 'clerk',
        label: L('文员', 'Clerk'),
        grants: [{ entity: 'account', actions: ['read', 'update'], scope: 'all' }],
      },
    ],
  };
}

const ACCOUNTS = '/api/apps/dup/entities/account';

describe('duplicate detection, review and merge', () => {
  let fx: AuthFixture;
  const as: Record<string, Client> = {};

  const create = async (who: string, entity: string, body: Record<string, unknown>) => {
    const res = await as[who]!.request('POST', `/api/apps/dup/entities/${entity}/records`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; version: number } & Record<string, unknown>;
  };
  const open = async (who: string, extra = '') => {
    const res = await as[who]!.request('GET', `${ACCOUNTS}/duplicates?status=open${extra}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Array<Record<string, any>>; total: number; nextCursor: string | null };
  };
  const pairs = (items: Array<Record<string, any>>) =>
    items.map((l) => [l.recordId, l.duplicateOfId, l.rule?.id ?? null]);
  const state = async () =>
    JSON.stringify(
      (
        await sql`select (select json_agg(t order by id) from app_dup.t_account t) as a,
          (select json_agg(t order by id) from app_dup.t_deal t) as d,
          (select count(*)::int from dougong.record_history) as h,
          (select json_agg(l order by id) from dougong.duplicate_links l) as l,
          (select count(*)::int from dougong.record_match_keys) as k`.execute(fx.database.db)
      ).rows,
    );

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(crm());
    as.admin = fx.admin;
    for (const [login, role] of [
      ['rep1', 'rep'],
      ['rep2', 'rep'],
      ['clerk', 'clerk'],
    ] as const) {
      const id = await fx.createUser(login);
      const granted = await fx.admin.request('PUT', `/api/users/${id}/roles/dup`, { roles: [role] });
      expect(granted.status).toBe(200);
      as[login] = await fx.login(login, 'Passw0rd!x');
    }
  });
  afterAll(async () => fx?.close());

  it('links the same mobile written differently, and company names that differ only in form', async () => {
    const a = await create('admin', 'account', { name: '甲方科技', mobile: '13800138000' });
    const b = await create('admin', 'account', { name: '乙方贸易', mobile: '+86 138-0013-8000' });
    const c = await create('admin', 'account', { name: '上海华东机械有限公司' });
    const d = await create('admin', 'account', { name: '上海 华东机械股份有限公司' });
    const e = await create('admin', 'account', { name: '上海华南机械有限公司' });
    const page = await open('admin');
    expect(pairs(page.items)).toEqual([
      [d.id, c.id, 'by_name'],
      [b.id, a.id, 'by_mobile'],
    ]);
    expect(page.items[0]).toMatchObject({
      status: 'open',
      rule: { id: 'by_name', label: { 'zh-CN': '名称相似' } },
      record: { id: d.id, name: '上海 华东机械股份有限公司' },
      duplicateOf: { id: c.id, name: '上海华东机械有限公司' },
      resolvedAt: null,
    });
    expect(page.total).toBe(2);
    // Paging is keyset by link id; narrowing to one record lists its links only.
    const first = await open('admin', '&limit=1');
    expect(first.items).toHaveLength(1);
    const second = await open('admin', `&limit=1&cursor=${first.nextCursor}`);
    expect(pairs(second.items)).toEqual([[b.id, a.id, 'by_mobile']]);
    expect(pairs((await open('admin', `&record=${e.id}`)).items)).toEqual([]);
    expect(pairs((await open('admin', `&record=${a.id}`)).items)).toEqual([[b.id, a.id, 'by_mobile']]);
    // An update that gains a key links too; one that keeps it adds nothing.
    const moved = await as.admin!.request('PATCH', `${ACCOUNTS}/records/${e.id}`, {
      version: e.version,
      mobile: '138 0013 8000',
    });
    expect(moved.status).toBe(200);
    const again = await as.admin!.request('PATCH', `${ACCOUNTS}/records/${e.id}`, {
      version: moved.body.version,
      city: '苏州',
    });
    expect(again.status).toBe(200);
    expect(pairs((await open('admin', `&record=${e.id}`)).items).sort()).toEqual(
      [
        [e.id, a.id, 'by_mobile'],
        [e.id, b.id, 'by_mobile'],
      ].sort(),
    );
    // Deleting a record hides its links; restoring brings its keys and links back.
    expect((await as.admin!.request('DELETE', `${ACCOUNTS}/records/${e.id}`)).status).toBe(204);
    expect(pairs((await open('admin', `&record=${a.id}`)).items)).toEqual([[b.id, a.id, 'by_mobile']]);
    const keys = async () =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from dougong.record_match_keys where record_id = ${e.id}`.execute(
          fx.database.db,
        )
      ).rows[0]!.n;
    expect(await keys()).toBe(0);
    expect((await as.admin!.request('POST', `${ACCOUNTS}/records/${e.id}/restore`)).status).toBe(200);
    expect(await keys()).toBe(2);
    expect((await open('admin', `&record=${e.id}`)).items).toHaveLength(2);
    expect((await as.admin!.request('DELETE', `${ACCOUNTS}/records/${e.id}`)).status).toBe(204);
  });

  it('links concurrent captures of the same person to each other', async () => {
    const made = await Promise.all(
      ['一', '二', '三', '四'].map((n) =>
        create('admin', 'account', { name: `并发${n}号`, mobile: '13512345678' }),
      ),
    );
    const ids = new Set(made.map((r) => r.id));
    const { rows } = await sql<{ record_id: string; duplicate_of: string }>`select record_id, duplicate_of
      from dougong.duplicate_links where rule_id = 'by_mobile'`.execute(fx.database.db);
    const among = rows.filter((r) => ids.has(r.record_id) && ids.has(r.duplicate_of));
    // Every pair of the four, once.
    expect(among).toHaveLength(6);
    expect(new Set(among.map((r) => [r.record_id, r.duplicate_of].sort().join())).size).toBe(6);
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await as.admin!.request('GET', '/api/openapi.json')).body;
    for (const path of [
      '/duplicates',
      '/records/{id}/merge-preview',
      '/records/{id}/merge',
      '/records/{id}/related',
    ])
      expect(Object.keys(doc.paths)).toContain(`${ACCOUNTS}${path}`);
  });

  it('lists a link only to callers who can read both of its records', async () => {
    const mine = await create('rep1', 'account', { name: '独有一号', mobile: '13911112222' });
    const theirs = await create('rep2', 'account', { name: '独有二号', mobile: '139-1111-2222' });
    const both = await create('rep1', 'account', { name: '独有三号', mobile: '13911112222' });
    const forRecord = (who: string) => open(who, `&record=${mine.id}`).then((p) => pairs(p.items));
    expect(await forRecord('admin')).toEqual([
      [both.id, mine.id, 'by_mobile'],
      [theirs.id, mine.id, 'by_mobile'],
    ]);
    expect(await forRecord('clerk')).toHaveLength(2);
    // rep1 cannot read rep2's record, nor rep2 rep1's: neither sees the link between them.
    expect(await forRecord('rep1')).toEqual([[both.id, mine.id, 'by_mobile']]);
    expect(await forRecord('rep2')).toEqual([]);
    const rep2All = await open('rep2');
    expect(rep2All.items.every((l) => l.record.ownerId === as.rep2!.userId)).toBe(true);
    expect(rep2All.total).toBe(rep2All.items.length);
    const bad = await as.admin!.request('GET', `${ACCOUNTS}/duplicates?status=maybe`);
    expect(bad.status).toBe(400);
    const badCursor = await as.admin!.request('GET', `${ACCOUNTS}/duplicates?cursor=abc`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.details[0].path).toBe('/cursor');
  });

  it('dismisses a link for callers who may update both records', async () => {
    const x = await create('admin', 'account', { name: '丙丁戊有限公司' });
    const y = await create('admin', 'account', { name: '丙丁戊公司' });
    const [link] = (await open('admin', `&record=${x.id}`)).items;
    expect(link).toMatchObject({ recordId: y.id, duplicateOfId: x.id });
    const before = await state();
    const denied = await as.rep1!.request('POST', `${ACCOUNTS}/duplicates/${link!.id}/dismiss`);
    expect(denied.status).toBe(404);
    expect(await state()).toBe(before);
    expect((await as.admin!.request('POST', `${ACCOUNTS}/duplicates/999999/dismiss`)).status).toBe(404);
    expect((await as.admin!.request('POST', `${ACCOUNTS}/duplicates/x1/dismiss`)).status).toBe(404);
    const dismissed = await as.clerk!.request('POST', `${ACCOUNTS}/duplicates/${link!.id}/dismiss`);
    expect(dismissed.status, JSON.stringify(dismissed.body)).toBe(200);
    expect(dismissed.body).toMatchObject({ id: link!.id, status: 'dismissed', resolvedBy: as.clerk!.userId });
    expect((await open('admin', `&record=${x.id}`)).items).toEqual([]);
    const listed = await as.admin!.request('GET', `${ACCOUNTS}/duplicates?status=dismissed&record=${x.id}`);
    expect(listed.body.items.map((l: { id: string }) => l.id)).toEqual([link!.id]);
    const twice = await as.admin!.request('POST', `${ACCOUNTS}/duplicates/${link!.id}/dismiss`);
    expect(twice.status).toBe(409);
    // A dismissed pair is not reopened by later edits.
    const edited = await as.admin!.request('PATCH', `${ACCOUNTS}/records/${y.id}`, {
      version: y.version,
      name: '丙丁戊股份有限公司',
    });
    expect(edited.status).toBe(200);
    expect((await open('admin', `&record=${x.id}`)).items).toEqual([]);
  });

  it('previews and merges: survivor updated, references moved, other deleted, both histories kept', async () => {
    const survivor = await create('rep1', 'account', { name: '华北重工有限公司', city: '北京' });
    const other = await create('rep1', 'account', {
      name: '华北重工股份有限公司',
      mobile: '13700001111',
      email: 'sales@huabei.example',
      city: '天津',
    });
    const deal1 = await create('rep1', 'deal', { title: '一期', account: other.id });
    const deal2 = await create('rep1', 'deal', { title: '二期', account: other.id });
    const deal3 = await create('rep1', 'deal', { title: '三期', account: survivor.id });
    await create('rep1', 'visit', { note: '拜访', deal: deal1.id });
    const url = `${ACCOUNTS}/records/${survivor.id}`;

    const preview = await as.rep1!.request('GET', `${url}/merge-preview?with=${other.id}`);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const row = (key: string) => preview.body.fields.find((f: { field: string }) => f.field === key);
    expect(row('name')).toMatchObject({
      label: { 'zh-CN': '名称', en: 'Name' },
      survivor: '华北重工有限公司',
      other: '华北重工股份有限公司',
      proposed: '华北重工有限公司',
      source: 'survivor',
      differs: true,
    });
    expect(row('mobile')).toMatchObject({
      survivor: null,
      other: '13700001111',
      proposed: '13700001111',
      source: 'other',
    });
    expect(row('city')).toMatchObject({ survivor: '北京', other: '天津', proposed: '北京' });
    expect(preview.body.references).toEqual([{ entity: 'deal', field: 'account', count: 2 }]);
    expect(preview.body.allowed).toBe(true);
    expect((await as.clerk!.request('GET', `${url}/merge-preview?with=${other.id}`)).body.allowed).toBe(
      false,
    );
    expect((await as.rep2!.request('GET', `${url}/merge-preview?with=${other.id}`)).status).toBe(404);

    // Bad input and missing rights change nothing.
    const before = await state();
    const attempts: Array<[Client, unknown, number, string]> = [
      [as.rep1!, { version: survivor.version }, 400, '/with'],
      [as.rep1!, { with: survivor.id, version: survivor.version }, 400, '/with'],
      [
        as.rep1!,
        { with: other.id, version: survivor.version, values: { name: 'left' } },
        400,
        '/values/name',
      ],
      [
        as.rep1!,
        { with: other.id, version: survivor.version, values: { ghost: 'other' } },
        400,
        '/values/ghost',
      ],
      [
        as.rep1!,
        { with: other.id, version: survivor.version, values: { mobile: { value: '12' } } },
        400,
        '/values/mobile',
      ],
      [as.rep1!, { with: other.id }, 400, '/version'],
      [as.rep1!, { with: other.id, version: survivor.version + 5 }, 409, '/version'],
      [as.rep1!, { with: other.id, version: survivor.version, otherVersion: 9 }, 409, '/otherVersion'],
      [as.rep1!, { with: other.id, version: survivor.version, extra: 1 }, 400, '/extra'],
    ];
    for (const [client, body, status, path] of attempts) {
      const res = await client.request('POST', `${url}/merge`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.details[0].path).toBe(path);
    }
    const forbidden = await as.clerk!.request('POST', `${url}/merge`, {
      with: other.id,
      version: survivor.version,
    });
    expect(forbidden.status).toBe(403);
    expect(
      (await as.rep2!.request('POST', `${url}/merge`, { with: other.id, version: survivor.version })).status,
    ).toBe(404);
    expect(await state()).toBe(before);

    const merged = await as.rep1!.request('POST', `${url}/merge`, {
      with: other.id,
      version: survivor.version,
      otherVersion: other.version,
      values: { city: 'other', email: { value: 'hq@huabei.example' } },
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.record).toMatchObject({
      id: survivor.id,
      name: '华北重工有限公司',
      mobile: '13700001111',
      email: 'hq@huabei.example',
      city: '天津',
      version: survivor.version + 1,
    });
    expect(merged.body.mergedId).toBe(other.id);
    expect(merged.body.repointed).toEqual([{ entity: 'deal', field: 'account', count: 2 }]);
    expect(merged.headers.etag).toBe(`"${survivor.version + 1}"`);

    // The other record is gone from lists and reads; its references point at the survivor.
    const list = await as.rep1!.request('GET', `${ACCOUNTS}/records?limit=500`);
    expect(list.body.items.map((r: { id: string }) => r.id)).not.toContain(other.id);
    expect((await as.rep1!.request('GET', `${ACCOUNTS}/records/${other.id}`)).status).toBe(404);
    for (const deal of [deal1, deal2, deal3]) {
      const got = await as.rep1!.request('GET', `/api/apps/dup/entities/deal/records/${deal.id}`);
      expect(got.body.account).toBe(survivor.id);
    }
    const dealHistory = await as.rep1!.request(
      'GET',
      `/api/apps/dup/entities/deal/records/${deal1.id}/history`,
    );
    expect(dealHistory.body.items.at(-1)).toMatchObject({
      action: 'update',
      changes: { account: { before: other.id, after: survivor.id } },
      merge: { survivor: survivor.id, other: other.id },
    });

    // Both histories are kept and show the merge.
    const history = async (id: string) =>
      (await as.rep1!.request('GET', `${ACCOUNTS}/records/${id}/history`)).body.items as Array<
        Record<string, any>
      >;
    const survivorHistory = await history(survivor.id);
    expect(survivorHistory.map((h) => h.action)).toEqual(['create', 'merge']);
    expect(survivorHistory[1]).toMatchObject({
      actor: as.rep1!.userId,
      merge: { survivor: survivor.id, other: other.id },
      changes: { city: { before: '北京', after: '天津' }, mobile: { before: null, after: '13700001111' } },
    });
    const otherHistory = await history(other.id);
    expect(otherHistory.map((h) => h.action)).toEqual(['create', 'merged']);
    expect(otherHistory[1]!.merge).toEqual({ survivor: survivor.id, other: other.id });

    // The pair's link is merged; the other's keys are gone; merging again is a 404.
    const mergedLinks = await as.rep1!.request(
      'GET',
      `${ACCOUNTS}/duplicates?status=merged&record=${survivor.id}`,
    );
    expect(pairs(mergedLinks.body.items)).toEqual([[other.id, survivor.id, 'by_name']]);
    expect(mergedLinks.body.items[0].id).toBe(merged.body.linkId);
    expect((await open('rep1', `&record=${survivor.id}`)).items).toEqual([]);
    const again = await as.rep1!.request('POST', `${url}/merge`, {
      with: other.id,
      version: survivor.version + 1,
    });
    expect(again.status).toBe(404);
  });

  it('merges two records no rule had linked, and moves links of the merged-away record', async () => {
    const a = await create('admin', 'account', { name: '无关甲' });
    const b = await create('admin', 'account', { name: '无关乙', mobile: '13655556666' });
    const c = await create('admin', 'account', { name: '无关丙', mobile: '13655556666' });
    const res = await as.admin!.request('POST', `${ACCOUNTS}/records/${a.id}/merge`, {
      with: b.id,
      version: a.version,
      values: { mobile: 'survivor' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.record.mobile).toBeNull();
    const merged = await as.admin!.request('GET', `${ACCOUNTS}/duplicates?status=merged&record=${a.id}`);
    expect(merged.body.items[0]).toMatchObject({ recordId: b.id, duplicateOfId: a.id, rule: null });
    // c was a suspected duplicate of b; it is now one of a.
    expect(pairs((await open('admin', `&record=${c.id}`)).items)).toEqual([[c.id, a.id, 'by_mobile']]);
  });

  it('lets an import match existing records by a duplicate rule (a similar company name)', async () => {
    const existing = await create('admin', 'account', { name: '上海华北钢铁有限公司', city: '南京' });
    const csv = 'name,city\n上海 华北钢铁股份有限公司,上海\n全新公司,杭州\n全新 有限公司,杭州\n';
    const url = `${ACCOUNTS}/imports?format=csv&dedupe=update`;
    const wrong = await as.admin!.request('POST', `${url}&matchOn=by_mobile`, csv, {
      'content-type': 'text/csv',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].path).toBe('/matchOn');
    const res = await as.admin!.request('POST', `${url}&matchOn=by_name`, csv, {
      'content-type': 'text/csv',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ total: 3, created: 1, updated: 1, skipped: 1, rejected: [] });
    const updated = await as.admin!.request('GET', `${ACCOUNTS}/records/${existing.id}`);
    expect(updated.body).toMatchObject({ name: '上海 华北钢铁股份有限公司', city: '上海' });
  });

  it('refuses a write that matches a blocking rule, naming the field, and writes nothing', async () => {
    await create('admin', 'member', { name: '甲', email: 'one@example.com' });
    const before = await state();
    const res = await as.admin!.request('POST', '/api/apps/dup/entities/member/records', {
      name: '乙',
      email: ' ONE@example.com',
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'UNIQUE_VIOLATION', details: [{ path: '/email' }] });
    expect(await state()).toBe(before);
    const members = await as.admin!.request('GET', '/api/apps/dup/entities/member/records');
    expect(members.body.items).toHaveLength(1);
  });

  it('summarises related records per reference and two references away, in the caller scopes', async () => {
    const acct = await create('rep1', 'account', { name: '关联测试公司' });
    const own = await create('rep1', 'deal', { title: '自有', account: acct.id });
    const foreign = await create('admin', 'deal', { title: '他人', account: acct.id });
    await create('rep1', 'visit', { note: '一', deal: own.id });
    await create('rep1', 'visit', { note: '二', deal: own.id });
    await create('admin', 'visit', { note: '三', deal: foreign.id });
    const url = `${ACCOUNTS}/records/${acct.id}/related`;
    const all = await as.admin!.request('GET', `${url}?limit=1`);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(
      all.body.items.map((r: Record<string, any>) => [
        r.key,
        r.entity,
        r.field,
        r.through,
        r.total,
        r.items.length,
      ]),
    ).toEqual([
      ['deal.account', 'deal', 'account', null, 2, 1],
      ['visits', 'visit', 'deal', { entity: 'deal', field: 'account' }, 3, 1],
    ]);
    expect(all.body.items[0].label).toEqual({ 'zh-CN': '商机', en: 'Deals' });
    const next = await as.admin!.request(
      'GET',
      `${url}/visits?limit=2&cursor=${encodeURIComponent(all.body.items[1].nextCursor)}`,
    );
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(next.body.items.length).toBe(2);
    expect(next.body.nextCursor).toBeNull();
    // rep1 reads only their own deals and visits, and visits only through deals they can read.
    const scoped = await as.rep1!.request('GET', url);
    expect(scoped.body.items.map((r: Record<string, any>) => [r.key, r.total])).toEqual([
      ['deal.account', 1],
      ['visits', 2],
    ]);
    expect(scoped.body.items[0].items.map((d: { id: string }) => d.id)).toEqual([own.id]);
    // The clerk cannot read deals or visits at all: no lists; rep2 cannot read the account: 404.
    expect((await as.clerk!.request('GET', url)).body.items).toEqual([]);
    expect((await as.rep2!.request('GET', url)).status).toBe(404);
    expect((await as.admin!.request('GET', `${url}/nothing`)).status).toBe(404);
  });
});

describe('duplicate rules added to existing data', () => {
  let fx: AuthFixture;
  afterAll(async () => fx?.close());

  it('backfills keys at publish and links records that already share one', async () => {
    fx = await createAuthFixture();
    const doc = crm();
    const member = doc.entities.find((e) => e.id === 'member')!;
    delete member.duplicateRules;
    await fx.publish(doc);
    const url = '/api/apps/dup/entities/member';
    const ids: string[] = [];
    for (const [name, email] of [
      ['甲', 'Li@Example.com'],
      ['乙', 'other@example.com'],
      ['丙', 'li@example.com '],
      ['丁', 'LI@EXAMPLE.COM'],
    ]) {
      const res = await fx.admin.request('POST', `${url}/records`, { name, email: email!.trim() });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
      fx.clock.tick(1000);
    }
    expect((await fx.admin.request('GET', `${url}/duplicates`)).body.items).toEqual([]);
    member.duplicateRules = [
      { id: 'by_email', label: L('邮箱相同', 'Same e-mail'), fields: ['email'], match: 'email' },
    ];
    await fx.publish(doc);
    const listed = await fx.admin.request('GET', `${url}/duplicates`);
    expect(
      listed.body.items.map((l: Record<string, string>) => [l.recordId, l.duplicateOfId]).sort(),
    ).toEqual(
      [
        [ids[2], ids[0]],
        [ids[3], ids[0]],
      ].sort(),
    );
    // New records find the old ones through the backfilled keys.
    const late = await fx.admin.request('POST', `${url}/records`, { name: '戊', email: 'OTHER@example.com' });
    const mine = await fx.admin.request('GET', `${url}/duplicates?record=${late.body.id}`);
    expect(mine.body.items.map((l: Record<string, string>) => l.duplicateOfId)).toEqual([ids[1]]);
    // Removing the rule drops its keys.
    delete member.duplicateRules;
    await fx.publish(doc);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.record_match_keys
      where app_key = 'dup' and entity_id = 'member'`.execute(fx.database.db);
    expect(rows[0]!.n).toBe(0);
  });
});
