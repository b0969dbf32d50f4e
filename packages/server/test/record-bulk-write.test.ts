import { IdentityStore, RecordBulkWriter, refineStatistics, statisticsSettled } from '@dougong/db';
import { type AppDocument, DougongError, type EntityModel } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const L = (zh: string) => ({ 'zh-CN': zh });
const DEALS = '/api/apps/bulk/entities/deal/records';

/** An app with most field types, a sub-table, a tracked field, a duplicate rule and a unique field. */
function bulkApp(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'bulk',
    label: L('批量'),
    timeZone: 'Asia/Shanghai',
    entities: [
      {
        id: 'partner',
        key: 'partner',
        label: L('伙伴'),
        titleField: 'name',
        fields: [{ id: 'name', key: 'name', type: 'text', label: L('名称'), unique: true, required: true }],
      },
      {
        id: 'deal',
        key: 'deal',
        label: L('交易'),
        titleField: 'name',
        duplicateRules: [
          { id: 'by_mobile', label: L('手机相同'), fields: ['mobile'], match: 'phone' },
          { id: 'by_email', label: L('邮箱相同'), fields: ['email'], match: 'email' },
        ],
        fields: [
          { id: 'code', key: 'code', type: 'autoNumber', pattern: 'D-{YYYY}-{000}', label: L('编号') },
          { id: 'name', key: 'name', type: 'text', label: L('名称'), required: true, trackChanges: true },
          { id: 'notes', key: 'notes', type: 'richText', label: L('备注') },
          { id: 'qty', key: 'qty', type: 'number', integer: true, label: L('数量') },
          { id: 'price', key: 'price', type: 'money', label: L('价格') },
          { id: 'rate', key: 'rate', type: 'percent', label: L('比率') },
          { id: 'active', key: 'active', type: 'boolean', label: L('有效'), default: true },
          { id: 'due', key: 'due', type: 'date', label: L('到期') },
          { id: 'at', key: 'at', type: 'datetime', label: L('时间') },
          {
            id: 'stage',
            key: 'stage',
            type: 'singleSelect',
            label: L('阶段'),
            default: 'a',
            options: [
              { id: 'a', label: L('甲') },
              { id: 'b', label: L('乙') },
            ],
          },
          {
            id: 'tags',
            key: 'tags',
            type: 'multiSelect',
            label: L('标签'),
            options: [
              { id: 'x', label: L('X') },
              { id: 'y', label: L('Y') },
            ],
          },
          { id: 'email', key: 'email', type: 'email', label: L('邮箱') },
          { id: 'mobile', key: 'mobile', type: 'phone', label: L('手机') },
          { id: 'site', key: 'site', type: 'url', label: L('网址') },
          { id: 'rep', key: 'rep', type: 'user', label: L('负责人') },
          { id: 'area', key: 'area', type: 'region', label: L('地区') },
          { id: 'partner', key: 'partner', type: 'reference', target: 'partner', label: L('伙伴') },
          { id: 'lines', key: 'lines', type: 'subTable', childEntity: 'deal_line', label: L('明细') },
        ],
      },
      {
        id: 'memo',
        key: 'memo',
        label: L('备忘'),
        titleField: 'title',
        fields: [
          { id: 'title', key: 'title', type: 'text', label: L('标题'), required: true },
          { id: 'amount', key: 'amount', type: 'money', label: L('金额') },
          { id: 'ratio', key: 'ratio', type: 'percent', scale: 1, label: L('比率') },
          { id: 'count', key: 'count', type: 'number', integer: true, label: L('数量') },
          { id: 'flag', key: 'flag', type: 'boolean', label: L('标记') },
          { id: 'day', key: 'day', type: 'date', label: L('日期') },
          { id: 'at', key: 'at', type: 'datetime', label: L('时间') },
          {
            id: 'tags',
            key: 'tags',
            type: 'multiSelect',
            label: L('标签'),
            options: [
              { id: 'x', label: L('X') },
              { id: 'y', label: L('Y') },
            ],
          },
          { id: 'rep', key: 'rep', type: 'user', label: L('负责人') },
          { id: 'partner', key: 'partner', type: 'reference', target: 'partner', label: L('伙伴') },
          { id: 'area', key: 'area', type: 'region', label: L('地区') },
          {
            id: 'doubled',
            key: 'doubled',
            type: 'formula',
            resultType: 'decimal',
            scale: 3,
            expression: { dec_mul: [{ var: 'amount' }, '2'] },
            label: L('两倍'),
          },
        ],
      },
      {
        id: 'deal_line',
        key: 'dealLine',
        kind: 'child',
        label: L('明细行'),
        fields: [
          { id: 'item', key: 'item', type: 'text', label: L('品名') },
          { id: 'qty', key: 'qty', type: 'number', integer: true, label: L('数量') },
          { id: 'price', key: 'price', type: 'money', label: L('单价') },
          {
            id: 'total',
            key: 'total',
            type: 'formula',
            resultType: 'decimal',
            expression: { dec_mul: [{ var: 'qty' }, { var: 'price' }] },
            label: L('小计'),
          },
        ],
      },
    ],
    flows: [
      {
        id: 'memo_created',
        key: 'memoCreated',
        label: L('新备忘'),
        trigger: { kind: 'recordCreated', entity: 'memo' },
        start: 'mail',
        nodes: [
          { id: 'mail', kind: 'sendEmail', to: 'memo@example.cn', subject: '{{record.title}}', body: 'x' },
        ],
      },
    ],
  };
}

/** A record as the API returns it, without what differs between two creations (ids, the number). */
function comparable(record: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, code: _code, lines, ...rest } = record;
  return {
    ...rest,
    lines: (lines as Array<Record<string, unknown>>).map(({ id: _lineId, ...line }) => line),
  };
}

describe('bulk record writes', () => {
  let fx: HttpFixture;
  let writer: RecordBulkWriter;
  let deal: EntityModel;
  let partner: EntityModel;
  let partnerId: string;
  const payload = () => ({
    name: '华东项目',
    notes: '<p>重点<script>alert(1)</script></p>',
    qty: 3,
    price: '1999.5',
    rate: '12.5',
    due: '2026-04-30',
    at: '2026-03-02T10:30:00+08:00',
    tags: ['x', 'y'],
    email: 'li.lei@example.com',
    mobile: '+86 138-0013-8000',
    site: 'https://example.com',
    rep: fx.adminId,
    area: '310104',
    partner: partnerId,
    lines: [
      { item: '许可', qty: 2, price: '100.10' },
      { item: '服务', qty: 5, price: '80' },
    ],
  });

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(bulkApp());
    const { model } = await fx.app.dougong.store.publishedModel('bulk');
    writer = new RecordBulkWriter(fx.database.db, model);
    deal = model.entitiesById.get('deal')!;
    partner = model.entitiesById.get('partner')!;
    const p = await fx.api('POST', '/api/apps/bulk/entities/partner/records', { name: '伙伴甲' });
    expect(p.status, p.text).toBe(201);
    partnerId = p.body.id;
  });
  afterAll(async () => fx?.close());

  it('writes rows identical to API creates, read back through the records API', async () => {
    const api = await fx.api('POST', DEALS, payload());
    expect(api.status, api.text).toBe(201);
    const [bulkId] = await writer.create(deal, [
      { payload: payload(), actor: { userId: fx.adminId, departmentId: null, now: fx.clock.now() } },
    ]);
    const a = (await fx.api('GET', `${DEALS}/${api.body.id}`)).body;
    const b = (await fx.api('GET', `${DEALS}/${bulkId}`)).body;
    expect(comparable(b)).toEqual(comparable(a));
    expect([a.code, b.code]).toEqual(['D-2026-001', 'D-2026-002']);
    expect(b).toMatchObject({
      createdBy: fx.adminId,
      ownerId: fx.adminId,
      version: 1,
      notes: '<p>重点</p>',
      mobile: '13800138000',
    });
    expect(b.lines.map((l: { total: string }) => l.total)).toEqual(['200.20', '400.00']);

    // The stored rows match column by column (system columns included).
    const rows = await fx.tableRows('bulk', 'deal');
    const raw = (id: string) => {
      const { id: _id, f_code: _code, ...rest } = rows.find((r) => String(r.id) === id)!;
      return rest;
    };
    expect(raw(bulkId!)).toEqual(raw(api.body.id));
    const lines = await fx.tableRows('bulk', 'deal_line');
    const line = (parent: string) =>
      lines
        .filter((r) => String(r.parent_id) === parent)
        .map(({ id: _id, parent_id: _p, ...rest }) => rest)
        .sort((x, y) => Number(x.sort_order) - Number(y.sort_order));
    expect(line(bulkId!)).toEqual(line(api.body.id));

    // History, the field-change log and the duplicate index as the API writes them.
    const history = async (id: string) =>
      ((await fx.api('GET', `${DEALS}/${id}/history`)).body.items as Array<Record<string, unknown>>).map(
        ({ id: _id, changes, ...rest }) => {
          const { code: _code, lines: l, ...other } = changes as Record<string, { after: unknown }>;
          return {
            ...rest,
            changes: other,
            lines: ((l?.after ?? []) as Array<Record<string, unknown>>).map(({ id: _i, ...x }) => x),
          };
        },
      );
    expect(await history(bulkId!)).toEqual(await history(api.body.id));
    const { rows: changes } = await sql<{ record_id: string; new_value: unknown }>`
      select record_id, new_value from dougong.field_changes where app_key = 'bulk' order by id`.execute(
      fx.database.db,
    );
    expect(changes.map((c) => [String(c.record_id), c.new_value])).toEqual([
      [api.body.id, '华东项目'],
      [bulkId, '华东项目'],
    ]);
    const { rows: links } = await sql<{ record_id: string; duplicate_of: string }>`
      select record_id, duplicate_of from dougong.duplicate_links where app_key = 'bulk'`.execute(
      fx.database.db,
    );
    expect(links.map((l) => [String(l.record_id), String(l.duplicate_of)])).toEqual([[bulkId, api.body.id]]);
  });

  it('carries every kind of value on as a read of the stored record gives it', async () => {
    // Without sub-tables the rows are not read back after the insert: history and events are built
    // from the values sent. They must be the values as stored.
    const memo = (await fx.app.dougong.store.publishedModel('bulk')).model.entitiesById.get('memo')!;
    const actor = { userId: fx.adminId, departmentId: null, now: fx.clock.now() };
    const ids = await writer.create(memo, [
      {
        payload: {
          title: '全部',
          amount: '1999.5',
          ratio: '12',
          count: 42,
          flag: false,
          day: '2026-02-28',
          at: '2026-03-02T10:30:00.5+08:00',
          tags: ['y', 'x'],
          rep: fx.adminId.toUpperCase(),
          partner: partnerId,
          area: '310104',
        },
        actor,
      },
      { payload: { title: '负数', amount: '-0.05', ratio: '-7.5', count: -1, flag: true }, actor },
      { payload: { title: '空的' }, actor },
    ]);
    const { rows: events } = await sql<{ record_id: string; payload: unknown }>`
      select record_id, payload from dougong.flow_events where app_key = 'bulk' and entity_id = 'memo'
      order by id`.execute(fx.database.db);
    expect(events.map((e) => String(e.record_id))).toEqual(ids);
    const reads = [];
    for (const [i, id] of ids.entries()) {
      const read = await fx.api('GET', `/api/apps/bulk/entities/memo/records/${id}`);
      expect(read.status, read.text).toBe(200);
      reads.push(read.body);
      const raw = events[i]!.payload;
      const after = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
        sparse: boolean;
        after: Record<string, unknown>;
      };
      // The event holds the record without its empty fields (the dispatcher fills them in again).
      const filled = Object.entries(read.body as Record<string, unknown>).filter(([, v]) => v !== null);
      expect(after.sparse).toBe(true);
      expect(after.after).toEqual(Object.fromEntries(filled));
      const history = (await fx.api('GET', `/api/apps/bulk/entities/memo/records/${id}/history`)).body
        .items as Array<{ changes: Record<string, { after: unknown }> }>;
      for (const [key, change] of Object.entries(history[0]!.changes))
        expect(change.after).toEqual(read.body[key]);
    }
    const [full, negative] = reads;
    expect(full).toMatchObject({ amount: '1999.50', ratio: '12.0', doubled: '3999.000', rep: fx.adminId });
    expect(negative).toMatchObject({ amount: '-0.05', doubled: '-0.100' });
  });

  it('numbers, links and owns a batch as one-by-one creates would', async () => {
    const now = fx.clock.now();
    const ids = await writer.create(deal, [
      { payload: { name: '甲', mobile: '13900000001' }, actor: { userId: fx.adminId, now } },
      { payload: { name: '乙', mobile: '13900000001', ownerId: null }, actor: { userId: fx.adminId, now } },
    ]);
    const [first, second] = await Promise.all(
      ids.map(async (id) => (await fx.api('GET', `${DEALS}/${id}`)).body),
    );
    expect([first.code, second.code]).toEqual(['D-2026-003', 'D-2026-004']);
    expect(second.ownerId).toBeNull();
    expect(first.stage).toBe('a');
    const { rows } = await sql<{ record_id: string; duplicate_of: string }>`
      select record_id, duplicate_of from dougong.duplicate_links where app_key = 'bulk' and record_id = ${ids[1]!}`.execute(
      fx.database.db,
    );
    expect(rows.map((r) => String(r.duplicate_of))).toEqual([ids[0]]);
  });

  it('gives new records and their rows time-ordered ids (UUID version 7), single and bulk alike', async () => {
    const single = (await fx.api('POST', DEALS, payload())).body;
    const now = fx.clock.now();
    const bulk = await writer.create(deal, [
      { payload: payload(), actor: { userId: fx.adminId, now } },
      { payload: payload(), actor: { userId: fx.adminId, now } },
    ]);
    const after = (await fx.api('POST', DEALS, payload())).body;
    const records = [single.id, ...bulk, after.id] as string[];
    const rows = [...single.lines, ...after.lines].map((l: { id: string }) => l.id);
    for (const id of [...records, ...rows])
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    // In the order they were made: new records go to the end of the id indexes.
    expect([...records].sort()).toEqual(records);
    const ms = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms(single.id) - Date.now())).toBeLessThan(60_000);
  });

  it('links two records once, under the first rule they match by, as single creates do', async () => {
    const same = { mobile: '13900000088', email: 'twice@example.com' };
    const older = (await fx.api('POST', DEALS, { name: '旧', ...same })).body.id as string;
    const now = fx.clock.now();
    const ids = await writer.create(deal, [
      { payload: { name: '新一', ...same }, actor: { userId: fx.adminId, now } },
      { payload: { name: '新二', ...same }, actor: { userId: fx.adminId, now } },
    ]);
    const single = (await fx.api('POST', DEALS, { name: '新三', ...same })).body.id as string;
    const { rows } = await sql<{ record_id: string; duplicate_of: string; rule_id: string }>`
      select record_id, duplicate_of, rule_id from dougong.duplicate_links
      where app_key = 'bulk' and record_id = any(cast(${`{${[...ids, single].join(',')}}`} as uuid[]))
      `.execute(fx.database.db);
    const pairs = rows.map((r) => [String(r.record_id), String(r.duplicate_of), r.rule_id].join(' '));
    // Both rules match every pair; each pair is linked once, under the first rule.
    expect(pairs.sort()).toEqual(
      [
        [ids[0], older],
        [ids[1], older],
        [ids[1], ids[0]],
        [single, older],
        [single, ids[0]],
        [single, ids[1]],
      ]
        .map(([a, b]) => `${a} ${b} by_mobile`)
        .sort(),
    );
  });

  it('links new records to live records only: not to deleted ones, again to restored ones', async () => {
    const mobile = '13900000077';
    const made = await Promise.all(
      ['活', '删'].map(async (name) => (await fx.api('POST', DEALS, { name, mobile })).body.id as string),
    );
    const [live, gone] = made as [string, string];
    expect((await fx.api('DELETE', `${DEALS}/${gone}`)).status).toBe(204);
    const now = fx.clock.now();
    const linksOf = async (id: string) =>
      (
        await sql<{ duplicate_of: string }>`select duplicate_of from dougong.duplicate_links
          where app_key = 'bulk' and record_id = ${id} order by duplicate_of`.execute(fx.database.db)
      ).rows.map((r) => String(r.duplicate_of));
    const [first] = await writer.create(deal, [
      { payload: { name: '新一', mobile }, actor: { userId: fx.adminId, now } },
    ]);
    expect(await linksOf(first!)).toEqual([live]);
    expect((await fx.api('POST', `${DEALS}/${gone}/restore`)).status).toBe(200);
    const [second] = await writer.create(deal, [
      { payload: { name: '新二', mobile }, actor: { userId: fx.adminId, now } },
    ]);
    expect(await linksOf(second!)).toEqual([first!, gone, live].sort());
  });

  it('writes nothing when any record is refused, naming the record', async () => {
    const before = await fx.fingerprint('bulk');
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    const refused = async (work: Promise<unknown>) => {
      const error = await work.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DougongError);
      return error as DougongError;
    };
    const invalid = await refused(
      writer.create(deal, [
        { payload: { name: 'ok' }, actor },
        { payload: { name: 'bad', email: 'not-an-email' }, actor },
      ]),
    );
    expect([invalid.code, invalid.details[0]?.path]).toEqual(['VALIDATION_FAILED', '/1/email']);
    const missing = await refused(
      writer.create(deal, [
        { payload: { name: 'x', partner: '00000000-0000-4000-8000-000000000009' }, actor },
      ]),
    );
    expect([missing.code, missing.details[0]?.path]).toEqual(['REFERENCE_NOT_FOUND', '/0/partner']);
    const taken = await refused(writer.create(partner, [{ payload: { name: '伙伴甲' }, actor }]));
    expect([taken.code, taken.details[0]?.path]).toEqual(['UNIQUE_VIOLATION', '/name']);
    expect(await fx.fingerprint('bulk')).toBe(before);
  });

  it('refreshes the planner statistics of a table a large bulk write has grown', async () => {
    // A large import fills a table faster than autovacuum analyses it; plans made for an empty table
    // would turn the import's lookups into scans.
    const estimate = async () =>
      Number(
        (
          await sql<{ n: number }>`select reltuples::float8 as n from pg_class
            where oid = to_regclass(${`${deal.schemaName}.${deal.tableName}`})`.execute(fx.database.db)
        ).rows[0]!.n,
      );
    expect(await estimate()).toBeLessThan(100);
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    await writer.create(
      deal,
      Array.from({ length: 600 }, (_, i) => ({ payload: { name: `批量${i}` }, actor })),
    );
    // The analysis runs after the commit, while the caller goes on.
    await statisticsSettled(fx.database.db);
    expect(await estimate()).toBeGreaterThanOrEqual(600);
    // While the table grows, a sample of 3,000 rows does (a histogram of at most 11 bounds over 600
    // distinct names); once the writes are done, the table is analysed in full (up to 101).
    const bounds = async () =>
      Number(
        (
          await sql<{ n: number }>`select coalesce(array_length(histogram_bounds, 1), 0)::int as n
            from pg_stats where schemaname = ${deal.schemaName} and tablename = ${deal.tableName}
              and attname = ${deal.columnsByKey.get('name')!.column}`.execute(fx.database.db)
        ).rows[0]?.n ?? 0,
      );
    expect(await bounds()).toBeGreaterThan(1);
    expect(await bounds()).toBeLessThanOrEqual(11);
    refineStatistics(fx.database.db);
    await statisticsSettled(fx.database.db);
    expect(await bounds()).toBeGreaterThan(50);
  });

  it('analyses a table before a bulk write when more rows were written since its last analysis', async () => {
    // Statistics taken while a table was nearly empty, with many rows written since by other writers
    // (single creates, another process), made the first batch's duplicate lookups scan the whole index.
    const table = `${partner.schemaName}.${partner.tableName}`;
    const estimate = async () =>
      Number(
        (
          await sql<{ n: number }>`select reltuples::float8 as n from pg_class
            where oid = to_regclass(${table})`.execute(fx.database.db)
        ).rows[0]!.n,
      );
    const name = sql.ref(partner.columnsByKey.get('name')!.column);
    await fx.database.db.connection().execute(async (c) => {
      await sql`analyze ${sql.table(table)}`.execute(c);
      await sql`insert into ${sql.table(table)} (id, created_at, updated_at, ${name})
        select gen_random_uuid(), now(), now(), '其他伙伴' || g from generate_series(1, 600) as g`.execute(c);
      // The server counts the rows (what the check reads); make this connection report them now.
      await sql`select pg_stat_force_next_flush()`.execute(c);
    });
    await sql`select 1`.execute(fx.database.db);
    expect(await estimate()).toBeLessThan(100);
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    await writer.create(partner, [{ payload: { name: '伙伴乙' }, actor }]);
    expect(await estimate()).toBeGreaterThanOrEqual(600);
  });

  it("gives a record handed to someone else that person's department, as a single create does", async () => {
    const identity = new IdentityStore(fx.database.db);
    const team = await identity.createDepartment({ name: '华东组' });
    const rep = await identity.createUser({ login: 'bulk.rep', name: '代表' });
    await identity.setMemberships(rep.id, [{ departmentId: team.id, primary: true }]);
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    const [handed, kept, mine] = await writer.create(deal, [
      { payload: { name: '交给代表', ownerId: rep.id }, actor },
      { payload: { name: '指定部门', ownerId: rep.id, ownerDeptId: null }, actor },
      { payload: { name: '自己的' }, actor: { ...actor, departmentId: team.id } },
    ]);
    const single = await fx.api('POST', DEALS, { name: '单条交给代表', ownerId: rep.id });
    expect(single.status, single.text).toBe(201);
    const read = async (id: string) => (await fx.api('GET', `${DEALS}/${id}`)).body;
    expect((await read(handed!)).ownerDeptId).toBe(team.id);
    expect(single.body.ownerDeptId).toBe(team.id);
    expect((await read(kept!)).ownerDeptId).toBeNull();
    expect((await read(mine!)).ownerDeptId).toBe(team.id);
  });

  it('accepts references to records created later in the same transaction', async () => {
    const partnerId2 = '00000000-0000-4000-8000-0000000000aa';
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    await fx.database.db.transaction().execute(async (trx) => {
      const pending = new Set([partnerId2]);
      await writer.createIn(trx, deal, [{ payload: { name: '先有交易', partner: partnerId2 }, actor }], {
        pending,
      });
      await writer.createIn(trx, partner, [{ id: partnerId2, payload: { name: '后建伙伴' }, actor }], {
        pending,
      });
    });
    const list = await fx.api(
      'GET',
      `${DEALS}?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'name' }, '先有交易'] }))}&expand=partner`,
    );
    expect(list.status, list.text).toBe(200);
    expect(list.body.items[0].partner).toBe(partnerId2);
    expect((await fx.api('GET', `/api/apps/bulk/entities/partner/records/${partnerId2}`)).body.name).toBe(
      '后建伙伴',
    );
  });
});
