import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminSession, chromiumPath, type E2eFixture, startE2e } from './support/e2e-fixture.js';

const hasChromium = Boolean(chromiumPath());
const REP = { username: 'zhangwei', password: 'Rep-pass-2026' };
const leads = '/api/apps/sales/entities/lead/records';

/** Drags with the mouse as a finger would: press, move in small steps, release over the target point. */
async function drag(page: Page, card: Locator, to: { x: number; y: number }) {
  const box = (await card.boundingBox())!;
  const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 10, from.y, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 15 });
  await page.mouse.up();
}

describe.skipIf(!hasChromium)("a sales rep's day at phone width (375 × 812)", () => {
  let fx: E2eFixture;
  let repId: string;
  let accountId: string;
  let leadId: string;
  let otherLeadId: string;

  const api: AdminSession['request'] = (...args) => fx.admin.request(...args);

  beforeAll(async () => {
    fx = await startE2e();
    // A rep in the Shanghai team.
    const team = await api('POST', '/api/departments', { name: '上海组' });
    expect(team.status).toBe(201);
    const user = await api('POST', '/api/users', {
      login: REP.username,
      name: '张伟',
      password: REP.password,
    });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    repId = user.body.id;
    expect(
      (
        await api('PUT', `/api/users/${repId}/departments`, {
          memberships: [{ departmentId: team.body.id, primary: true }],
        })
      ).status,
    ).toBe(200);
    expect((await api('PUT', `/api/users/${repId}/roles/sales`, { roles: ['rep'] })).status).toBe(200);
    // The rep's existing customer, and a lead from the same company waiting in the pool.
    const account = await api('POST', '/api/apps/sales/entities/account/records', {
      name: '上海华东机械有限公司',
      region: 'east',
      ownerId: repId,
    });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    accountId = account.body.id;
    const lead = await api('POST', leads, {
      name: '周杰',
      company: '上海华东机械',
      mobile: '13812345678',
      region: 'east',
      status: 'pool',
      source: 'manual',
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    leadId = lead.body.id;
    const pooled = await api('PATCH', `${leads}/${leadId}`, { version: lead.body.version, ownerId: null });
    expect(pooled.status, JSON.stringify(pooled.body)).toBe(200);
    expect(pooled.body.ownerId).toBeNull();
    const other = await api('POST', leads, { name: '吴磊', company: '南京远航物流', source: 'manual' });
    otherLeadId = other.body.id;
    expect(
      (await api('PATCH', `${leads}/${otherLeadId}`, { version: other.body.version, ownerId: null })).status,
    ).toBe(200);
  }, 180_000);

  afterAll(async () => fx?.close());

  it('claims a lead from the pool, logs a follow-up, converts it and moves the deal on the board', async () => {
    const page = await fx.newPage(375, 812);
    await fx.signIn(page, REP);

    // The pool: linked from the lead list because the entity declares a pool.
    await page.goto(`${fx.baseUrl}/apps/sales/lead`);
    await page.getByTestId('pool-link').click();
    await page.waitForURL(/\/apps\/sales\/lead\/pool$/);
    await expect.poll(() => page.getByTestId('pool-today').textContent()).toBe('今日已领取 0 / 10');
    const item = page.getByTestId(`pool-${leadId}`);
    await item.waitFor();
    await fx.screenshot(page, 'rep-day-01-pool');
    // Someone else takes 吴磊 while the rep looks at the pool: the claim is refused and says so.
    const stale = await api('GET', `${leads}/${otherLeadId}`);
    expect(
      (
        await api('PATCH', `${leads}/${otherLeadId}`, {
          version: stale.body.version,
          ownerId: fx.admin.userId,
        })
      ).status,
    ).toBe(200);
    await page.getByTestId(`pool-${otherLeadId}`).getByRole('button', { name: '领取 吴磊' }).click();
    await expect.poll(() => page.getByTestId('pool-error').textContent()).toBe('该记录已被他人领取');
    await expect.poll(() => page.getByTestId(`pool-${otherLeadId}`).count()).toBe(0);
    expect(await page.getByTestId('pool-today').textContent()).toBe('今日已领取 0 / 10');
    expect((await api('GET', `${leads}/${otherLeadId}`)).body.ownerId).toBe(fx.admin.userId);
    await item.getByRole('button', { name: '领取 周杰' }).click();
    await expect.poll(() => page.getByTestId('pool-claimed').textContent()).toContain('已领取「周杰」');
    await expect.poll(() => page.getByTestId('pool-today').textContent()).toBe('今日已领取 1 / 10');
    expect(await item.count()).toBe(0);
    const claimed = await api('GET', `${leads}/${leadId}`);
    expect(claimed.body).toMatchObject({ ownerId: repId, status: 'new' });
    await fx.screenshot(page, 'rep-day-02-claimed');

    // The lead: score breakdown, then a follow-up logged from its related list.
    await page.getByTestId('pool-open-claimed').click();
    await page.waitForURL(new RegExp(`/apps/sales/lead/${leadId}$`));
    await page.getByTestId('score-panel').waitFor();
    await page.getByTestId('related-new-followUp.lead').click();
    await page.waitForURL(/\/apps\/sales\/followUp\/new\?/);
    await expect.poll(() => page.getByLabel('线索', { exact: true }).inputValue()).toBe(leadId);
    await page.getByLabel('摘要', { exact: true }).fill('电话沟通采购计划');
    await page.getByLabel('方式', { exact: true }).selectOption({ label: '电话' });
    await fx.screenshot(page, 'rep-day-03-follow-up');
    await page.getByTestId('save').click();
    await page.waitForURL(new RegExp(`/apps/sales/lead/${leadId}$`));
    await expect
      .poll(() => page.getByTestId('related-followUp.lead').textContent())
      .toContain('电话沟通采购计划');

    // Conversion: the preview names the existing account it will use, then the deal opens.
    await page.getByTestId('convert-to_customer').click();
    const preview = page.getByTestId('convert-preview');
    await preview.waitFor();
    expect(await preview.getByTestId('convert-target-account').textContent()).toBe(
      '匹配已有客户「上海华东机械有限公司」',
    );
    expect(await preview.getByTestId('convert-target-opportunity').textContent()).toContain('将新建商机');
    // The preview kept nothing.
    expect((await api('GET', `${leads}/${leadId}`)).body.status).toBe('new');
    await fx.screenshot(page, 'rep-day-04-convert-preview');
    await page.getByTestId('convert-confirm').click();
    await page.waitForURL(/\/apps\/sales\/opportunity\/[0-9a-f-]{36}$/);
    const dealId = page.url().split('/').pop()!;
    const deal = await api('GET', `/api/apps/sales/entities/opportunity/records/${dealId}`);
    expect(deal.body).toMatchObject({
      account: accountId,
      sourceLead: leadId,
      stage: 'initial',
      ownerId: repId,
    });
    expect((await api('GET', `${leads}/${leadId}`)).body).toMatchObject({
      status: 'converted',
      convertedAccount: accountId,
      convertedOpportunity: dealId,
    });
    const followUps = await api(
      'GET',
      `/api/apps/sales/entities/followUp/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'lead' }, leadId] }))}`,
    );
    expect(followUps.body.items).toHaveLength(1);
    expect(followUps.body.items[0]).toMatchObject({ opportunity: dealId, account: accountId });

    // The pipeline board: drag the deal from 初步接洽 to 需求分析.
    await page.goto(`${fx.baseUrl}/apps/sales/opportunity`);
    await page.getByTestId('kanban-link').click();
    await page.waitForURL(/\/kanban\/stage$/);
    const card = page.getByTestId(`card-${dealId}`);
    await page.getByTestId('column-initial').getByTestId(`card-${dealId}`).waitFor();
    const needs = (await page.getByTestId('column-needs').boundingBox())!;
    expect(needs.x).toBeLessThan(375);
    await drag(page, card, { x: Math.min(needs.x + 30, 365), y: needs.y + 40 });
    await page.getByTestId('column-needs').getByTestId(`card-${dealId}`).waitFor();
    await expect
      .poll(async () => (await api('GET', `/api/apps/sales/entities/opportunity/records/${dealId}`)).body)
      .toMatchObject({ stage: 'needs', probability: '25.00' });
    await expect.poll(() => page.getByTestId('count-needs').textContent()).toBe('1 条');
    await fx.screenshot(page, 'rep-day-05-moved');

    // 方案报价 needs the needs-analysis report: the move is refused, named, and the card stays.
    await page.getByTestId('column-needs').evaluate((el) => el.scrollIntoView({ inline: 'start' }));
    const proposal = (await page.getByTestId('column-proposal').boundingBox())!;
    expect(proposal.x).toBeLessThan(375);
    await drag(page, page.getByTestId('column-needs').getByTestId(`card-${dealId}`), {
      x: Math.min(proposal.x + 30, 365),
      y: proposal.y + 40,
    });
    await expect
      .poll(() => page.getByTestId('kanban-refusal').textContent())
      .toBe('不能进入「方案报价」：请先填写 需求分析报告');
    await page.getByTestId('column-needs').getByTestId(`card-${dealId}`).waitFor();
    expect(await page.getByTestId('column-proposal').getByTestId(`card-${dealId}`).count()).toBe(0);
    await expect.poll(() => page.getByTestId('count-proposal').textContent()).toBe('0 条');
    expect((await api('GET', `/api/apps/sales/entities/opportunity/records/${dealId}`)).body.stage).toBe(
      'needs',
    );
    await fx.screenshot(page, 'rep-day-06-gate-refused');
    await page.context().close();
  }, 180_000);

  it('reviews a suspected duplicate customer and merges it field by field', async () => {
    const other = await api('POST', '/api/apps/sales/entities/account/records', {
      name: '上海 华东机械股份有限公司',
      phone: '021-55551234',
      region: 'east',
    });
    expect(other.status).toBe(201);
    const page = await fx.newPage(375, 812);
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/account/${accountId}`);
    const panel = page.getByTestId('duplicates-panel');
    await expect.poll(() => panel.textContent()).toContain('上海 华东机械股份有限公司');
    await panel.getByRole('button', { name: '合并到本记录' }).click();
    const dialog = page.getByTestId('merge-dialog');
    await dialog.waitFor();
    // The survivor has no phone: the other's is proposed; the name stays the survivor's unless chosen.
    expect(await dialog.getByRole('radio', { name: '021-55551234' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('radio', { name: '上海华东机械有限公司' }).isChecked()).toBe(true);
    await fx.screenshot(page, 'rep-day-07-merge');
    await dialog.getByTestId('merge-confirm').click();
    await expect.poll(() => panel.count()).toBe(0);
    const kept = await api('GET', `/api/apps/sales/entities/account/records/${accountId}`);
    expect(kept.body).toMatchObject({ name: '上海华东机械有限公司', phone: '021-55551234' });
    expect((await api('GET', `/api/apps/sales/entities/account/records/${other.body.id}`)).status).toBe(404);
    await page.context().close();
  }, 120_000);
});
