import type { AppDocument } from '@dougong/schema';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, createAuthFixture } from './support/auth-fixture.js';

// Runs on PGlite, or on PostgreSQL when DATABASE_URL is set (the suite runs once per database).
const app: AppDocument = {
  schemaVersion: 1,
  key: 'io',
  label: { 'zh-CN': '导入导出', en: 'Import and export' },
  entities: [
    {
      id: 'lead',
      key: 'lead',
      label: { 'zh-CN': '线索', en: 'Lead' },
      titleField: 'name',
      searchFields: ['name'],
      fields: [
        { id: 'name', key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' }, index: true },
        {
          id: 'status',
          key: 'status',
          type: 'singleSelect',
          label: { 'zh-CN': '状态', en: 'Status' },
          options: [
            { id: 'new', label: { 'zh-CN': '新建', en: 'New' } },
            { id: 'won', label: { 'zh-CN': '赢单', en: 'Won' } },
          ],
        },
        { id: 'vip', key: 'vip', type: 'boolean', label: { 'zh-CN': '重要', en: 'VIP' } },
        { id: 'amount', key: 'amount', type: 'money', label: { 'zh-CN': '金额', en: 'Amount' } },
        { id: 'rank', key: 'rank', type: 'number', integer: true, label: { 'zh-CN': '序号', en: 'Rank' } },
        { id: 'secret', key: 'secret', type: 'text', label: { 'zh-CN': '机密', en: 'Secret' } },
      ],
    },
    {
      id: 'contact',
      key: 'contact',
      label: { 'zh-CN': '联系人', en: 'Contact' },
      titleField: 'cname',
      fields: [
        { id: 'cname', key: 'name', type: 'text', required: true, label: { 'zh-CN': '姓名', en: 'Name' } },
        { id: 'mobile', key: 'mobile', type: 'phone', label: { 'zh-CN': '手机', en: 'Mobile' } },
        {
          id: 'stage',
          key: 'stage',
          type: 'singleSelect',
          label: { 'zh-CN': '阶段', en: 'Stage' },
          options: [
            { id: 'cold', label: { 'zh-CN': '冷', en: 'Cold' } },
            { id: 'hot', label: { 'zh-CN': '热', en: 'Hot' } },
          ],
        },
        {
          id: 'score',
          key: 'score',
          type: 'number',
          integer: true,
          min: 0,
          max: 100,
          label: { en: 'Score' },
        },
      ],
    },
  ],
  roles: [
    {
      key: 'rep',
      label: { en: 'Rep' },
      grants: [
        {
          entity: 'lead',
          actions: ['create', 'read', 'update', 'export'],
          scope: 'own',
          fields: { secret: 'hidden' },
        },
        { entity: 'contact', actions: ['create', 'read', 'update'], scope: 'own' },
      ],
    },
    {
      key: 'viewer',
      label: { en: 'Viewer' },
      grants: [
        { entity: 'lead', actions: ['read'], scope: 'all' },
        { entity: 'contact', actions: ['read'], scope: 'all' },
      ],
    },
  ],
};

const URL = '/api/apps/io/entities/lead/export';

interface Raw {
  status: number;
  headers: Record<string, unknown>;
  bytes: Buffer;
}

describe('export of a list to CSV and XLSX', () => {
  let fx: AuthFixture;
  const cookies: Record<string, Record<string, string>> = {};
  const ids: Record<string, string> = {};

  const get = async (who: string, url: string, locale = 'en'): Promise<Raw> => {
    const res = await fx.app.inject({
      method: 'GET',
      url,
      headers: { ...cookies[who], 'accept-language': locale },
    });
    return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload };
  };
  const csvRows = (bytes: Buffer): string[] => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return bytes.subarray(3).toString('utf8').split('\r\n').slice(0, -1);
  };
  const fingerprint = async () =>
    JSON.stringify(
      (
        await sql`select (select count(*)::int from app_io.t_lead) as n,
          (select count(*)::int from dougong.record_history) as h,
          (select coalesce(max(updated_at)::text, '') from app_io.t_lead) as u`.execute(fx.database.db)
      ).rows,
    );

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(app);
    for (const [login, role] of [
      ['rep1', 'rep'],
      ['rep2', 'rep'],
      ['viewer', 'viewer'],
    ] as const) {
      const id = await fx.createUser(login);
      ids[login] = id;
      expect((await fx.admin.request('PUT', `/api/users/${id}/roles/io`, { roles: [role] })).status).toBe(
        200,
      );
    }
    for (const login of ['admin', 'rep1', 'rep2', 'viewer']) {
      const res = await fx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({
          username: login,
          password: login === 'admin' ? 'Admin#2026-secret' : 'Passw0rd!x',
        }),
      });
      expect(res.statusCode, res.body).toBe(200);
      cookies[login] = {
        cookie: String(res.headers['set-cookie']).split(';')[0]!,
        'x-csrf-token': JSON.parse(res.body).csrfToken,
      };
    }
    const rep1 = await fx.login('rep1', 'Passw0rd!x');
    const rep2 = await fx.login('rep2', 'Passw0rd!x');
    const seed: Array<[typeof rep1, Record<string, unknown>]> = [
      [rep1, { rank: 4, name: 'A plain, "quoted" name', status: 'new', vip: true, amount: '-12.50' }],
      [rep1, { rank: 3, name: '=HYPERLINK("http://evil")', status: 'won', vip: false, amount: '100.00' }],
      [rep1, { rank: 5, name: '@SUM(A1)', status: 'new' }],
      [rep2, { rank: 1, name: '+1-2', status: 'won', vip: true }],
      [rep2, { rank: 2, name: '-rep2 lead', status: 'new' }],
    ];
    for (const [client, body] of seed) {
      const created = await client.request('POST', '/api/apps/io/entities/lead/records', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const patched = await fx.admin.request(
        'PATCH',
        `/api/apps/io/entities/lead/records/${created.body.id}`,
        {
          version: created.body.version,
          secret: `s-${created.body.id.slice(0, 4)}`,
        },
      );
      expect(patched.status).toBe(200);
    }
  });
  afterAll(async () => fx?.close());

  it('writes CSV with a BOM, English labels, RFC 4180 quoting and neutralised formula cells', async () => {
    const res = await get('admin', `${URL}?format=csv&sort=rank&columns=name,status,vip,amount,secret`);
    expect(res.status, res.bytes.toString()).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Lead.csv"; filename*=UTF-8''Lead.csv`,
    );
    const rows = csvRows(res.bytes);
    expect(rows[0]).toBe('Name,Status,VIP,Amount,Secret');
    expect(rows.slice(1).map((r) => r.replace(/,s-[0-9a-f]{4}$/, ',S'))).toEqual([
      "'+1-2,Won,Yes,,S",
      "'-rep2 lead,New,,,S",
      `"'=HYPERLINK(""http://evil"")",Won,No,100,S`,
      '"A plain, ""quoted"" name",New,Yes,-12.5,S',
      "'@SUM(A1),New,,,S",
    ]);
  });

  it('writes labels in Chinese for zh-CN and names the file by the entity label', async () => {
    const res = await get('admin', `${URL}?format=csv&sort=rank&columns=name,status,vip`, 'zh-CN,zh;q=0.9');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="__.csv"; filename*=UTF-8''${encodeURIComponent('线索.csv')}`,
    );
    const rows = csvRows(res.bytes);
    expect(rows[0]).toBe('名称,状态,重要');
    expect(rows[1]).toBe("'+1-2,赢单,是");
    expect(rows[2]).toBe("'-rep2 lead,新建,");
    expect(rows[3]).toBe(`"'=HYPERLINK(""http://evil"")",赢单,否`);
  });

  it('applies filter, search and sort like the list endpoint', async () => {
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'status' }, 'won'] }));
    const res = await get('admin', `${URL}?format=csv&filter=${filter}&sort=-rank&columns=name`);
    expect(csvRows(res.bytes)).toEqual(['Name', `"'=HYPERLINK(""http://evil"")"`, "'+1-2"]);
    const searched = await get('admin', `${URL}?format=csv&q=plain&columns=name`);
    expect(csvRows(searched.bytes)).toEqual(['Name', '"A plain, ""quoted"" name"']);
  });

  it('writes XLSX that reads back with the same neutralised cells and numbers as numbers', async () => {
    const res = await get('admin', `${URL}?format=xlsx&sort=rank&columns=name,status,vip,amount`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toContain('filename="Lead.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Lead');
    const values = sheet
      .getSheetValues()
      .slice(1)
      .map((row) => (row as unknown[]).slice(1));
    expect(values).toEqual([
      ['Name', 'Status', 'VIP', 'Amount'],
      ["'+1-2", 'Won', 'Yes'],
      ["'-rep2 lead", 'New'],
      ['\'=HYPERLINK("http://evil")', 'Won', 'No', 100],
      ['A plain, "quoted" name', 'New', 'Yes', -12.5],
      ["'@SUM(A1)", 'New'],
    ]);
    for (let r = 1; r <= sheet.rowCount; r += 1)
      for (let c = 1; c <= 4; c += 1) expect(sheet.getCell(r, c).formula).toBeUndefined();
  });

  it('exports only the rep’s own records and never a hidden field', async () => {
    const res = await get('rep1', `${URL}?format=csv&sort=rank`);
    expect(res.status).toBe(200);
    const rows = csvRows(res.bytes);
    expect(rows[0]).toBe('Name,Status,VIP,Amount,Rank');
    expect(rows).toHaveLength(4);
    expect(res.bytes.toString('utf8')).not.toMatch(/s-[0-9a-f]{4}|rep2/);
    const xlsx = await get('rep2', `${URL}?format=xlsx&sort=rank`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.rowCount).toBe(3);
  });

  it.each([
    ['columns', 'columns=name,secret', '/columns/1'],
    [
      'filter',
      `filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'secret' }, 'x'] }))}`,
      '/filter/==/0/var',
    ],
    ['sort', 'sort=secret', '/sort/0'],
  ])('refuses a hidden field in %s with a 400', async (_what, query, path) => {
    const before = await fingerprint();
    const res = await get('rep1', `${URL}?format=csv&${query}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.bytes.toString()).error.details[0].path).toBe(path);
    expect(await fingerprint()).toBe(before);
  });

  it('refuses a caller without the export action with a 403 and changes nothing', async () => {
    const before = await fingerprint();
    for (const format of ['csv', 'xlsx']) {
      const res = await get('viewer', `${URL}?format=${format}`);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.bytes.toString()).error.code).toBe('FORBIDDEN');
    }
    expect(await fingerprint()).toBe(before);
  });

  it('refuses an unknown format or column with a 400', async () => {
    expect((await get('admin', `${URL}?format=pdf`)).status).toBe(400);
    expect((await get('admin', `${URL}?format=csv&columns=nope`)).status).toBe(400);
  });

  it('streams more rows than one batch in order, and refuses more than 100,000 rows with a 422', async () => {
    await sql`insert into app_io.t_lead (owner_id, f_name) select ${ids.rep1}::uuid, 'bulk-' || lpad(g::text, 6, '0')
      from generate_series(1, 4500) as g`.execute(fx.database.db);
    const res = await get('rep1', `${URL}?format=csv&sort=name&columns=name&q=bulk-`);
    expect(res.status, res.bytes.toString().slice(0, 300)).toBe(200);
    expect(res.headers['x-export-rows']).toBe('4500');
    const rows = csvRows(res.bytes).slice(1);
    expect(rows).toEqual(Array.from({ length: 4500 }, (_, i) => `bulk-${String(i + 1).padStart(6, '0')}`));

    await sql`insert into app_io.t_lead (owner_id, f_name) select ${ids.rep1}::uuid, 'many'
      from generate_series(1, 95501) as g`.execute(fx.database.db);
    const before = await fingerprint();
    const tooMany = await get('rep1', `${URL}?format=xlsx`);
    expect(tooMany.status).toBe(422);
    expect(JSON.parse(tooMany.bytes.toString()).error.code).toBe('UNPROCESSABLE');
    expect(await fingerprint()).toBe(before);
  }, 120_000);
});

describe('import of CSV and XLSX files', () => {
  let fx: AuthFixture;
  const cookies: Record<string, Record<string, string>> = {};
  const IMPORTS = '/api/apps/io/entities/contact/imports';

  const send = async (who: string, url: string, body: Buffer | string, locale = 'en') => {
    const res = await fx.app.inject({
      method: 'POST',
      url,
      headers: { ...cookies[who], 'content-type': 'application/octet-stream', 'accept-language': locale },
      payload: body,
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  const fetchRaw = async (who: string, url: string) => {
    const res = await fx.app.inject({ method: 'GET', url, headers: cookies[who] });
    return { status: res.statusCode, text: res.body, headers: res.headers };
  };
  const contacts = async () =>
    (
      await sql<{ name: string | null; mobile: string | null; stage: string | null; score: string | null }>`
        select f_cname as name, f_mobile as mobile, f_stage as stage, f_score::text as score
        from app_io.t_contact where deleted_at is null order by f_cname`.execute(fx.database.db)
    ).rows;
  const fingerprint = async () =>
    JSON.stringify(
      (
        await sql`select (select json_agg(t order by id) from app_io.t_contact t) as c,
          (select count(*)::int from dougong.record_history) as h,
          (select count(*)::int from dougong.files) as f`.execute(fx.database.db)
      ).rows,
    );

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(app);
    for (const [login, role] of [
      ['rep1', 'rep'],
      ['rep2', 'rep'],
      ['viewer', 'viewer'],
    ] as const) {
      const id = await fx.createUser(login);
      expect((await fx.admin.request('PUT', `/api/users/${id}/roles/io`, { roles: [role] })).status).toBe(
        200,
      );
      const res = await fx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: login, password: 'Passw0rd!x' }),
      });
      cookies[login] = {
        cookie: String(res.headers['set-cookie']).split(';')[0]!,
        'x-csrf-token': JSON.parse(res.body).csrfToken,
      };
    }
    const rep1 = await fx.login('rep1', 'Passw0rd!x');
    const existing = await rep1.request('POST', '/api/apps/io/entities/contact/records', {
      name: 'Existing',
      mobile: '13900000000',
      stage: 'cold',
    });
    expect(existing.status, JSON.stringify(existing.body)).toBe(201);
  });
  afterAll(async () => fx?.close());

  // 30 data rows (file rows 2–31): 5 bad, 3 duplicates (2 inside the file, 1 of an existing record).
  const lines: string[] = [];
  for (let n = 1; n <= 30; n += 1)
    lines.push(`C${String(n).padStart(2, '0')},1380000${String(n).padStart(4, '0')},Hot,${n}`);
  const BAD: Record<number, string> = {
    4: 'C04,13800000004,Maybe,4', // unknown option → row 5
    9: 'C09,12345,Cold,9', // not a mobile → row 10
    13: ',13800000013,Cold,13', // name missing → row 14
    18: 'C18,13800000018,冷,abc', // not a number → row 19
    25: '"C25, Ltd",13800000025,热,500', // above the maximum → row 26
  };
  const DUPLICATE: Record<number, string> = {
    11: 'C11 again,+86 138-0000-0001,Cold,11', // same mobile as row 2
    21: 'C21 again,13800000003 ,Cold,21', // same mobile as row 4
    28: 'Existing again, 139 0000 0000,Hot,28', // an existing record's mobile
  };
  for (const [i, line] of Object.entries({ ...BAD, ...DUPLICATE })) lines[Number(i) - 1] = line;
  const csv = `\uFEFFName,Mobile,Stage,Score\r\n${lines.join('\r\n')}\r\n`;

  it('imports 30 rows: creates the good ones, skips duplicates and reports bad rows by row number', async () => {
    const response = await send('rep1', `${IMPORTS}?format=csv&matchOn=mobile&dedupe=skip`, Buffer.from(csv));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const report = response.body;
    expect({ ...report, rejected: undefined, id: undefined, rejectedFile: undefined }).toEqual({
      total: 30,
      created: 22,
      updated: 0,
      skipped: 3,
    });
    expect(
      report.rejected.map((r: { row: number; reasons: Array<{ path: string }> }) => [
        r.row,
        r.reasons.map((x) => x.path),
      ]),
    ).toEqual([
      [5, ['/stage']],
      [10, ['/mobile']],
      [14, ['/name']],
      [19, ['/score']],
      [26, ['/score']],
    ]);
    // Nothing half-written: only the existing record and the 22 created ones, each with one history entry.
    const rows = await contacts();
    expect(rows).toHaveLength(23);
    expect(rows.map((r) => r.name)).not.toContain('C04');
    expect(rows.filter((r) => r.name?.includes('again'))).toEqual([]);
    expect(rows.find((r) => r.name === 'C18')).toBeUndefined();
    expect(rows.find((r) => r.name === 'C02')).toEqual({
      name: 'C02',
      mobile: '13800000002',
      stage: 'hot',
      score: '2',
    });
    const { rows: history } = await sql<{ n: number }>`select count(*)::int as n from dougong.record_history
      where app_key = 'io' and entity_id = 'contact' and action = 'create'`.execute(fx.database.db);
    expect(history[0]!.n).toBe(23);

    // The rejected rows come back as CSV with a reasons column, for the importer only.
    expect(report.rejectedFile).toBe(`${IMPORTS}/${report.id}/rejected`);
    const file = await fetchRaw('rep1', report.rejectedFile);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    const out = file.text
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .slice(0, -1);
    expect(out).toHaveLength(6);
    expect(out[0]).toBe('Name,Mobile,Stage,Score,Reasons');
    expect(out[1]).toBe('C04,13800000004,Maybe,4,"/stage: ""Maybe"" is not an option"');
    expect(out[3]).toMatch(/^,13800000013,Cold,13,\/name: /);
    expect(out[5]).toMatch(/^"C25, Ltd",13800000025,热,500,\/score: /);
    expect((await fetchRaw('rep2', report.rejectedFile)).status).toBe(404);
  });

  it('updates the matching record with dedupe=update and reads an XLSX file', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Contacts');
    sheet.addRow(['姓名', '手机', '阶段', 'Score']);
    sheet.addRow(['Existing', '139-0000-0000', '热', 99]);
    sheet.addRow(['New one', '13700000001', 'Cold', 1]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await send('rep1', `${IMPORTS}?format=xlsx&matchOn=mobile&dedupe=update`, bytes);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({
      total: 2,
      created: 1,
      updated: 1,
      skipped: 0,
      rejected: [],
      rejectedFile: null,
    });
    const rows = await contacts();
    expect(rows.find((r) => r.name === 'Existing')).toEqual({
      name: 'Existing',
      mobile: '13900000000',
      stage: 'hot',
      score: '99',
    });
  });

  it('maps columns by an explicit mapping and refuses a mapping to an unknown field', async () => {
    const file = 'Full name,Phone\r\nMapped,13600000001\r\n';
    const mapping = encodeURIComponent(JSON.stringify({ 'Full name': 'name', Phone: 'mobile' }));
    const ok = await send('rep2', `${IMPORTS}?format=csv&mapping=${mapping}`, file);
    expect(ok.body).toMatchObject({ total: 1, created: 1 });
    const before = await fingerprint();
    const bad = encodeURIComponent(JSON.stringify({ 'Full name': 'nope' }));
    const refused = await send('rep2', `${IMPORTS}?format=csv&mapping=${bad}`, file);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('/mapping/Full name');
    expect(await fingerprint()).toBe(before);
  });

  it('refuses an importer without the create action with a 403 and changes nothing', async () => {
    const before = await fingerprint();
    for (const dedupe of ['skip', 'update']) {
      const response = await send('viewer', `${IMPORTS}?format=csv&matchOn=mobile&dedupe=${dedupe}`, csv);
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
    expect(await fingerprint()).toBe(before);
  });
});
