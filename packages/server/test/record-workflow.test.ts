import { scoreRecord } from '@dougong/rules';
import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, type AuthFixture, type Client, createAuthFixture } from './support/auth-fixture.js';

// A small recruiting-style app, unrelated to sales: the capabilities are general.
const L = (en: string) => ({ en });
const scoring = {
  attributes: [
    { id: 'cto', label: L('CTO'), condition: { contains: [{ var: 'title' }, 'CTO'] }, points: 20 },
  ],
  behaviours: [
    {
      id: 'downloads',
      label: L('Downloads'),
      eventType: 'download',
      points: 10,
      decay: { kind: 'exponential' as const, halfLifeDays: 10 },
    },
  ],
  grades: [{ grade: 'A', min: 25 }],
  lowestGrade: 'B',
};

const doc: AppDocument = {
  schemaVersion: 1,
  key: 'hire',
  label: L('Hiring'),
  timeZone: 'Asia/Shanghai',
  entities: [
    {
      id: 'prospect',
      key: 'prospect',
      label: L('Prospect'),
      titleField: 'name',
      fields: [
        { id: 'name', key: 'name', type: 'text', label: L('Name'), required: true },
        { id: 'company', key: 'company', type: 'text', label: L('Company') },
        { id: 'title', key: 'title', type: 'text', label: L('Title') },
        { id: 'mobile', key: 'mobile', type: 'phone', label: L('Mobile') },
        {
          id: 'status',
          key: 'status',
          type: 'singleSelect',
          label: L('Status'),
          default: 'open',
          options: [
            { id: 'open', label: L('Open') },
            { id: 'won', label: L('Won') },
          ],
        },
        {
          id: 'stage',
          key: 'stage',
          type: 'singleSelect',
          label: L('Stage'),
          default: 'fresh',
          trackChanges: true,
          options: [
            { id: 'fresh', label: L('Fresh'), defaults: { probability: '5' } },
            {
              id: 'qualify',
              label: L('Qualify'),
              description: L('Budget known'),
              requires: ['budget'],
              defaults: { probability: '30' },
            },
            { id: 'closed', label: L('Closed'), requires: ['budget', 'report'] },
          ],
        },
        { id: 'probability', key: 'probability', type: 'percent', label: L('Probability') },
        { id: 'budget', key: 'budget', type: 'money', label: L('Budget') },
        { id: 'report', key: 'report', type: 'longText', label: L('Report') },
        { id: 'score', key: 'score', type: 'number', precision: 8, scale: 2, label: L('Score') },
        { id: 'grade', key: 'grade', type: 'text', label: L('Grade') },
        { id: 'won_deal', key: 'wonDeal', type: 'reference', target: 'deal', label: L('Deal') },
      ],
      pool: { claimLimitPerDay: 2, onClaim: { status: 'open' } },
      scoring: { model: scoring, scoreField: 'score', gradeField: 'grade' },
      conversions: [
        {
          id: 'hire',
          label: L('Hire'),
          when: { '==': [{ var: 'source.status' }, 'open'] },
          targets: [
            {
              id: 'client',
              entity: 'client',
              match: { field: 'name', value: { var: 'source.company' }, normalize: 'companyName' },
              values: { name: { var: 'source.company' } },
            },
            {
              id: 'deal',
              entity: 'deal',
              values: {
                title: { cat: [{ var: 'source.name' }, ' @ ', { var: 'source.company' }] },
                client: { var: 'targets.client.id' },
                prospect: { var: 'source.id' },
              },
            },
          ],
          relink: [{ entity: 'note', field: 'prospect', values: { client: { var: 'targets.client.id' } } }],
          update: { status: 'won', wonDeal: { var: 'targets.deal.id' } },
        },
      ],
    },
    {
      id: 'client',
      key: 'client',
      label: L('Client'),
      titleField: 'name',
      fields: [{ id: 'name', key: 'name', type: 'text', label: L('Name'), required: true, unique: true }],
    },
    {
      id: 'deal',
      key: 'deal',
      label: L('Deal'),
      titleField: 'title',
      fields: [
        { id: 'title', key: 'title', type: 'text', label: L('Title'), required: true },
        {
          id: 'client',
          key: 'client',
          type: 'reference',
          target: 'client',
          label: L('Client'),
          required: true,
        },
        { id: 'prospect', key: 'prospect', type: 'reference', target: 'prospect', label: L('Prospect') },
      ],
    },
    {
      id: 'note',
      key: 'note',
      label: L('Note'),
      titleField: 'text',
      fields: [
        { id: 'text', key: 'text', type: 'text', label: L('Text'), required: true },
        { id: 'prospect', key: 'prospect', type: 'reference', target: 'prospect', label: L('Prospect') },
        { id: 'client', key: 'client', type: 'reference', target: 'client', label: L('Client') },
      ],
    },
  ],
  roles: [
    {
      key: 'agent',
      label: L('Agent'),
      grants: [
        { entity: 'prospect', actions: ['create', 'read', 'update', 'claim'], scope: 'own' },
        { entity: 'client', actions: ['create', 'read'], scope: 'own' },
        { entity: 'deal', actions: ['create', 'read'], scope: 'own' },
        { entity: 'note', actions: ['create', 'read'], scope: 'own' },
      ],
    },
    {
      key: 'noClient',
      label: L('No clients'),
      grants: [
        { entity: 'prospect', actions: ['create', 'read', 'update'], scope: 'own' },
        { entity: 'client', actions: ['read'], scope: 'own' },
        { entity: 'deal', actions: ['create', 'read'], scope: 'own' },
      ],
    },
    { key: 'viewer', label: L('Viewer'), grants: [{ entity: 'prospect', actions: ['read'], scope: 'own' }] },
  ],
};

const base = '/api/apps/hire/entities';

describe('record workflow: pool and claims, stage gates, field-change log, conversions, events and scores', () => {
  let fx: AuthFixture;
  let admin: Client;
  const users: Record<string, Client> = {};
  const LOGINS = ['ann', 'bob', 'cat', 'dan', 'vic'];
  // Sessions idle out after 30 minutes of (test clock) time: sign in again after moving the clock.
  const tick = async (ms: number) => {
    fx.clock.tick(ms);
    admin = await fx.login('admin', ADMIN_PASSWORD);
    for (const login of LOGINS) users[login] = await fx.login(login, 'Passw0rd!x');
  };

  const state = async () => {
    const db = fx.database.db;
    const tables: Record<string, unknown> = {};
    for (const t of ['prospect', 'client', 'deal', 'note'])
      tables[t] = (await sql`select * from app_hire.${sql.id(`t_${t}`)} order by id`.execute(db)).rows;
    for (const t of ['record_history', 'field_changes', 'pool_claim_counts', 'record_events'])
      tables[t] = (await sql`select count(*)::int as n from dougong.${sql.id(t)}`.execute(db)).rows;
    return JSON.stringify(tables);
  };
  const create = async (values: Record<string, unknown>, as: Client = admin) => {
    const res = await as.request('POST', `${base}/prospect/records`, values);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; version: number } & Record<string, unknown>;
  };

  beforeAll(async () => {
    fx = await createAuthFixture();
    admin = fx.admin;
    await fx.publish(doc);
    for (const [login, role] of [
      ['ann', 'agent'],
      ['bob', 'agent'],
      ['cat', 'agent'],
      ['dan', 'noClient'],
      ['vic', 'viewer'],
    ] as const) {
      const id = await fx.createUser(login);
      const roles = await admin.request('PUT', `/api/users/${id}/roles/hire`, { roles: [role] });
      expect(roles.status).toBe(200);
      users[login] = await fx.login(login, 'Passw0rd!x');
    }
  });
  afterAll(async () => fx?.close());

  it('pool records are readable by roles granted claim, whatever their row scope; others see none', async () => {
    const pooled = await create({ name: 'Pooled', ownerId: null });
    const owned = await create({ name: 'Owned by admin' });
    const list = async (who: Client, path = 'records') =>
      ((await who.request('GET', `${base}/prospect/${path}`)).body.items ?? []).map(
        (r: { id: string }) => r.id,
      );
    expect(await list(users.ann!)).toContain(pooled.id);
    expect(await list(users.ann!)).not.toContain(owned.id);
    expect(await list(users.vic!)).toEqual([]);
    const pool = await users.ann!.request('GET', `${base}/prospect/pool`);
    expect(pool.status).toBe(200);
    expect(pool.body).toMatchObject({ claimsToday: 0, claimLimitPerDay: 2 });
    expect(pool.body.items.map((r: { id: string }) => r.id)).toEqual([pooled.id]);
    expect((await users.vic!.request('GET', `${base}/prospect/pool`)).status).toBe(403);
    // Reading is not updating: a pool record is not the agent's to edit until claimed.
    const patch = await users.ann!.request('PATCH', `${base}/prospect/records/${pooled.id}`, {
      version: pooled.version,
      title: 'x',
    });
    expect(patch.status).toBe(403);
  });

  it('two agents claim the same record: one wins, the other gets 409; the database shows one claim', async () => {
    const target = await create({ name: 'Contested', ownerId: null });
    const [a, b] = await Promise.all([
      users.ann!.request('POST', `${base}/prospect/records/${target.id}/claim`),
      users.bob!.request('POST', `${base}/prospect/records/${target.id}/claim`),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = a.status === 200 ? users.ann! : users.bob!;
    const loser = a.status === 200 ? b : a;
    expect(loser.body.error).toMatchObject({ code: 'CONFLICT', details: [{ path: '/ownerId' }] });
    const stored = await admin.request('GET', `${base}/prospect/records/${target.id}`);
    expect(stored.body).toMatchObject({ ownerId: winner.userId, status: 'open' });
    const history = await admin.request('GET', `${base}/prospect/records/${target.id}/history`);
    expect(history.body.items.filter((h: { action: string }) => h.action === 'update')).toHaveLength(1);
    // The claimed record left the pool and is the winner's to edit now.
    const edit = await winner.request('PATCH', `${base}/prospect/records/${target.id}`, {
      version: stored.body.version,
      title: 'mine',
    });
    expect(edit.status).toBe(200);
  });

  it('the daily claim limit holds under concurrent claims (429, nothing written) and resets the next local day', async () => {
    const pool = [];
    for (let i = 0; i < 4; i++) pool.push(await create({ name: `Pool ${i}`, ownerId: null }));
    const before = await state();
    const results = await Promise.all(
      pool.map((p) => users.cat!.request('POST', `${base}/prospect/records/${p.id}/claim`)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429, 429]);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: [{ path: '/claimLimitPerDay' }],
      claimLimitPerDay: 2,
    });
    const claimedIds = pool.filter((_, i) => results[i]!.status === 200).map((p) => p.id);
    const owners = await sql<{
      id: string;
      owner_id: string | null;
    }>`select id, owner_id from app_hire.t_prospect
      where id = any(cast(${`{${pool.map((p) => p.id).join(',')}}`} as uuid[]))`.execute(fx.database.db);
    for (const row of owners.rows)
      expect(row.owner_id).toBe(claimedIds.includes(String(row.id)) ? users.cat!.userId : null);
    expect(before).not.toBe(await state());
    const afterRefusal = await state();
    const again = await users.cat!.request(
      'POST',
      `${base}/prospect/records/${pool.find((p) => !claimedIds.includes(p.id))!.id}/claim`,
    );
    expect(again.status).toBe(429);
    expect(await state()).toBe(afterRefusal);
    // 2026-03-01T02:00Z is 10:00 in Shanghai; 14 hours later it is the next local day.
    await tick(14 * 3_600_000);
    const nextDay = await users.cat!.request(
      'POST',
      `${base}/prospect/records/${pool.find((p) => !claimedIds.includes(p.id))!.id}/claim`,
    );
    expect(nextDay.status).toBe(200);
    expect(nextDay.body).toMatchObject({ claimsToday: 1, claimLimitPerDay: 2 });
  });

  it('stage gates: entering a gated option needs its fields (422 with pointers, nothing written); defaults apply unless edited', async () => {
    const p = await create({ name: 'Gated', company: 'X' }, users.ann!);
    expect(p).toMatchObject({ stage: 'fresh', probability: '5.00' });
    const before = await state();
    const blocked = await users.ann!.request('PATCH', `${base}/prospect/records/${p.id}`, {
      version: p.version,
      stage: 'closed',
    });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error).toMatchObject({
      code: 'UNPROCESSABLE',
      details: [
        { path: '/budget', message: 'is required to enter “Closed”' },
        { path: '/report', message: 'is required to enter “Closed”' },
      ],
    });
    expect(await state()).toBe(before);
    fx.clock.tick(60_000);
    const qualified = await users.ann!.request('PATCH', `${base}/prospect/records/${p.id}`, {
      version: p.version,
      stage: 'qualify',
      budget: '1000.00',
    });
    expect(qualified.status, JSON.stringify(qualified.body)).toBe(200);
    expect(qualified.body).toMatchObject({ stage: 'qualify', probability: '30.00' });
    // Staying on the option: an edit of the probability stands, and the gate is not re-checked.
    const edited = await users.ann!.request('PATCH', `${base}/prospect/records/${p.id}`, {
      version: qualified.body.version,
      probability: '40',
    });
    expect(edited.body).toMatchObject({ stage: 'qualify', probability: '40.00' });
    // Entering with an explicit probability keeps it.
    fx.clock.tick(60_000);
    const closed = await users.ann!.request('PATCH', `${base}/prospect/records/${p.id}`, {
      version: edited.body.version,
      stage: 'closed',
      report: 'done',
      probability: '90',
    });
    expect(closed.body).toMatchObject({ stage: 'closed', probability: '90.00' });

    const log = await users.ann!.request('GET', `${base}/prospect/field-changes?field=stage&record=${p.id}`);
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect(
      log.body.items.map((c: { oldValue: unknown; newValue: unknown }) => [c.oldValue, c.newValue]),
    ).toEqual([
      [null, 'fresh'],
      ['fresh', 'qualify'],
      ['qualify', 'closed'],
    ]);
    expect(log.body.items[2].at).toBe('2026-03-02T00:02:00.000+08:00');
    expect(log.body.items[2]).toMatchObject({ field: 'stage', actor: users.ann!.userId });
    // Outside the caller's read scope the log shows nothing; untracked fields are refused.
    expect(
      (await users.bob!.request('GET', `${base}/prospect/field-changes?record=${p.id}`)).body.items,
    ).toEqual([]);
    const untracked = await users.ann!.request('GET', `${base}/prospect/field-changes?field=budget`);
    expect(untracked.status).toBe(400);
    expect(untracked.body.error.details).toEqual([
      { path: '/field', message: 'is not a tracked field of this entity' },
    ]);
  });

  it('converts in one step, matching an existing client by normalised company name; dry run writes nothing', async () => {
    const existing = await admin.request('POST', `${base}/client/records`, {
      name: '上海华东机械股份有限公司',
    });
    expect(existing.status).toBe(201);
    const p = await create({ name: '张伟', company: '上海 华东 机械有限公司' }, users.ann!);
    const note = await users.ann!.request('POST', `${base}/note/records`, {
      text: 'met at fair',
      prospect: p.id,
    });
    const before = await state();
    const dry = await users.ann!.request('POST', `${base}/prospect/records/${p.id}/convert/hire`, {
      dryRun: true,
    });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      targets: { client: { matched: true, created: false, id: existing.body.id }, deal: { created: true } },
      relinked: { note: 1 },
      source: { status: 'won' },
    });
    expect(await state()).toBe(before);

    const done = await users.ann!.request('POST', `${base}/prospect/records/${p.id}/convert/hire`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const dealId = done.body.targets.deal.id;
    expect(done.body.source).toMatchObject({ status: 'won', wonDeal: dealId });
    const deal = await users.ann!.request('GET', `${base}/deal/records/${dealId}`);
    expect(deal.body).toMatchObject({ client: existing.body.id, prospect: p.id, ownerId: users.ann!.userId });
    const clients = await admin.request('GET', `${base}/client/records`);
    expect(clients.body.items).toHaveLength(1);
    const moved = await admin.request('GET', `${base}/note/records/${note.body.id}`);
    expect(moved.body).toMatchObject({ prospect: p.id, client: existing.body.id });
    // Converted already: the conversion's condition no longer holds.
    const twice = await users.ann!.request('POST', `${base}/prospect/records/${p.id}/convert/hire`, {});
    expect(twice.status).toBe(422);
  });

  it('checks the caller’s right to create each target (403, nothing written) and 404s outside the scope', async () => {
    const p = await create({ name: 'Li', company: '全新公司' }, users.dan!);
    const before = await state();
    const denied = await users.dan!.request('POST', `${base}/prospect/records/${p.id}/convert/hire`, {});
    expect(denied.status).toBe(403);
    expect(await state()).toBe(before);
    const foreign = await users.bob!.request('POST', `${base}/prospect/records/${p.id}/convert/hire`, {});
    expect(foreign.status).toBe(404);
    expect(
      (await users.dan!.request('POST', `${base}/prospect/records/${p.id}/convert/nope`, {})).status,
    ).toBe(404);
  });

  it('stores behaviour events per record and scores them live with decay at the clock’s now', async () => {
    const p = await create({ name: 'Scored', title: 'CTO' }, users.ann!);
    const posted = await users.ann!.request('POST', `${base}/prospect/records/${p.id}/events`, {
      type: 'download',
      data: { file: 'brochure.pdf' },
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(
      (await users.bob!.request('POST', `${base}/prospect/records/${p.id}/events`, { type: 'download' }))
        .status,
    ).toBe(404);
    expect(
      (await users.ann!.request('POST', `${base}/prospect/records/${p.id}/events`, { type: '1bad' })).body
        .error.details,
    ).toEqual([{ path: '/type', message: 'must be a letter then letters, digits, _ . or - (up to 63)' }]);
    const events = await users.ann!.request('GET', `${base}/prospect/records/${p.id}/events`);
    expect(events.body.items).toMatchObject([{ type: 'download', data: { file: 'brochure.pdf' } }]);
    const now = fx.clock.now();
    const score = await users.ann!.request('GET', `${base}/prospect/records/${p.id}/score`);
    expect(score.body).toMatchObject({ total: 30, grade: 'A', summary: 'CTO +20；Downloads ×1 +10' });
    await tick(10 * 86_400_000);
    const later = await users.ann!.request('GET', `${base}/prospect/records/${p.id}/score`);
    const expected = scoreRecord(scoring, { title: 'CTO' }, [{ type: 'download', at: now.toISOString() }], {
      now: fx.clock.now(),
      timeZone: 'Asia/Shanghai',
    });
    expect(later.body).toMatchObject({ total: expected.total, grade: expected.grade });
    expect(expected.total).toBe(25);
  });
});
