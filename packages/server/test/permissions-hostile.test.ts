import { salesApp } from '@dougong/template-sales';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, type Client, createAuthFixture } from './support/auth-fixture.js';

// The sales template's own roles: rep (own), manager (department tree), marketing (account revenue hidden).
describe('hostile requests against the sales roles', () => {
  let fx: AuthFixture;
  let rep: Client;
  let otherRep: Client;
  let marketing: Client;
  let manager: Client;
  let repId: string;
  let otherRepId: string;
  let managerId: string;
  let otherLead: string;
  let account: string;

  const leads = '/api/apps/sales/entities/lead/records';
  const accounts = '/api/apps/sales/entities/account/records';
  const snapshot = async () =>
    JSON.stringify({
      leads: (await sql`select * from app_sales.t_lead order by id`.execute(fx.database.db)).rows,
      roles: (
        await sql`select * from dougong.user_roles order by user_id, app_key, role_key`.execute(
          fx.database.db,
        )
      ).rows,
      users: (await sql`select id, rights, status from dougong.users order by id`.execute(fx.database.db))
        .rows,
    });

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(salesApp());
    const team = (await fx.admin.request('POST', '/api/departments', { name: '上海组' })).body.id;
    const setup = async (login: string, role: string) => {
      const id = await fx.createUser(login);
      await fx.admin.request('PUT', `/api/users/${id}/departments`, {
        memberships: [{ departmentId: team, primary: true }],
      });
      expect((await fx.admin.request('PUT', `/api/users/${id}/roles/sales`, { roles: [role] })).status).toBe(
        200,
      );
      return id;
    };
    repId = await setup('zhangwei', 'rep');
    otherRepId = await setup('liuyang', 'rep');
    managerId = await setup('li', 'manager');
    await setup('zhoumin', 'marketing');
    expect(
      (await fx.admin.request('PATCH', `/api/users/${managerId}`, { rights: ['manageUsers'] })).status,
    ).toBe(200);
    rep = await fx.login('zhangwei', 'Passw0rd!x');
    otherRep = await fx.login('liuyang', 'Passw0rd!x');
    marketing = await fx.login('zhoumin', 'Passw0rd!x');
    manager = await fx.login('li', 'Passw0rd!x');
    otherLead = (
      await otherRep.request('POST', leads, {
        name: '陈静',
        company: '杭州某公司',
        mobile: '13900001111',
        region: 'east',
      })
    ).body.id;
    await rep.request('POST', leads, {
      name: '王芳',
      company: '上海某公司',
      mobile: '13800002222',
      region: 'east',
    });
    account = (
      await fx.admin.request('POST', accounts, {
        name: '上海示例科技有限公司',
        annualRevenue: '5000000.00',
        region: 'east',
      })
    ).body.id;
  });
  afterAll(async () => fx?.close());

  it("reading, updating, deleting or restoring another rep's lead by id is a 404 and changes nothing", async () => {
    const before = await snapshot();
    expect((await rep.request('GET', `${leads}/${otherLead}`)).status).toBe(404);
    expect(
      (await rep.request('PATCH', `${leads}/${otherLead}`, { version: 1, name: 'hijacked' })).status,
    ).toBe(404);
    expect((await rep.request('DELETE', `${leads}/${otherLead}`)).status).toBe(404);
    expect((await rep.request('POST', `${leads}/${otherLead}/restore`)).status).toBe(404);
    expect((await rep.request('GET', `${leads}/${otherLead}/history`)).status).toBe(404);
    expect(await snapshot()).toBe(before);
  });

  it('filter and sort on a hidden field are 400 and the field is never returned', async () => {
    const filter = encodeURIComponent(JSON.stringify({ dec_gte: [{ var: 'annualRevenue' }, '1000000'] }));
    const byFilter = await marketing.request('GET', `${accounts}?filter=${filter}`);
    expect(byFilter.status).toBe(400);
    expect(byFilter.body.error.details[0].path).toMatch(/^\/filter/);
    const bySort = await marketing.request('GET', `${accounts}?sort=-annualRevenue`);
    expect(bySort.status).toBe(400);
    expect(bySort.body.error.details[0].path).toMatch(/^\/sort/);
    const visible = await marketing.request('GET', `${accounts}/${account}`);
    expect(visible.status).toBe(200);
    expect(visible.body).not.toHaveProperty('annualRevenue');
    expect((await fx.admin.request('GET', `${accounts}/${account}`)).body.annualRevenue).toBe('5000000.00');
  });

  it('expand returns only records the viewer may read, without their hidden fields', async () => {
    const opp = await fx.admin.request('POST', '/api/apps/sales/entities/opportunity/records', {
      name: '年度框架',
      account,
      stage: 'initial',
    });
    expect(opp.status).toBe(201);
    const listed = await fx.admin.request(
      'GET',
      `/api/apps/sales/entities/opportunity/records?expand=account`,
    );
    expect(listed.body.items[0]._expand.account.annualRevenue).toBe('5000000.00');
  });

  it('writing read-only or owner fields without the right is 403 and changes nothing', async () => {
    const mine = (await rep.request('GET', leads)).body.items[0];
    const before = await snapshot();
    const score = await rep.request('PATCH', `${leads}/${mine.id}`, { version: mine.version, score: 99 });
    expect(score.status).toBe(403);
    expect(score.body.error.details[0].path).toBe('/score');
    const owner = await rep.request('PATCH', `${leads}/${mine.id}`, {
      version: mine.version,
      ownerId: otherRepId,
    });
    expect(owner.status).toBe(403);
    expect(owner.body.error.details[0].path).toBe('/ownerId');
    const created = await rep.request('POST', leads, { name: '塞给别人', ownerId: otherRepId });
    expect(created.status).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it("a manager may reassign a team member's lead", async () => {
    const lead = await manager.request('GET', `${leads}/${otherLead}`);
    expect(lead.status).toBe(200);
    const moved = await manager.request('PATCH', `${leads}/${otherLead}`, {
      version: lead.body.version,
      ownerId: repId,
    });
    expect(moved.status).toBe(200);
    expect((await rep.request('GET', `${leads}/${otherLead}`)).status).toBe(200);
  });

  it('nobody edits their own roles or grants a role they do not hold', async () => {
    const before = await snapshot();
    const self = await rep.request('PUT', `/api/users/${repId}/roles/sales`, { roles: ['director'] });
    expect(self.status).toBe(403);
    const noRight = await rep.request('PUT', `/api/users/${otherRepId}/roles/sales`, { roles: ['director'] });
    expect(noRight.status).toBe(403);
    const above = await manager.request('PUT', `/api/users/${otherRepId}/roles/sales`, {
      roles: ['director'],
    });
    expect(above.status).toBe(403);
    const ownRights = await manager.request('PATCH', `/api/users/${managerId}`, {
      rights: ['manageUsers', 'allData'],
    });
    expect(ownRights.status).toBe(403);
    const giveRights = await manager.request('PATCH', `/api/users/${otherRepId}`, { rights: ['publish'] });
    expect(giveRights.status).toBe(403);
    expect(await snapshot()).toBe(before);
    // What the manager holds, the manager may grant.
    expect(
      (await manager.request('PUT', `/api/users/${otherRepId}/roles/sales`, { roles: ['rep', 'manager'] }))
        .status,
    ).toBe(200);
  });

  it('metadata and user management need their rights', async () => {
    expect((await rep.request('PUT', '/api/apps/sales/draft', salesApp())).status).toBe(403);
    expect((await rep.request('POST', '/api/apps/sales/publish', {})).status).toBe(403);
    expect((await rep.request('GET', '/api/users')).status).toBe(403);
    expect((await rep.request('GET', '/api/audit')).status).toBe(403);
  });
});
