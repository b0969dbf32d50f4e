import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminSession, chromiumPath, type E2eFixture, startE2e } from './support/e2e-fixture.js';

const hasChromium = Boolean(chromiumPath());
if (!hasChromium)
  console.warn('Browser tests skipped: no Chromium (install Debian chromium, or set CHROMIUM_PATH).');

describe.skipIf(!hasChromium)('runtime web app in headless Chromium', () => {
  let fx: E2eFixture;

  const api: AdminSession['request'] = (...args) => fx.admin.request(...args);

  beforeAll(async () => {
    fx = await startE2e();
    const leads = [
      ['张伟', '上海示例科技', 'east'],
      ['李娜', '广州贸易', 'south'],
      ['王芳', '杭州制造', 'east'],
      ['刘洋', '北京软件', 'north'],
      ['陈静', '苏州电子', 'east'],
    ];
    for (const [name, company, region] of leads) {
      expect(
        (await api('POST', '/api/apps/sales/entities/lead/records', { name, company, region })).status,
      ).toBe(201);
    }
    const account = await api('POST', '/api/apps/sales/entities/account/records', {
      name: '上海示例科技有限公司',
      region: 'east',
    });
    for (const [name, amount] of [
      ['年度框架合同', '500000.00'],
      ['云服务扩容', '120000.00'],
    ] as const) {
      expect(
        (
          await api('POST', '/api/apps/sales/entities/opportunity/records', {
            name,
            account: account.body.id,
            stage: 'initial',
            amount,
          })
        ).status,
      ).toBe(201);
    }
  }, 180_000);

  afterAll(async () => fx?.close());

  it('signs in and shows the navigation built from metadata', async () => {
    const page = await fx.newPage();
    await fx.signIn(page);
    await page.getByRole('link', { name: '线索', exact: true }).waitFor({ state: 'visible' });
    await fx.screenshot(page, '01-signed-in');
    await page.context().close();
  });

  it('creates a record through a form with a linkage rule and a field-level error', async () => {
    const page = await fx.newPage();
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/opportunity/new`);
    await page.getByTestId('record-form').waitFor();
    const lossReason = page.locator('[data-field="lossReason"]');
    expect(await lossReason.count()).toBe(0);
    await page.getByLabel('商机名称', { exact: true }).fill('华东区年度采购');
    await page.getByLabel('客户', { exact: true }).selectOption({ label: '上海示例科技有限公司' });
    await page.getByLabel('销售阶段', { exact: true }).selectOption({ label: '输单' });
    // The linkage rule shows the loss reason, and makes it required, only for lost deals.
    await lossReason.waitFor({ state: 'visible' });
    await page.getByTestId('save').click();
    await expect.poll(() => lossReason.locator('.field-error').textContent()).not.toBe('');
    await fx.screenshot(page, '02-form-field-error');
    await page.getByLabel('输单原因', { exact: true }).fill('预算冻结');
    await page.getByTestId('save').click();
    await page.waitForURL(/\/apps\/sales\/opportunity\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const stored = await api('GET', `/api/apps/sales/entities/opportunity/records/${id}`);
    expect(stored.body).toMatchObject({ name: '华东区年度采购', stage: 'lost', lossReason: '预算冻结' });
    await page.context().close();
  });

  it('fills a product line from the catalogue and totals it exactly', async () => {
    expect(
      (
        await api('POST', '/api/apps/sales/entities/product/records', {
          name: '智能网关',
          code: 'GW-01',
          price: '19999.90',
        })
      ).status,
    ).toBe(201);
    const page = await fx.newPage();
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/opportunity/new`);
    await page.getByRole('tab', { name: '产品明细' }).click();
    await page.getByRole('button', { name: '添加一行' }).click();
    const row = page.locator('.subtable tbody tr').first();
    await row.locator('select').last().selectOption({ label: '智能网关' });
    // Data linkage copies the list price into the line; the formula and the total follow.
    await expect.poll(() => row.locator('input[inputmode="decimal"]').last().inputValue()).toBe('19999.90');
    await row.locator('input[inputmode="decimal"]').first().fill('3');
    await expect.poll(() => page.locator('[data-testid="total-lineAmount"]').textContent()).toBe('59999.70');
    await fx.screenshot(page, '02b-product-lines');
    await page.context().close();
  });

  it('uploads a document to a record and downloads it again', async () => {
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'name' }, '年度框架合同'] }));
    const deal = (await api('GET', `/api/apps/sales/entities/opportunity/records?filter=${filter}`)).body
      .items[0];
    const page = await fx.newPage();
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/opportunity/${deal.id}`);
    await page.getByTestId('edit').click();
    await page.getByRole('tab', { name: '来源与文档' }).click();
    await page.locator('[data-field="documents"] input[type="file"]').setInputFiles({
      name: '需求分析报告.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 needs analysis'),
    });
    await page.getByRole('link', { name: '需求分析报告.pdf' }).waitFor();
    await page.getByTestId('save').click();
    await expect
      .poll(
        async () =>
          (await api('GET', `/api/apps/sales/entities/opportunity/records/${deal.id}`)).body.documents
            ?.length ?? 0,
      )
      .toBe(1);
    const stored = (await api('GET', `/api/apps/sales/entities/opportunity/records/${deal.id}`)).body
      .documents[0];
    const download = await fetch(`${fx.baseUrl}/api/files/${stored.id}`, {
      headers: { cookie: fx.admin.cookie },
    });
    expect(await download.text()).toBe('%PDF-1.4 needs analysis');
    await page.context().close();
  });

  it('filters and sorts a list', async () => {
    const page = await fx.newPage();
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/lead`);
    await page.getByTestId('record-table').waitFor();
    await page.getByTestId('filter-toggle').click();
    await page.getByRole('button', { name: '添加条件' }).click();
    await page.getByLabel('字段', { exact: true }).selectOption({ label: '大区' });
    await page.getByLabel('条件', { exact: true }).selectOption('eq');
    await page.getByLabel('值', { exact: true }).selectOption({ label: '华东' });
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => page.getByTestId('total').textContent()).toBe('共 3 条');
    await page.getByTestId('sort-name').click();
    // The list now follows the server's order for `sort=name` (the database's collation decides).
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'region' }, 'east'] }));
    const expected = (
      await api('GET', `/api/apps/sales/entities/lead/records?sort=name&filter=${filter}`)
    ).body.items.map((r: { name: string }) => r.name);
    expect(expected).toHaveLength(3);
    await expect
      .poll(() => page.locator('[data-testid="record-table"] tbody tr td:nth-child(2)').allInnerTexts())
      .toEqual(expected);
    await fx.screenshot(page, '02-list-filtered-sorted');
    await page.context().close();
  });

  it('bulk-edits the selected records through the same validation as a form', async () => {
    const page = await fx.newPage();
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/lead`);
    await page.getByTestId('record-table').waitFor();
    await page.getByRole('checkbox', { name: '张伟' }).check();
    await page.getByRole('checkbox', { name: '李娜' }).check();
    await page.getByLabel('批量修改', { exact: true }).selectOption({ label: '状态' });
    await page.locator('#bulk-value').selectOption({ label: '已联系' });
    await page.getByTestId('bulk-apply').click();
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'status' }, 'contacted'] }));
    await expect
      .poll(async () =>
        (await api('GET', `/api/apps/sales/entities/lead/records?filter=${filter}`)).body.items
          .map((r: { name: string }) => r.name)
          .sort(),
      )
      .toEqual(['张伟', '李娜'].sort());
    await page.context().close();
  });

  it('drags a card across two kanban columns and the move is persisted', async () => {
    const page = await fx.newPage();
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/opportunity/kanban/stage`);
    const card = page
      .locator('[data-testid="column-initial"] [data-testid^="card-"]')
      .filter({ hasText: '云服务扩容' });
    await card.waitFor();
    await expect.poll(() => page.getByTestId('count-initial').textContent()).toBe('2 条');
    const id = (await card.getAttribute('data-testid'))!.replace('card-', '');
    const from = (await card.boundingBox())!;
    const to = (await page.getByTestId('column-needs').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 20, from.y + from.height / 2, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + 60, { steps: 20 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('kanban-status').textContent()).toContain('需求分析');
    await page
      .locator(`[data-testid="column-needs"] [data-testid="card-${id}"]`)
      .waitFor({ state: 'visible' });
    await expect.poll(() => page.getByTestId('count-needs').textContent()).toBe('1 条');
    const stored = await api('GET', `/api/apps/sales/entities/opportunity/records/${id}`);
    expect(stored.body.stage).toBe('needs');
    await fx.screenshot(page, '03-kanban-after-drag');
    await page.context().close();
  });

  it('takes an anonymous public form submission with its source attribution', async () => {
    const page = await fx.newPage(375, 812);
    await page.goto(
      `${fx.baseUrl}/f/sales/lead_signup?utm_source=wechat&utm_campaign=expo2026&company=${encodeURIComponent('深圳创新科技')}`,
    );
    await page.getByTestId('public-submit').waitFor();
    expect(await page.getByLabel('公司名称', { exact: true }).inputValue()).toBe('深圳创新科技');
    await page.getByLabel('姓名', { exact: true }).fill('赵敏');
    await page.getByTestId('public-submit').click();
    // The form's own rule: a mobile number or an email address is needed.
    await expect.poll(() => page.locator('[data-field="mobile"] .field-error').textContent()).not.toBe(null);
    await page.getByLabel('手机', { exact: true }).fill('13700137000');
    await page.getByTestId('public-submit').click();
    await expect.poll(() => page.getByTestId('public-thanks').textContent()).toContain('感谢报名');
    await fx.screenshot(page, '06-public-form-thanks');
    await page.context().close();
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'mobile' }, '13700137000'] }));
    const found = await api('GET', `/api/apps/sales/entities/lead/records?filter=${filter}`);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({
      name: '赵敏',
      company: '深圳创新科技',
      source: 'event',
      utmSource: 'wechat',
      utmCampaign: 'expo2026',
    });
  });

  it('switches the UI to English', async () => {
    const page = await fx.newPage();
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/lead`);
    await page.getByTestId('locale-switch').click();
    await page.getByRole('link', { name: 'Lead', exact: true }).waitFor({ state: 'visible' });
    await expect.poll(() => page.getByTestId('new-record').textContent()).toBe('New');
    await fx.screenshot(page, '04-english');
    await page.context().close();
  });

  it('shows the same list as cards at 375 px wide', async () => {
    const page = await fx.newPage(375, 812);
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/apps/sales/lead`);
    await page.getByTestId('record-cards').waitFor();
    const total = (await api('GET', '/api/apps/sales/entities/lead/records?limit=1')).body.total;
    expect(await page.locator('[data-testid="record-cards"] li').count()).toBe(total);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await fx.screenshot(page, '05-phone-list');
    await page.context().close();
  });
});
