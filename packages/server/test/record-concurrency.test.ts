import type { AppDocument } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const TICKETS = '/api/apps/desk/entities/ticket/records';

const deskApp = (): AppDocument => ({
  schemaVersion: 1,
  key: 'desk',
  label: { 'zh-CN': '工单' },
  entities: [
    {
      id: 'ticket',
      key: 'ticket',
      label: { 'zh-CN': '工单' },
      titleField: 'subject',
      fields: [
        { id: 'no', key: 'no', type: 'autoNumber', pattern: 'T-{0000}', label: { 'zh-CN': '编号' } },
        { id: 'subject', key: 'subject', type: 'text', label: { 'zh-CN': '主题' } },
        { id: 'note', key: 'note', type: 'text', label: { 'zh-CN': '备注' } },
      ],
    },
  ],
});

describe('concurrent writes', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(deskApp());
  });
  afterAll(async () => fx?.close());

  it('two PATCHes with the same version: one 200, one 409 with currentVersion; the winner is stored', async () => {
    const created = await fx.api('POST', TICKETS, { subject: 'start' });
    expect(created.status).toBe(201);
    const url = `${TICKETS}/${created.body.id}`;
    const results = await Promise.all([
      fx.api('PATCH', url, { subject: 'alice', version: 1 }),
      fx.api('PATCH', url, { subject: 'bob', note: 'b' }, { 'if-match': '"1"' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    expect(loser.body.error.details).toEqual([{ path: '/version', message: 'is 2 now' }]);

    const stored = await fx.api('GET', url);
    expect(stored.body).toEqual(winner.body);
    expect(stored.headers.etag).toBe('"2"');
    const [row] = (await fx.tableRows('desk', 'ticket')).filter((r) => r.id === created.body.id);
    expect(row).toMatchObject({ version: 2, f_subject: winner.body.subject, f_note: winner.body.note });

    const history = await fx.api('GET', `${url}/history`);
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(['create', 'update']);
    expect(history.body.items[1].changes.subject).toEqual({ before: 'start', after: winner.body.subject });
  });

  it('20 concurrent inserts over a real socket get 20 distinct numbers with no gaps', async () => {
    const address = await fx.app.listen({ port: 0, host: '127.0.0.1' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${address}${TICKETS}`, {
          method: 'POST',
          headers: { ...fx.adminHeaders, 'content-type': 'application/json' },
          body: JSON.stringify({ subject: `t${i}` }),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const numbers = (await Promise.all(responses.map((r) => r.json()))).map((b) => b.no as string);
    // The first ticket of the PATCH test took T-0001.
    const expected = Array.from({ length: 20 }, (_, i) => `T-${String(i + 2).padStart(4, '0')}`);
    expect([...numbers].sort()).toEqual(expected);

    const rows = await fx.tableRows('desk', 'ticket');
    expect(rows.map((r) => r.f_no).sort()).toEqual(['T-0001', ...expected]);
    const list = await fetch(`${address}${TICKETS}?count=exact&limit=1`, { headers: fx.adminHeaders }).then(
      (r) => r.json(),
    );
    expect(list).toMatchObject({ total: 21, totalExact: true });
  });

  it('a failed insert returns its number: the next insert has no gap', async () => {
    const bad = await fx.api('POST', TICKETS, { subject: 'x'.repeat(300) });
    expect(bad.status).toBe(400);
    const next = await fx.api('POST', TICKETS, { subject: 'after' });
    expect(next.body.no).toBe('T-0022');
  });
});
