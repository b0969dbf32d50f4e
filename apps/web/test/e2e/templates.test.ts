import type { AppDocument } from '@dougong/schema';
import { salesTemplate } from '@dougong/template-sales';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminSession,
  chromiumPath,
  type E2eFixture,
  type E2eOptions,
  startE2e,
} from './support/e2e-fixture.js';

const hasChromium = Boolean(chromiumPath());

type Registry = NonNullable<E2eOptions['templates']>;
type Package = ReturnType<typeof salesTemplate>;

const bundled = salesTemplate();

/** The next minor version of the bundled template: the lead gains a field, placed on nothing else. */
function nextRelease(pkg: Package): Package {
  const [major, minor] = pkg.version.split('.').map(Number);
  const version = `${major}.${minor! + 1}.0`;
  const document = structuredClone(pkg.document) as AppDocument;
  document.entities
    .find((e) => e.id === 'lead')!
    .fields.push({
      id: 'wechat_group',
      key: 'wechatGroup',
      type: 'text',
      label: { 'zh-CN': '微信群', en: 'WeChat group' },
    });
  document.template = { id: pkg.id, version };
  return { ...pkg, version, document };
}

describe.skipIf(!hasChromium)('templates on the designer start page in headless Chromium', () => {
  let fx: E2eFixture;
  let page: Page;
  // The platform's bundled templates; the second test swaps in a newer release, as an update would.
  let offered = bundled;
  const registry: Registry = {
    list: () => [offered],
    find: (id) => (id === offered.id ? offered : undefined),
  };

  const api: AdminSession['request'] = (...args) => fx.admin.request(...args);

  beforeAll(async () => {
    fx = await startE2e({ templates: registry });
    page = await fx.newPage(1280, 900);
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await fx.signIn(page);
  }, 120_000);
  afterAll(async () => fx?.close());

  it('installs the sales template under a new app key after a preview, refusing a bad or taken key', async () => {
    await page.goto(`${fx.baseUrl}/design`);
    const card = page.getByTestId(`template-${bundled.id}`);
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain(bundled.version);
    await card.getByTestId(`install-${bundled.id}`).click();
    const key = page.getByTestId('template-app-key');
    // The sales app exists already: the key starts empty.
    expect(await key.inputValue()).toBe('');

    await key.fill('Sales Two');
    await page.getByTestId('template-preview').click();
    await expect.poll(() => page.getByTestId('template-error').textContent()).toContain('/appKey');
    expect(await page.getByTestId('template-confirm').isDisabled()).toBe(true);

    await key.fill('sales');
    await page.getByTestId('template-preview').click();
    await expect
      .poll(() => page.getByTestId('template-error').textContent())
      .toMatch(/\/appKey.*(is taken|exists)/);

    await key.fill('crm2');
    await page.getByTestId('template-preview').click();
    const plan = page.getByTestId('template-plan');
    await plan.waitFor();
    // A new app: its tables are created (one step per entity at least).
    const entities = bundled.document.entities.length;
    const steps = await plan.locator('.plan-steps > li').count();
    expect(steps).toBeGreaterThanOrEqual(entities);
    expect((await api('GET', '/api/apps')).body.items.map((a: { key: string }) => a.key)).not.toContain(
      'crm2',
    );
    await fx.screenshot(page, 'templates-install-preview');

    await page.getByTestId('template-confirm').click();
    await expect.poll(() => page.getByTestId('template-message').textContent()).toContain('crm2');
    const row = page.getByTestId('installed-crm2');
    await row.waitFor();
    expect(await row.textContent()).toContain(`v${bundled.version}`);
    // The designer's app list has it too, and it runs: its published version holds the template's entities.
    await page.locator('.app-cards a[href="/design/crm2/model"]').waitFor();
    const published = await api('GET', '/api/apps/crm2');
    expect(published.status).toBe(200);
    expect(published.body.document.entities.length).toBe(entities);
    expect(published.body.document.template).toEqual({ id: bundled.id, version: bundled.version });
  });

  it("upgrades the installed app to a new release after a preview, keeping the customer's change", async () => {
    // The customer renames the lead's company field in their app and publishes it.
    const draft = await api('GET', '/api/apps/crm2/draft');
    const document = draft.body.document as AppDocument;
    const company = document.entities.find((e) => e.id === 'lead')!.fields.find((f) => f.id === 'company')!;
    company.label = { 'zh-CN': '客户单位', en: 'Client organisation' };
    expect((await api('PUT', '/api/apps/crm2/draft', document)).status).toBe(200);
    const publish = await api('POST', '/api/apps/crm2/publish', { summary: '改名' });
    expect(publish.status, JSON.stringify(publish.body)).toBe(200);

    offered = nextRelease(bundled);
    await page.goto(`${fx.baseUrl}/design`);
    const row = page.getByTestId('installed-crm2');
    await row.waitFor();
    expect(await row.getByTestId('upgrade-available').textContent()).toContain(offered.version);
    // The customer's change against the installed version (its two labels).
    expect(Number(await row.locator('td').nth(2).textContent())).toBe(2);

    await row.getByTestId('upgrade-crm2').click();
    expect(await page.getByTestId('template-confirm').isDisabled()).toBe(true);
    await page.getByTestId('template-preview').click();
    const report = page.getByTestId('template-report');
    await report.waitFor();
    // zh-CN: 模板变更 N 项；保留你的修改 M 项；冲突 K 项
    const counts = (await report.textContent())!.match(/\d+/g)!.map(Number);
    expect(counts[0]).toBeGreaterThanOrEqual(1);
    expect(counts[1]).toBeGreaterThanOrEqual(1);
    expect(counts[2]).toBe(0);
    expect(await page.getByTestId('template-plan').textContent()).toMatch(/wechat_group|微信群|wechatGroup/);
    await fx.screenshot(page, 'templates-upgrade-preview');

    await page.getByTestId('template-confirm').click();
    await expect.poll(() => page.getByTestId('template-message').textContent()).toContain(offered.version);
    // The list is read again after the message shows: the offer goes once it has been.
    await expect.poll(() => row.getByTestId('upgrade-available').count()).toBe(0);
    expect(await row.locator('td').nth(1).textContent()).toBe(`v${offered.version}`);

    const upgraded = (await api('GET', '/api/apps/crm2')).body.document as AppDocument;
    const lead = upgraded.entities.find((e) => e.id === 'lead')!;
    expect(lead.fields.some((f) => f.id === 'wechat_group')).toBe(true);
    expect(lead.fields.find((f) => f.id === 'company')!.label).toEqual({
      'zh-CN': '客户单位',
      en: 'Client organisation',
    });
    expect(upgraded.template).toEqual({ id: bundled.id, version: offered.version });
  });
});
