import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminSession, chromiumPath, type E2eFixture, startE2e } from './support/e2e-fixture.js';

const hasChromium = Boolean(chromiumPath());
if (!hasChromium)
  console.warn('Browser tests skipped: no Chromium (install Debian chromium, or set CHROMIUM_PATH).');

const APP = 'mkt';

/** Drags with the real mouse, in small steps (the drag library needs pointer moves to start and track). */
async function drag(page: Page, from: Locator, to: Locator, at: { x?: number; y?: number } = {}) {
  await from.scrollIntoViewIfNeeded();
  const a = await from.boundingBox();
  if (!a) throw new Error('drag source is not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 12, { steps: 4 });
  const b = await to.boundingBox();
  if (!b) throw new Error('drop target is not visible');
  const x = b.x + b.width * (at.x ?? 0.5);
  const y = b.y + (at.y === undefined ? b.height / 2 : at.y < 0 ? b.height + at.y : at.y);
  await page.mouse.move(x, y, { steps: 12 });
  await page.mouse.move(x + 1, y + 1, { steps: 2 });
  await page.mouse.up();
}

describe.skipIf(!hasChromium)('app designer in headless Chromium', () => {
  let fx: E2eFixture;
  let page: Page;
  let recordId: string;

  const api: AdminSession['request'] = (...args) => fx.admin.request(...args);

  /** The layout of the Campaign form in the saved draft, as `kind:label` outlines. */
  const draftForm = async () => {
    const draft = await api('GET', `/api/apps/${APP}/draft`);
    return draft.body.document.forms[0];
  };

  /** A full-page screenshot from the top (sticky bars then sit where they belong). */
  const shot = async (name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await fx.screenshot(page, name);
  };

  const saved = async () => {
    await page.getByTestId('save-draft').click();
    await expect
      .poll(() => page.getByTestId('save-status').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('saved');
  };

  beforeAll(async () => {
    fx = await startE2e();
    page = await fx.newPage(1440, 1000);
    page.on('dialog', (dialog) => void dialog.accept());
    // Browser errors are printed, so a failing step shows its cause.
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error('[console]', message.text());
    });
    await fx.signIn(page);
  }, 240_000);

  afterAll(async () => {
    await page?.context().close();
    await fx?.close();
  });

  it('starts an empty app and builds the Campaign entity in the data model', async () => {
    await page.goto(`${fx.baseUrl}/design`);
    await page.getByTestId('new-app').click();
    const form = page.getByTestId('new-app-form');
    await form.getByLabel('应用标识').fill(APP);
    await form.getByLabel('中文名称').fill('市场活动');
    await form.getByLabel('英文名称').fill('Marketing');
    await form.getByRole('button', { name: '创建' }).click();
    await page.waitForURL(`**/design/${APP}/model`);
    await page.getByTestId('model-area').waitFor();

    await page.getByTestId('new-entity').click();
    await page.getByTestId('new-entity-zh').fill('营销活动');
    await page.getByTestId('new-entity-en').fill('Campaign');
    await page.getByTestId('new-entity-create').click();
    await page.getByTestId('entity-campaign').waitFor();
    await page.getByTestId('entity-panel').getByRole('button', { name: 'megaphone' }).click();
    await page.getByTestId('field-list').getByTestId('field-name').waitFor();
    await saved();
    const draft = await api('GET', `/api/apps/${APP}/draft`);
    expect(draft.body.document.entities).toMatchObject([
      {
        id: 'campaign',
        key: 'campaign',
        label: { 'zh-CN': '营销活动', en: 'Campaign' },
        icon: 'megaphone',
        titleField: 'name',
      },
    ]);
    await shot('designer-model');
  });

  it('drags five fields of different types onto a new form, arranges two columns and a tab', async () => {
    await page.getByTestId('area-forms').click();
    await page.getByTestId('forms-area').waitFor();
    await page.getByTestId('new-form').click();
    await page.getByTestId('form-designer').waitFor();
    const canvas = page.getByTestId('canvas');

    // The name field the entity starts with, then four new fields, each dragged from the palette.
    await drag(page, page.getByTestId('palette-field-name'), canvas, { y: -10 });
    await page.getByTestId('node-f-name').waitFor();
    const newFields: Array<[string, string, string, string]> = [
      ['singleSelect', 'channel', '渠道', 'Channel'],
      ['money', 'budget', '预算', 'Budget'],
      ['date', 'startDate', '开始日期', 'Start date'],
      ['longText', 'notes', '备注', 'Notes'],
    ];
    for (const [type, key, zh, en] of newFields) {
      const before = await page.locator('[data-node-id]').count();
      await drag(page, page.getByTestId(`palette-type-${type}`), canvas, { y: -10 });
      await expect.poll(() => page.locator('[data-node-id]').count()).toBe(before + 1);
      // The dropped field is selected: name it in the property panel.
      const props = page.getByTestId('form-properties');
      await props.getByTestId('field-label').locator('[data-lang="zh-CN"]').fill(zh);
      await props.getByTestId('field-label').locator('[data-lang="en"]').fill(en);
      await props.getByTestId('field-key').fill(key);
      await props.getByTestId('field-key').press('Enter');
      await expect.poll(() => props.getByTestId('field-key').inputValue()).toBe(key);
    }
    // The channel's options get names.
    await page.getByTestId('node-f-single-select').click();
    const options = page.getByTestId('options-editor');
    await options.getByTestId('option-zh').first().fill('线上');
    await options.getByTestId('option-en').first().fill('Online');
    await options.getByTestId('option-zh').nth(1).fill('线下');
    await options.getByTestId('option-en').nth(1).fill('Offline');

    // Two columns at the top (dropped on the first item's leading half), the first fields moved in by keyboard.
    await drag(page, page.getByTestId('palette-block-columns-2'), page.getByTestId('node-f-name'), {
      x: 0.15,
    });
    await expect.poll(async () => (await draftFormLocal(page)).first).toBe('section');
    for (const node of ['node-f-name', 'node-f-single-select', 'node-f-money', 'node-f-date']) {
      await page.getByTestId(node).focus();
      await page.keyboard.press('Alt+ArrowRight');
    }
    // A tabs block at the end; the notes dragged into its first tab with the mouse.
    await drag(page, page.getByTestId('palette-block-tabs'), canvas, { y: -6 });
    const tabs = page.locator('.canvas-tabs');
    await tabs.waitFor();
    await drag(page, page.getByTestId('handle-f-long-text'), tabs.locator('.container-body').first());
    // The drop has been applied before the next step reads the selection.
    await expect.poll(() => tabs.getByTestId('node-f-long-text').count()).toBe(1);

    // Keyboard instead of dragging: Enter on a palette block adds it at the selection (nothing selected: the
    // end of the form; then after the block just added). Shift-click selects both, one click deletes both.
    await canvas.click({ position: { x: 4, y: 4 } });
    for (let i = 0; i < 2; i += 1) {
      await page.getByTestId('palette-block-divider').focus();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('palette-block-divider');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('[data-node-id^="divider"]').count()).toBe(i + 1);
    }
    await page.getByTestId('node-divider').click();
    await page.getByTestId('node-divider-2').click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('remove-selected').textContent()).toContain('2');
    await page.getByTestId('remove-selected').click();
    await expect.poll(() => page.locator('[data-node-id^="divider"]').count()).toBe(0);
    // Two adds handled before the designer renders again (a fast double press) still add two blocks.
    await canvas.click({ position: { x: 4, y: 4 } });
    await page.evaluate(() => {
      const block = document.querySelector<HTMLElement>('[data-testid="palette-block-divider"]')!;
      block.click();
      block.click();
    });
    await expect.poll(() => page.locator('[data-node-id^="divider"]').count()).toBe(2);
    await page.getByTestId('node-divider').click();
    await page.getByTestId('node-divider-2').click({ modifiers: ['Shift'] });
    await page.getByTestId('remove-selected').click();
    await expect.poll(() => page.locator('[data-node-id^="divider"]').count()).toBe(0);
    await saved();
    const form = await draftForm();
    expect(form).toMatchObject({ entity: 'campaign', kind: 'full' });
    expect(form.layout).toHaveLength(2);
    const [columns, tabsNode] = form.layout;
    expect(columns).toMatchObject({ kind: 'section', columns: 2 });
    expect(columns.label).toBeUndefined();
    expect(columns.children.map((n: { fieldId: string }) => n.fieldId)).toEqual([
      'name',
      'single_select',
      'money',
      'date',
    ]);
    expect(tabsNode.kind).toBe('tabs');
    expect(tabsNode.tabs[0].children.map((n: { fieldId: string }) => n.fieldId)).toEqual(['long_text']);
    const entity = (await api('GET', `/api/apps/${APP}/draft`)).body.document.entities[0];
    expect(entity.fields.map((f: { key: string; type: string }) => `${f.key}:${f.type}`)).toEqual([
      'name:text',
      'channel:singleSelect',
      'budget:money',
      'startDate:date',
      'notes:longText',
    ]);
    await page.getByTestId('node-f-name').click();
    await shot('designer-form-canvas');
  });

  it('adds a linkage rule with the rule builder and shows it in the live preview, desktop and phone', async () => {
    await page.getByTestId('panel-rules').click();
    await page.getByTestId('add-linkage').click();
    const rule = page.locator('[data-testid^="linkage-rule-"]').first();
    await rule.waitFor();
    await rule.getByTestId('linkage-action').selectOption('show');
    await rule.getByTestId('linkage-field-budget').check();
    await rule.getByTestId('linkage-field-name').uncheck();
    await rule.getByTestId('rule-add-condition').click();
    await rule.getByTestId('rule-field').selectOption('channel');
    await rule.getByTestId('rule-operator').selectOption('eq');
    await rule.locator('.rule-builder').getByText('线上', { exact: true }).click();
    await saved();
    const form = await draftForm();
    expect(form.linkage).toHaveLength(1);
    expect(form.linkage[0]).toMatchObject({ action: 'show', fields: ['budget'] });
    expect(JSON.stringify(form.linkage[0].when)).toBe('{"==":[{"var":"channel"},"option1"]}');

    // The preview is the runtime's form: the budget shows only while the channel is online.
    const preview = page.getByTestId('form-preview');
    const budget = preview.locator('[data-field="budget"]');
    await preview.getByLabel('渠道', { exact: true }).selectOption({ label: '线上' });
    await budget.waitFor();
    await preview.getByLabel('渠道', { exact: true }).selectOption({ label: '线下' });
    await expect.poll(() => budget.count()).toBe(0);
    await preview.getByLabel('渠道', { exact: true }).selectOption({ label: '线上' });
    await budget.waitFor();
    await shot('designer-form-rule');
    await page.getByTestId('preview-phone').click();
    const phone = page.getByTestId('preview-frame-phone');
    await phone.waitFor();
    expect(Math.round((await phone.boundingBox())!.width)).toBe(375);
    // One column at phone width: the name and the channel are stacked.
    const nameBox = (await phone.locator('[data-field="name"]').boundingBox())!;
    const channelBox = (await phone.locator('[data-field="channel"]').boundingBox())!;
    expect(channelBox.y).toBeGreaterThan(nameBox.y + nameBox.height - 1);
    await shot('designer-form-preview-phone');
    await page.getByTestId('preview-desktop').click();
  });

  it('publishes after showing the plan, and the runtime form follows the rule', async () => {
    await page.getByTestId('area-publish').click();
    await page.getByTestId('publish-preview').click();
    const plan = page.getByTestId('publish-plan');
    await plan.waitFor();
    await expect.poll(() => plan.locator('.plan-steps li').count()).toBeGreaterThan(0);
    await shot('designer-publish-plan');
    await page.getByTestId('publish-confirm').click();
    await expect.poll(() => page.getByTestId('publish-message').textContent()).toContain('已发布版本 1');
    await page.getByTestId('version-1').waitFor();

    await page.goto(`${fx.baseUrl}/apps/${APP}/campaign/new`);
    await page.getByTestId('record-form').waitFor();
    const budget = page.locator('[data-field="budget"]');
    expect(await budget.count()).toBe(0);
    await page.getByLabel('名称', { exact: true }).fill('春季新品发布会');
    await page.getByLabel('渠道', { exact: true }).selectOption({ label: '线下' });
    await page.getByLabel('开始日期', { exact: true }).fill('2026-03-15');
    expect(await budget.count()).toBe(0);
    await page.getByLabel('渠道', { exact: true }).selectOption({ label: '线上' });
    await budget.waitFor();
    await page.getByLabel('预算', { exact: true }).fill('50000');
    await page.getByLabel('备注', { exact: true }).fill('上海站');
    await shot('designer-runtime-rule');
    await page.getByTestId('save').click();
    await page.waitForURL(new RegExp(`/apps/${APP}/campaign/[0-9a-f-]{36}$`));
    recordId = page.url().split('/').pop()!;
    const stored = await api('GET', `/api/apps/${APP}/entities/campaign/records/${recordId}`);
    expect(stored.body).toMatchObject({
      name: '春季新品发布会',
      channel: 'option1',
      budget: '50000.00',
      startDate: '2026-03-15',
      notes: '上海站',
    });
  });

  it('blocks publishing a type change that the data cannot follow, naming the record', async () => {
    await page.goto(`${fx.baseUrl}/design/${APP}/model`);
    await page.getByTestId('entity-campaign').click();
    await page.getByTestId('field-list').getByTestId('field-notes').locator('.field-item').click();
    await page.getByTestId('field-editor').getByTestId('field-type').selectOption('number');
    await saved();
    await page.getByTestId('area-publish').click();
    await page.getByTestId('publish-preview').click();
    await page.getByTestId('publish-blocked').waitFor();
    const failing = page.getByTestId('failing-record');
    await expect.poll(() => failing.count()).toBe(1);
    expect(await failing.first().textContent()).toContain(recordId);
    expect(await page.getByTestId('publish-confirm').count()).toBe(0);
    await shot('designer-publish-blocked');
    // Nothing was published: the runtime still serves version 1 with the text field.
    const published = await api('GET', `/api/apps/${APP}`);
    expect(published.body.version).toBe(1);
    // Undo puts the type back.
    await page.getByTestId('undo').click();
    await saved();
    const draft = await api('GET', `/api/apps/${APP}/draft`);
    expect(draft.body.document.entities[0].fields.find((f: { key: string }) => f.key === 'notes').type).toBe(
      'longText',
    );
  });

  it('rolls back to an earlier version', async () => {
    await page.getByTestId('area-model').click();
    await page.getByTestId('entity-campaign').click();
    const add = page.getByTestId('add-field');
    await add.getByTestId('add-field-type').selectOption('number');
    await add.getByTestId('add-field-zh').fill('目标人数');
    await add.getByTestId('add-field-en').fill('Target');
    await add.getByTestId('add-field-submit').click();
    await page.getByTestId('field-list').getByTestId('field-target').waitFor();
    await saved();
    await page.getByTestId('area-publish').click();
    await page.getByTestId('publish-preview').click();
    await page.getByTestId('publish-confirm').click();
    await expect.poll(() => page.getByTestId('publish-message').textContent()).toContain('已发布版本 2');
    const v2 = await api('GET', `/api/apps/${APP}`);
    expect(v2.body.document.entities[0].fields.map((f: { key: string }) => f.key)).toContain('target');

    await page.getByTestId('rollback-1').click();
    await expect
      .poll(() => page.getByTestId('publish-message').textContent())
      .toContain('已回滚，生成版本 3');
    await page.getByTestId('version-3').waitFor();
    await shot('designer-rollback');
    const v3 = await api('GET', `/api/apps/${APP}`);
    expect(v3.body.version).toBe(3);
    expect(v3.body.document.entities[0].fields.map((f: { key: string }) => f.key)).not.toContain('target');
    // The designer reloaded the draft the rollback wrote.
    await page.getByTestId('area-model').click();
    await page.getByTestId('entity-campaign').click();
    await page.getByTestId('field-list').getByTestId('field-notes').waitFor();
    expect(await page.getByTestId('field-list').getByTestId('field-target').count()).toBe(0);
    // The record made under version 1 is still there.
    expect((await api('GET', `/api/apps/${APP}/entities/campaign/records/${recordId}`)).status).toBe(200);
  });

  it('reports a conflict when someone else saved the draft: keep my edits on top, or reload', async () => {
    await page.getByTestId('area-model').click();
    await page.getByLabel('自动保存').uncheck();
    await page.getByTestId('entity-campaign').click();
    await page.getByTestId('entity-panel').getByRole('button', { name: 'package' }).click();
    // Another analyst saves the draft meanwhile.
    const draft = await api('GET', `/api/apps/${APP}/draft`);
    const other = structuredClone(draft.body.document);
    other.entities[0].description = { 'zh-CN': '另一位分析师的修改' };
    const put = await api('PUT', `/api/apps/${APP}/draft`, other, { 'if-match': `"${draft.body.revision}"` });
    expect(put.status).toBe(200);
    await page.getByTestId('save-draft').click();
    await page.getByTestId('draft-conflict').waitFor();
    await shot('designer-conflict');
    // Nothing of this editor overwrote the other save.
    const after = await api('GET', `/api/apps/${APP}/draft`);
    expect(after.body.revision).toBe(put.body.revision);
    expect(after.body.document.entities[0]).toMatchObject({
      icon: 'megaphone',
      description: { 'zh-CN': '另一位分析师的修改' },
    });
    // Keeping this editor's edit: it is replayed on the latest draft, which then saves with both.
    await page.getByTestId('conflict-rebase').click();
    await page.getByTestId('rebased').waitFor();
    await saved();
    const merged = await api('GET', `/api/apps/${APP}/draft`);
    expect(merged.body.document.entities[0]).toMatchObject({
      icon: 'package',
      description: { 'zh-CN': '另一位分析师的修改' },
    });

    // A second conflict, this time answered by reloading: the local edit is dropped.
    await page.getByTestId('entity-panel').getByRole('button', { name: 'calendar' }).click();
    const again = structuredClone(merged.body.document);
    again.entities[0].description = { 'zh-CN': '第三次修改' };
    expect(
      (await api('PUT', `/api/apps/${APP}/draft`, again, { 'if-match': `"${merged.body.revision}"` })).status,
    ).toBe(200);
    await page.getByTestId('save-draft').click();
    await page.getByTestId('draft-conflict').waitFor();
    await page.getByTestId('conflict-reload').click();
    await expect.poll(() => page.getByTestId('draft-conflict').count()).toBe(0);
    await expect
      .poll(() =>
        page.getByTestId('entity-panel').locator('textarea[data-lang="zh-CN"]').first().inputValue(),
      )
      .toBe('第三次修改');
    expect(await page.getByTestId('entity-icon').inputValue()).toBe('package');
    await page.getByLabel('自动保存').check();
  });
});

/** What the canvas shows at its top level (read from the DOM). */
async function draftFormLocal(page: Page): Promise<{ first: string | null }> {
  const first = page.locator('[data-testid="canvas"] > .grid > [data-node-id]').first();
  if ((await first.count()) === 0) return { first: null };
  return { first: (await first.locator('.canvas-section').count()) > 0 ? 'section' : 'other' };
}
