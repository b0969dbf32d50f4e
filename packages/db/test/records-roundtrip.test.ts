import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTypesApp } from '../../schema/test/fixtures.js';
import { type AppFixture, publishFixture } from './support/app-fixture.js';

const actor = { userId: null, now: new Date('2026-03-01T02:00:00Z') };

describe('records: every field type round-trips', () => {
  let fx: AppFixture;
  beforeAll(async () => {
    fx = await publishFixture(allTypesApp());
  });
  afterAll(async () => fx?.handle.close());

  it('stores and returns each type exactly', async () => {
    const repo = await fx.repo();
    const account = await repo.create(repo.entity('account'), { name: '上海某某科技有限公司' }, actor);
    const input = {
      title: '年度框架合同',
      notes: '第一行\n第二行',
      body: '<p onclick="x()">hi<script>alert(1)</script></p>',
      count: 3,
      ratio: '1.125',
      amount: '1234567.89',
      discount: '12.50',
      paid: true,
      due: '2026-02-28',
      signedAt: '2026-03-01T09:30:00+08:00',
      stage: 'won',
      tags: ['vip', 'new'],
      email: 'Li.Na@Example.CN',
      mobile: '+86 139 1234 5678',
      site: 'https://example.cn/a?b=c',
      rep: '0b5f0d4e-3c1a-4d6e-9a43-7b9d2f1c0a11',
      dept: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      account: account.id,
      lines: [
        { product: '服务器', qty: 2, price: '19999.00' },
        { product: '交换机', qty: 1, price: '3999.50' },
      ],
      files: [
        {
          id: '9b2f1c0a-3c1a-4d6e-9a43-7b9d2f1c0a11',
          name: '合同.pdf',
          size: 1024,
          mimeType: 'application/pdf',
        },
      ],
      region: '310104',
    };
    const created = await repo.create(repo.entity('order'), input, actor);
    expect(created).toMatchObject({
      title: '年度框架合同',
      notes: '第一行\n第二行',
      body: '<p>hi</p>',
      count: 3,
      ratio: '1.125',
      amount: '1234567.89',
      discount: '12.50',
      paid: true,
      due: '2026-02-28',
      signedAt: '2026-03-01T09:30:00.000+08:00',
      stage: 'won',
      tags: ['vip', 'new'],
      email: 'Li.Na@example.cn',
      mobile: '13912345678',
      site: 'https://example.cn/a?b=c',
      rep: input.rep,
      dept: input.dept,
      account: account.id,
      files: input.files,
      no: 'HT-2026-0001',
      gross: '6.00',
      region: '310104',
      version: 1,
      createdAt: '2026-03-01T10:00:00.000+08:00',
    });
    expect((created.lines as Array<Record<string, unknown>>).map((l) => [l.product, l.qty, l.price])).toEqual(
      [
        ['服务器', 2, '19999.00'],
        ['交换机', 1, '3999.50'],
      ],
    );
    const fetched = await repo.get(repo.entity('order'), created.id);
    expect(fetched).toEqual(created);
  });
});
