import { AppStore, OPEN_GATE, RecordRepository } from '@dougong/db';
import type { AppDocument, Entity } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/imports/import-cells.js';
import { type ImportPlan, resolveMapping, runImport } from '../src/imports/import-runner.js';
import { type AuthFixture, createAuthFixture } from './support/auth-fixture.js';

// Runs on PGlite, or on PostgreSQL when DATABASE_URL is set (the suite runs once per database).
// The same file is imported row by row and in batches into twin entities; reports and stored data must
// be the same, including rows that only the database refuses (a unique e-mail, a blocking rule).
const L = (en: string) => ({ en });
const person = (id: string): Entity => ({
  id,
  key: id,
  label: L(id),
  titleField: 'name',
  fields: [
    { id: 'name', key: 'name', type: 'text', required: true, label: L('Name') },
    { id: 'mobile', key: 'mobile', type: 'phone', label: L('Mobile') },
    { id: 'email', key: 'email', type: 'email', unique: true, label: L('Email') },
    { id: 'company', key: 'company', type: 'text', label: L('Company') },
    {
      id: 'stage',
      key: 'stage',
      type: 'singleSelect',
      label: L('Stage'),
      options: [
        { id: 'cold', label: L('Cold') },
        { id: 'hot', label: L('Hot') },
      ],
    },
    { id: 'score', key: 'score', type: 'number', integer: true, min: 0, max: 100, label: L('Score') },
  ],
  duplicateRules: [
    { id: 'by_company', label: L('Similar company'), fields: ['company'], match: 'companyName' },
    { id: 'by_code', label: L('Same code'), fields: ['name'], match: 'exact', onDuplicate: 'block' },
  ],
});

const ENTITIES = ['rows1', 'batch4', 'batch1k', 'upd1', 'upd4', 'rule1', 'rule4'] as const;
const app: AppDocument = {
  schemaVersion: 1,
  key: 'ib',
  label: L('Import batches'),
  entities: ENTITIES.map(person),
  flows: ENTITIES.map((e) => ({
    id: `f_${e}`,
    key: `f${e}`,
    label: L(e),
    trigger: { kind: 'recordCreated' as const, entity: e },
    start: 'end',
    nodes: [{ id: 'end', kind: 'end' as const }],
  })),
};

// 26 data rows (file rows 2–27).
const CSV = [
  'Name,Mobile,Email,Company,Stage,Score',
  'A01,13800000001,a01@x.cn,甲科技有限公司,Hot,1',
  'A02,13800000002,a02@x.cn,乙公司,Cold,2',
  'A03,13800000003,taken@x.cn,丙公司,Hot,3', // e-mail of an existing record: refused by the database
  'A04,13800000004,a04@x.cn,丁公司,Maybe,4', // unknown option
  'A05,+86 138-0000-0001,a05@x.cn,戊公司,Hot,5', // same mobile as row 2
  'A06,13900000000,a06@x.cn,己公司,Hot,6', // mobile of the existing record
  ',13800000007,a07@x.cn,庚公司,Hot,7', // name missing
  'A08,13800000008,a08@x.cn,辛公司,Hot,500', // above the maximum
  'A09,13800000003,a09@x.cn,壬公司,Hot,9', // same mobile as the refused row 4: created
  'A10,13800000010,a10@x.cn,癸公司,Hot,abc', // not a number
  'A11,13800000011,a01@x.cn,子公司,Hot,11', // e-mail of row 2: refused by the database
  'A12,13800000012,a12@x.cn,丑公司,Hot,12',
  'Existing,13800000013,a13@x.cn,寅公司,Hot,13', // the blocking rule: refused
  'A14,13800000014,a14@x.cn,卯公司,Hot,14',
  'A15,13800000015,a15@x.cn,甲科技,Hot,15', // similar company to row 2
  '',
  'A17,13800000017,a17@x.cn,巳公司,Hot,17',
  'A18,12345,a18@x.cn,午公司,Hot,18', // not a mobile
  'A19,13800000019,a19@x.cn,存量公司,Cold,19', // the existing record's company
  'A20,13800000020,a20@x.cn,申公司,Hot,20',
  'A21,13800000021,a21@x.cn,酉公司,Hot,21',
  'A22,13800000021,a22@x.cn,戌公司,Cold,22', // same mobile as row 22
  'A23,13800000023,a23@x.cn,亥公司,Hot,23',
  'A24,13800000024,not-an-email,乙公司,Hot,24', // bad e-mail
  'A25,13800000025,a25@x.cn,一公司,Hot,25',
  'A26,13800000026,a26@x.cn,二公司,Hot,26',
  'A27,13800000027,a27@x.cn,三公司,Hot,27',
].join('\r\n');

describe('batched imports give the same report and records as row-by-row imports', () => {
  let fx: AuthFixture;
  let repo: RecordRepository;
  let userId: string;
  const at = new Date('2026-03-02T01:00:00Z');

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(app);
    userId = await fx.createUser('importer');
    const { model } = await new AppStore(fx.database.db).publishedModel('ib');
    repo = new RecordRepository(fx.database.db, model);
    for (const e of ENTITIES)
      await repo.create(
        repo.entity(e),
        { name: 'Existing', mobile: '13900000000', email: 'taken@x.cn', company: '存量公司', stage: 'cold' },
        { userId, now: at },
        OPEN_GATE,
      );
  });
  afterAll(async () => fx?.close());

  const run = async (entity: string, plan: Omit<ImportPlan, 'mapping'>, batchSize: number) => {
    const model = repo.entity(entity);
    const rows = parseCsv(CSV);
    const columns = resolveMapping(model, rows[0]!, undefined, OPEN_GATE);
    const progress: number[] = [];
    const report = await runImport(
      repo,
      model,
      rows,
      { mapping: {}, ...plan },
      columns,
      { userId, now: at },
      OPEN_GATE,
      (so) => {
        progress.push(so.total);
        return undefined;
      },
      { batchSize },
    );
    return { report, progress };
  };

  // Everything an import leaves behind, without ids: records, history, match keys, links, flow events.
  const stored = async (entity: string) => {
    const table = sql.id(`app_ib`, `t_${entity}`);
    const { rows } = await sql<Record<string, unknown>>`select f_name, f_mobile, f_email, f_company, f_stage,
        f_score::text as f_score, version, created_at, updated_at, owner_id,
        (select json_agg(json_build_object('a', h.action, 'c', h.changes) order by h.at, h.action)
          from dougong.record_history h where h.record_id = t.id) as history,
        (select json_agg(k.rule_id || ':' || k.key order by k.rule_id) from dougong.record_match_keys k
          where k.record_id = t.id) as keys,
        (select count(*)::int from dougong.duplicate_links l where l.record_id = t.id) as links,
        (select count(*)::int from dougong.flow_events f where f.record_id = t.id and f.kind = 'created') as events
      from ${table} t where deleted_at is null order by f_name, f_mobile`.execute(fx.database.db);
    return rows;
  };

  it('skips duplicates by a field and reports bad rows identically, whatever the batch size', async () => {
    const rowByRow = await run('rows1', { dedupe: 'skip', matchOn: 'mobile' }, 1);
    expect(rowByRow.report).toMatchObject({ total: 26, created: 14, updated: 0, skipped: 3 });
    expect(rowByRow.report.rejected.map((r) => r.row)).toEqual([4, 5, 8, 9, 11, 12, 14, 19, 25]);
    expect(rowByRow.report.rejected.find((r) => r.row === 4)?.reasons).toEqual([
      { path: '/email', message: 'is already used by another record' },
    ]);
    for (const [entity, size] of [
      ['batch4', 4],
      ['batch1k', 1000],
    ] as const) {
      const batched = await run(entity, { dedupe: 'skip', matchOn: 'mobile' }, size);
      expect(batched.report).toEqual(rowByRow.report);
      expect(await stored(entity)).toEqual(await stored('rows1'));
    }
    expect((await stored('batch4')).length).toBe(15);
  });

  it('updates existing records in row order with dedupe=update', async () => {
    const rowByRow = await run('upd1', { dedupe: 'update', matchOn: 'mobile' }, 1);
    expect(rowByRow.report).toMatchObject({ updated: 1, skipped: 2 });
    const batched = await run('upd4', { dedupe: 'update', matchOn: 'mobile' }, 4);
    expect(batched.report).toEqual(rowByRow.report);
    expect(await stored('upd4')).toEqual(await stored('upd1'));
    // Progress is reported between batches, with the rows handled so far.
    expect(batched.progress).toEqual([4, 8, 12, 15, 19, 23]);
  });

  it('matches by a duplicate rule with one lookup per batch', async () => {
    const rowByRow = await run('rule1', { dedupe: 'skip', matchOn: 'by_company' }, 1);
    expect(rowByRow.report.skipped).toBe(3);
    const batched = await run('rule4', { dedupe: 'skip', matchOn: 'by_company' }, 4);
    expect(batched.report).toEqual(rowByRow.report);
    expect(await stored('rule4')).toEqual(await stored('rule1'));
  });
});
