import { ImportJobStore } from '@dougong/db';
import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/index.js';
import { type AuthFixture, type Client, createAuthFixture } from './support/auth-fixture.js';

// Runs on PGlite, or on PostgreSQL when DATABASE_URL is set (the suite runs once per database).
const L = (en: string, zh: string) => ({ en, 'zh-CN': zh });

const app: AppDocument = {
  schemaVersion: 1,
  key: 'imp',
  label: L('Imports', '导入'),
  entities: [
    {
      id: 'contact',
      key: 'contact',
      label: L('Contact', '联系人'),
      titleField: 'cname',
      fields: [
        { id: 'cname', key: 'name', type: 'text', required: true, label: L('Name', '姓名') },
        { id: 'mobile', key: 'mobile', type: 'phone', label: L('Mobile phone', '手机') },
        { id: 'company', key: 'company', type: 'text', label: L('Company', '公司名称') },
        {
          id: 'stage',
          key: 'stage',
          type: 'singleSelect',
          label: L('Stage', '阶段'),
          options: [
            { id: 'cold', label: L('Cold', '冷') },
            { id: 'hot', label: L('Hot', '热') },
          ],
        },
        {
          id: 'score',
          key: 'score',
          type: 'number',
          integer: true,
          min: 0,
          max: 100,
          label: L('Score', '评分'),
        },
        { id: 'secret', key: 'secret', type: 'text', label: L('Secret', '机密') },
      ],
    },
  ],
  roles: [
    {
      key: 'rep',
      label: { en: 'Rep' },
      grants: [
        {
          entity: 'contact',
          actions: ['create', 'read', 'update'],
          scope: 'own',
          fields: { secret: 'hidden' },
        },
      ],
    },
  ],
};

const IMPORTS = '/api/apps/imp/entities/contact/imports';

describe('import preview, remembered mappings and import jobs', () => {
  let fx: AuthFixture;
  let rep: Client;
  let rep2: Client;

  const upload = async (who: Client | 'anonymous', url: string, body: string, locale = 'en') => {
    const client = who === 'anonymous' ? fx.anonymous : who;
    return client.request('POST', url, body, { 'content-type': 'text/csv', 'accept-language': locale });
  };
  const count = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from app_imp.t_contact`.execute(fx.database.db))
      .rows[0]!.n;
  const state = async () =>
    JSON.stringify(
      (
        await sql`select (select count(*)::int from app_imp.t_contact) as c,
          (select count(*)::int from dougong.record_history) as h,
          (select count(*)::int from dougong.import_jobs) as j,
          (select count(*)::int from dougong.files) as f`.execute(fx.database.db)
      ).rows,
    );

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(app);
    for (const login of ['rep1', 'rep2']) {
      const id = await fx.createUser(login);
      expect((await fx.admin.request('PUT', `/api/users/${id}/roles/imp`, { roles: ['rep'] })).status).toBe(
        200,
      );
    }
    rep = await fx.login('rep1', 'Passw0rd!x');
    rep2 = await fx.login('rep2', 'Passw0rd!x');
    const existing = await rep.request('POST', '/api/apps/imp/entities/contact/records', {
      name: 'Existing',
      mobile: '13900000000',
    });
    expect(existing.status).toBe(201);
  });
  afterAll(async () => fx?.close());

  const exportFile = [
    '联系人姓名,手机号码,公司,Stage,Score (0-100),Notes,机密',
    '张伟,13800000001,示例科技,热,90,first,x',
    '李娜,13800000002,,冷,abc,second,y',
    ',13800000003,Acme,Hot,10,no name,z',
    'Existing again,139 0000 0000,Acme,Cold,20,duplicate,',
    '王芳,13800000004,Beta,Warm,30,bad stage,',
    '',
  ].join('\r\n');

  it('previews a file: columns, fuzzy suggestions, rows mapped and checked, nothing written', async () => {
    const before = await state();
    const res = await upload(
      rep,
      `${IMPORTS}?format=csv&dryRun=true&matchOn=mobile&previewRows=3`,
      exportFile,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const preview = res.body;
    expect(preview.dryRun).toBe(true);
    expect(preview.total).toBe(5);
    expect(preview.fingerprint).toMatch(/^h:[0-9a-f]{32}$/);
    expect(
      preview.columns.map((c: { header: string; suggestion: { field: string } | null }) => [
        c.header,
        c.suggestion?.field ?? null,
      ]),
    ).toEqual([
      ['联系人姓名', 'name'],
      ['手机号码', 'mobile'],
      ['公司', 'company'],
      ['Stage', 'stage'],
      ['Score (0-100)', 'score'],
      ['Notes', null],
      // Hidden from this caller: never suggested.
      ['机密', null],
    ]);
    expect(preview.columns[3].suggestion).toEqual({ field: 'stage', score: 1, by: 'key' });
    expect(preview.columns[0].samples).toEqual(['张伟', '李娜', 'Existing again']);
    expect(preview.mappingFrom).toBe('suggested');
    expect(preview.rememberedMapping).toBeNull();
    expect(preview.mapping).toEqual({
      联系人姓名: 'name',
      手机号码: 'mobile',
      公司: 'company',
      Stage: 'stage',
      'Score (0-100)': 'score',
    });
    expect(preview.rows).toEqual([
      {
        row: 2,
        values: { name: '张伟', mobile: '13800000001', company: '示例科技', stage: 'hot', score: 90 },
        action: 'create',
        issues: [],
      },
      {
        row: 3,
        values: { name: '李娜', mobile: '13800000002', stage: 'cold' },
        action: 'reject',
        issues: [{ path: '/score', message: 'is not a number' }],
      },
      {
        row: 4,
        values: { mobile: '13800000003', company: 'Acme', stage: 'hot', score: 10 },
        action: 'reject',
        issues: [{ path: '/name', message: expect.any(String) }],
      },
    ]);
    expect(preview.checked).toBe(5);
    expect(preview.valid).toBe(2);
    expect(preview.rejected.map((r: { row: number }) => r.row)).toEqual([3, 4, 6]);
    expect(await state()).toBe(before);
  });

  it('marks duplicates in the preview by the import’s dedupe options', async () => {
    const res = await upload(
      rep,
      `${IMPORTS}?format=csv&dryRun=true&matchOn=mobile&dedupe=update`,
      exportFile,
    );
    expect(res.body.rows.map((r: { action: string }) => r.action)).toEqual([
      'create',
      'reject',
      'reject',
      'update',
      'reject',
    ]);
    const skip = await upload(rep, `${IMPORTS}?format=csv&dryRun=true&matchOn=mobile`, exportFile);
    expect(skip.body.rows[3].action).toBe('skip');
  });

  it('remembers a mapping given to an import and offers it for the same headers, in any order or spelling', async () => {
    const mapping = { 联系人姓名: 'name', 手机号码: 'mobile', Notes: 'company' };
    const file = '联系人姓名,手机号码,Notes\r\nMapped One,13700000001,Gamma\r\n';
    const imported = await upload(
      rep,
      `${IMPORTS}?format=csv&mapping=${encodeURIComponent(JSON.stringify(mapping))}`,
      file,
    );
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toEqual({
      total: 1,
      created: 1,
      updated: 0,
      skipped: 0,
      rejected: [],
      rejectedFile: null,
    });

    // The same columns, reordered and spelled with other case and spacing: the remembered mapping wins.
    const next = ' notes ,联系人姓名,手机号码\r\nDelta,Mapped Two,13700000002\r\n';
    const preview = await upload(rep2, `${IMPORTS}?format=csv&dryRun=true`, next);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.mappingFrom).toBe('remembered');
    expect(preview.body.rememberedMapping).toEqual({
      source: null,
      mapping: { ' notes ': 'company', 联系人姓名: 'name', 手机号码: 'mobile' },
      updatedAt: fx.clock.now().toISOString(),
    });
    expect(preview.body.mapping).toEqual({ ' notes ': 'company', 联系人姓名: 'name', 手机号码: 'mobile' });
    expect(preview.body.rows[0].values).toEqual({
      name: 'Mapped Two',
      mobile: '13700000002',
      company: 'Delta',
    });
    // Without the remembered mapping, "Notes" would have been left out.
    expect(preview.body.suggestedMapping).toEqual({ 联系人姓名: 'name', 手机号码: 'mobile' });
    // Another header set has no remembered mapping.
    const other = await upload(
      rep2,
      `${IMPORTS}?format=csv&dryRun=true`,
      '联系人姓名,手机号码\r\nX,13700000003\r\n',
    );
    expect(other.body.fingerprint).not.toBe(preview.body.fingerprint);
    expect(other.body.rememberedMapping).toBeNull();

    // A named source keeps its own mapping, whatever the headers.
    const named = { Who: 'name', Firm: 'company' };
    const viaSource = await upload(
      rep,
      `${IMPORTS}?format=csv&source=${encodeURIComponent('Trade show 2026')}&mapping=${encodeURIComponent(JSON.stringify(named))}`,
      'Who,Firm\r\nShow Guest,Omega\r\n',
    );
    expect(viaSource.body.created).toBe(1);
    const later = await upload(
      rep,
      `${IMPORTS}?format=csv&dryRun=true&source=trade%20show%202026`,
      'Firm,Who,Extra\r\nPsi,Guest Two,1\r\n',
    );
    expect(later.body.mappingFrom).toBe('remembered');
    expect(later.body.rememberedMapping.source).toBe('Trade show 2026');
    expect(later.body.mapping).toEqual(named);
  });

  it('refuses a bad mapping in a preview as in an import, and anonymous callers', async () => {
    const res = await upload(
      rep,
      `${IMPORTS}?format=csv&dryRun=true&mapping=${encodeURIComponent('{"Notes":"secret"}')}`,
      exportFile,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('/mapping/Notes');
    expect((await upload('anonymous', `${IMPORTS}?format=csv&dryRun=true`, exportFile)).status).toBe(401);
    expect((await upload(rep, `${IMPORTS}?format=csv&dryRun=true&previewRows=500`, exportFile)).status).toBe(
      400,
    );
  });

  it('runs 1,000 rows with 50 bad ones as a job: progress, counts, report and rejected rows', async () => {
    const lines = ['Name,Mobile,Stage,Score'];
    for (let n = 1; n <= 1000; n += 1) {
      const bad = n % 20 === 0; // 50 rows: a score above the maximum
      lines.push(`Job ${n},${13600000000 + n},Hot,${bad ? 500 : n % 100}`);
    }
    const before = await count();
    const submitted = await upload(rep, `${IMPORTS}?format=csv&async=true`, `${lines.join('\r\n')}\r\n`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const url = `${IMPORTS}/${submitted.body.id}`;
    expect(submitted.body).toEqual({ id: expect.any(String), status: 'queued', total: 1000, url });
    expect(submitted.headers.location).toBe(url);

    // Another user sees nothing of it.
    expect((await rep2.request('GET', url)).status).toBe(404);

    const seen: Array<{ status: string; processed: number }> = [];
    let job = (await rep.request('GET', url)).body;
    const deadline = Date.now() + 120_000;
    while (job.status === 'queued' || job.status === 'running') {
      seen.push({ status: job.status, processed: job.processed });
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await rep.request('GET', url)).body;
    }
    expect(job).toMatchObject({
      status: 'done',
      total: 1000,
      processed: 1000,
      created: 950,
      updated: 0,
      skipped: 0,
      rejected: 50,
      createdAt: fx.clock.now().toISOString(),
      startedAt: fx.clock.now().toISOString(),
      finishedAt: fx.clock.now().toISOString(),
      error: null,
    });
    // Progress only moves forward, and was seen part-way.
    for (let i = 1; i < seen.length; i += 1)
      expect(seen[i]!.processed).toBeGreaterThanOrEqual(seen[i - 1]!.processed);
    expect(
      seen.some((s) => s.status === 'running' && s.processed > 0 && s.processed < 1000),
      JSON.stringify(seen),
    ).toBe(true);
    expect(job.report.total).toBe(1000);
    expect(job.report.rejected).toHaveLength(50);
    expect(job.report.rejected[0]).toEqual({
      row: 21,
      reasons: [{ path: '/score', message: 'must be at most 100' }],
    });
    expect(await count()).toBe(before + 950);

    expect(job.rejectedFile).toMatch(new RegExp(`^${IMPORTS}/[0-9a-f-]{36}/rejected$`));
    const file = await fx.app.inject({
      method: 'GET',
      url: job.rejectedFile,
      headers: { cookie: await cookieOf('rep1') },
    });
    expect(file.statusCode).toBe(200);
    const out = file.body
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .slice(0, -1);
    expect(out).toHaveLength(51);
    expect(out[1]).toBe('Job 20,13600000020,Hot,500,/score: must be at most 100');
    // The job's id names its rejected rows too.
    const byJob = await fx.app.inject({
      method: 'GET',
      url: `${url}/rejected`,
      headers: { cookie: await cookieOf('rep1') },
    });
    expect(byJob.body).toBe(file.body);
  }, 180_000);

  it('keeps the synchronous answer for small files unless a job is asked for', async () => {
    const res = await upload(rep, `${IMPORTS}?format=csv`, 'Name,Mobile\r\nSync One,13500000001\r\n');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      total: 1,
      created: 1,
      updated: 0,
      skipped: 0,
      rejected: [],
      rejectedFile: null,
    });
  });

  it('reports a job whose process ended as interrupted', async () => {
    const jobs = new ImportJobStore(fx.database.db);
    const id = await jobs.create({
      appKey: 'imp',
      entityId: 'contact',
      userId: rep.userId!,
      options: { format: 'csv' },
      total: 10,
      now: fx.clock.now(),
    });
    expect(await jobs.start(id, fx.clock.now())).toBe(true);
    expect(
      await jobs.progress(
        id,
        { processed: 4, created: 4, updated: 0, skipped: 0, rejected: 0 },
        fx.clock.now(),
      ),
    ).toBe(true);
    const url = `${IMPORTS}/${id}`;
    // Its heartbeat is fresh: still running somewhere.
    expect((await rep.request('GET', url)).body).toMatchObject({ status: 'running', processed: 4 });
    fx.clock.tick(61_000);
    const job = (await rep.request('GET', url)).body;
    expect(job).toMatchObject({ status: 'interrupted', processed: 4, created: 4, total: 10 });
    expect(job.finishedAt).toBe(fx.clock.now().toISOString());
    // Its runner, if it ever comes back, is told to stop.
    expect(
      await jobs.progress(
        id,
        { processed: 5, created: 5, updated: 0, skipped: 0, rejected: 0 },
        fx.clock.now(),
      ),
    ).toBe(false);
  });

  it('interrupts a running job when the server stops, and the next server reports it', async () => {
    const lines = ['Name,Mobile'];
    for (let n = 1; n <= 400; n += 1) lines.push(`Stop ${n},${13300000000 + n}`);
    const server = await buildServer({ database: fx.database, now: fx.clock.now, metadataPollMs: 0 });
    const login = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'rep1', password: 'Passw0rd!x' }),
    });
    const headers = {
      cookie: String(login.headers['set-cookie']).split(';')[0]!,
      'x-csrf-token': JSON.parse(login.body).csrfToken,
    };
    const submitted = await server.inject({
      method: 'POST',
      url: `${IMPORTS}?format=csv&async=true`,
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: `${lines.join('\r\n')}\r\n`,
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const { id } = JSON.parse(submitted.body);
    await server.close();
    const job = (await rep.request('GET', `${IMPORTS}/${id}`)).body;
    expect(job.status).toBe('interrupted');
    expect(job.processed).toBeLessThan(400);
    expect(job.created).toBe(job.processed);
    expect(job.error).toMatch(/stopped/);
  });

  async function cookieOf(login: string): Promise<string> {
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: login, password: 'Passw0rd!x' }),
    });
    return String(res.headers['set-cookie']).split(';')[0]!;
  }
});
