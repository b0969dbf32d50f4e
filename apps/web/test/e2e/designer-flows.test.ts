import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminSession, chromiumPath, type E2eFixture, startE2e } from './support/e2e-fixture.js';

const hasChromium = Boolean(chromiumPath());

describe.skipIf(!hasChromium)('designer: flows and rules in headless Chromium', () => {
  let fx: E2eFixture;
  let smallDealId: string;

  const api: AdminSession['request'] = (...args) => fx.admin.request(...args);

  beforeAll(async () => {
    fx = await startE2e();
    const account = await api('POST', '/api/apps/sales/entities/account/records', {
      name: '杭州示例制造有限公司',
      region: 'east',
    });
    expect(account.status).toBe(201);
    const deal = await api('POST', '/api/apps/sales/entities/opportunity/records', {
      name: '小额试用单',
      account: account.body.id,
      stage: 'initial',
      amount: '5000.00',
    });
    expect(deal.status).toBe(201);
    smallDealId = deal.body.id;
  }, 180_000);

  afterAll(async () => fx?.close());

  /** Saves the draft with the designer's save button and waits for the server's answer. */
  async function save(page: Page) {
    await page.getByTestId('save-draft').click();
    await page.locator('[data-testid="save-status"][data-state="saved"]').waitFor();
  }

  it('draws a three-step flow with a condition branch, checks it, saves it and test-runs it', async () => {
    const page = await fx.newPage(1440, 1000);
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/design/sales/flows`);
    await page.getByTestId('flows-area').waitFor();

    // A new flow, started when an opportunity is created.
    await page.getByTestId('new-flow').click();
    await page.getByTestId('new-flow-name').fill('大单提醒');
    await page.getByTestId('new-flow-key').fill('bigDealAlert');
    await page.getByTestId('create-flow').click();
    await page.getByTestId('flow-editor').waitFor();
    await page.getByTestId('trigger-kind').selectOption('recordCreated');
    await page.getByTestId('trigger-entity').selectOption('opportunity');

    // Step 1: a condition, inserted with the "+" under the trigger.
    await page.getByTestId('flow-add-start').click();
    await page.getByTestId('node-kind-condition').click();
    await page.getByTestId('flow-node-condition1').waitFor();
    const branch = page.getByTestId('branch-condition-0');
    await branch.getByTestId('rule-add-condition').click();
    const row = branch.locator('.rule-condition').first();
    await row.getByTestId('rule-field').selectOption('record.amount');
    await row.getByTestId('rule-operator').selectOption('gte');
    await row.locator('input').fill('100000');
    await expect.poll(() => page.getByTestId('flow-branch-condition1-0').textContent()).toContain('100000');

    // Step 2 on the first branch: a notification whose title inserts a variable picked from the tree.
    await page.getByTestId('flow-add-condition1:branch0').click();
    await page.getByTestId('node-kind-notify').click();
    await page.getByTestId('flow-node-notify1').waitFor();
    await page.getByTestId('notify-title').fill('大单：{{record.nosuch}}');
    // An unknown variable is a problem on the step, and a flow with problems cannot be switched on.
    await expect
      .poll(() => page.getByTestId('flow-node-notify1').getAttribute('class'))
      .toMatch(/warned|invalid/);
    await expect.poll(() => page.getByTestId('flow-enabled').isDisabled()).toBe(true);
    await page.getByTestId('flow-problems').waitFor();
    await fx.screenshot(page, 'designer-flow-problems');
    await page.getByTestId('notify-title').fill('大单：');
    await page.getByTestId('notify-title-variable').click();
    await page.locator('.variable-popover [data-variable="record.name"]').click();
    await expect.poll(() => page.getByTestId('notify-title').inputValue()).toBe('大单：{{record.name}}');

    // Step 3 on the otherwise branch: a follow-up task.
    await page.getByTestId('flow-add-condition1:else').click();
    await page.getByTestId('node-kind-createTask').click();
    await page.getByTestId('flow-node-createTask1').waitFor();
    await page.getByTestId('task-title').fill('跟进：');
    await page.getByTestId('task-title-variable').click();
    await page.locator('.variable-popover [data-variable="record.name"]').click();

    // Keyboard: "+" opens the menu, arrows choose, Enter inserts; Delete on a card removes the step.
    await page.getByTestId('flow-add-before:end1').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('node-kind-condition').waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('node-kind-condition');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'node-kind-delay',
    );
    await page.keyboard.press('Enter');
    await page.getByTestId('flow-node-delay1').waitFor();
    await page.getByTestId('flow-node-delay1').focus();
    await page.keyboard.press('Delete');
    await page.getByTestId('flow-node-delay1').waitFor({ state: 'detached' });

    // The whole flow checks clean; it can be switched on and saved.
    await expect.poll(() => page.getByTestId('flow-check').getAttribute('class')).toContain('ok');
    await page.getByTestId('flow-enabled').check();
    await save(page);
    const draft = await api('GET', '/api/apps/sales/draft');
    const saved = draft.body.document.flows.find((f: { key: string }) => f.key === 'bigDealAlert');
    expect(saved).toMatchObject({
      enabled: true,
      trigger: { kind: 'recordCreated', entity: 'opportunity' },
      start: 'condition1',
    });
    const byId = Object.fromEntries(saved.nodes.map((n: { id: string }) => [n.id, n]));
    expect(byId.condition1.branches).toEqual([
      { condition: { dec_gte: [{ var: 'record.amount' }, '100000'] }, next: 'notify1' },
    ]);
    expect(byId.condition1.else).toBe('createTask1');
    expect(byId.notify1).toMatchObject({ kind: 'notify', title: '大单：{{record.name}}', next: 'end1' });
    expect(byId.createTask1).toMatchObject({
      kind: 'createTask',
      title: '跟进：{{record.name}}',
      next: 'end1',
    });
    await fx.screenshot(page, 'designer-flow-canvas');

    // Test run with sample values: the big-deal branch, the rendered notification.
    const sample = page.getByTestId('test-sample');
    await sample.locator('[data-field="name"] input').fill('华东年度大单');
    await sample.locator('[data-field="amount"] input').fill('250000');
    await page.getByTestId('run-test').click();
    await page.locator('[data-testid="test-result"][data-status="succeeded"]').waitFor();
    await page.getByTestId('test-step-condition1').waitFor();
    await page.getByTestId('test-step-notify1').waitFor();
    expect(await page.getByTestId('test-step-createTask1').count()).toBe(0);
    expect(await page.getByTestId('test-output-condition1').textContent()).toContain('"branch": 0');
    expect(await page.getByTestId('test-effect-notify1').textContent()).toContain('大单：华东年度大单');
    expect(await page.getByTestId('flow-node-notify1').getAttribute('data-taken')).toBe('true');
    expect(await page.getByTestId('flow-node-createTask1').getAttribute('data-taken')).toBeNull();
    await fx.screenshot(page, 'designer-flow-test-sample');

    // Test run with a real record: the small deal takes the otherwise branch.
    await page.getByTestId('test-source-record').check();
    await page
      .locator('[data-testid="test-record"] option', { hasText: '小额试用单' })
      .waitFor({ state: 'attached' });
    await page.getByTestId('test-record').selectOption(smallDealId);
    await page.getByTestId('run-test').click();
    await page.getByTestId('test-step-createTask1').waitFor();
    expect(await page.getByTestId('test-step-notify1').count()).toBe(0);
    expect(await page.getByTestId('test-effect-createTask1').textContent()).toContain('跟进：小额试用单');
    expect(await page.getByTestId('flow-node-createTask1').getAttribute('data-taken')).toBe('true');
    await fx.screenshot(page, 'designer-flow-test-record');

    // The drawn flow is what the server has: after a reload it is still there.
    await page.reload();
    await page.getByTestId('flow-item-bigDealAlert').click();
    await page.getByTestId('flow-node-notify1').waitFor();
    await page.context().close();
  }, 180_000);

  it('builds an AND / OR rule, shows the checker error on the bad condition and tests the rule', async () => {
    const page = await fx.newPage(1440, 1000);
    await fx.signIn(page);
    await page.goto(`${fx.baseUrl}/design/sales/rules`);
    await page.getByTestId('rules-area').waitFor();

    await page.getByTestId('new-rule-form').selectOption('opportunity_full');
    await page.getByTestId('new-rule-kind').selectOption('validation');
    await page.getByTestId('add-rule').click();
    const detail = page.getByTestId('rule-detail');
    await detail.waitFor();
    const ruleKey = await detail.getAttribute('data-rule');
    const builder = detail.getByRole('region', { name: '必须满足' });

    // amount > "abc": the rule engine's checker flags that very condition.
    await builder.getByTestId('rule-add-condition').last().click();
    const first = builder.locator('.rule-condition').first();
    await first.getByTestId('rule-field').selectOption('amount');
    await first.getByTestId('rule-operator').selectOption('gt');
    await first.locator('input').fill('abc');
    await expect.poll(() => first.getAttribute('data-invalid')).toBe('true');
    expect(await first.locator('.rule-issue').first().textContent()).toContain('type_mismatch');
    await fx.screenshot(page, 'designer-rule-checker-error');
    await first.locator('input').fill('1000');
    await expect.poll(() => first.getAttribute('data-invalid'), { timeout: 15_000 }).toBeNull();

    // AND ( amount > 1000, OR ( stage = won, probability ≥ 50 ) ).
    await builder.getByTestId('rule-add-group').first().click();
    const group = builder.locator('.rule-group .rule-group').first();
    expect(await group.getByTestId('rule-combinator').inputValue()).toBe('or');
    await group.getByTestId('rule-add-condition').click();
    await group.getByTestId('rule-add-condition').click();
    const stage = group.locator('.rule-condition').nth(0);
    await stage.getByTestId('rule-field').selectOption('stage');
    await stage.getByTestId('rule-operator').selectOption('eq');
    await stage.locator('.option-chips label', { hasText: '赢单' }).click();
    const probability = group.locator('.rule-condition').nth(1);
    await probability.getByTestId('rule-field').selectOption('probability');
    await probability.getByTestId('rule-operator').selectOption('gte');
    await probability.locator('input').fill('50');
    await expect.poll(() => builder.locator('[data-invalid]').count(), { timeout: 15_000 }).toBe(0);

    // Test this rule on sample values: passes, then fails with the rule's message.
    const test = detail.getByTestId('rule-test');
    const sample = test.getByTestId('rule-test-sample');
    await sample.locator('[data-field="amount"] input').fill('5000');
    await sample.locator('[data-field="stage"] select').selectOption('won');
    await test.getByTestId('rule-test-run').click();
    expect(await test.getByTestId('rule-test-result').getAttribute('data-ok')).toBe('true');
    await sample.locator('[data-field="stage"] select').selectOption('initial');
    await sample.locator('[data-field="probability"] input').fill('10');
    await test.getByTestId('rule-test-run').click();
    await expect.poll(() => test.getByTestId('rule-test-result').getAttribute('data-ok')).toBe('false');
    expect(await test.getByTestId('rule-test-result').textContent()).toContain('请检查该值');
    await fx.screenshot(page, 'designer-rule-test');

    // …and on a real record picked by search.
    await test.getByTestId('rule-test-record').check();
    await test
      .locator('[data-testid="rule-test-pick"] option', { hasText: '小额试用单' })
      .waitFor({ state: 'attached' });
    await test.getByTestId('rule-test-pick').selectOption(smallDealId);
    await test.getByTestId('rule-test-run').click();
    await expect.poll(() => test.getByTestId('rule-test-result').getAttribute('data-ok')).toBe('false');

    await save(page);
    const draft = await api('GET', '/api/apps/sales/draft');
    const form = draft.body.document.forms.find((f: { id: string }) => f.id === 'opportunity_full');
    const ruleId = String(ruleKey).split(':').pop();
    expect(form.validation.find((r: { id: string }) => r.id === ruleId).condition).toEqual({
      and: [
        { dec_gt: [{ var: 'amount' }, '1000'] },
        { or: [{ '==': [{ var: 'stage' }, 'won'] }, { dec_gte: [{ var: 'probability' }, '50'] }] },
      ],
    });
    await page.context().close();
  }, 180_000);
});
