import { testTargetsPostgres } from '@dougong/db/testing';
import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { indexDuplicates } from '../src/records/duplicate-index.js';
import { type AppFixture, publishFixture } from './support/app-fixture.js';

const doc: AppDocument = {
  schemaVersion: 1,
  key: 'race',
  label: { en: 'Race' },
  entities: [
    {
      id: 'lead',
      key: 'lead',
      label: { en: 'Lead' },
      fields: [
        { id: 'name', key: 'name', type: 'text', label: { en: 'Name' } },
        { id: 'mobile', key: 'mobile', type: 'phone', label: { en: 'Mobile' } },
      ],
      duplicateRules: [{ id: 'by_mobile', label: { en: 'Mobile' }, fields: ['mobile'], match: 'phone' }],
    },
  ],
};

const actor = { userId: null, now: new Date('2026-03-01T02:00:00Z') };

// Two sessions at once exist only on PostgreSQL (PGlite is one session).
describe.skipIf(!testTargetsPostgres())('duplicate detection under concurrent writes', () => {
  let fx: AppFixture;
  afterAll(async () => fx?.handle.close());

  it('serialises writers of the same key, so the later one sees the earlier once it commits', async () => {
    fx = await publishFixture(doc);
    const repo = await fx.repo();
    const model = repo.entity('lead');
    const a = await repo.create(model, { name: '甲' }, actor);
    const b = await repo.create(model, { name: '乙' }, actor);
    const { db } = fx.handle;
    const gainMobile = async (trx: typeof db, id: string) => {
      await sql`update app_race.t_lead set f_mobile = '13800138000' where id = ${id}`.execute(trx);
      await indexDuplicates(trx, repo.app, model, id, {}, { mobile: '13800138000' }, actor.now);
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => {
      firstWrote = resolve;
    });
    // The first writer has its key in place but has not committed when the second one starts.
    const first = db.transaction().execute(async (trx) => {
      await gainMobile(trx, a.id);
      firstWrote();
      await held;
    });
    await wrote;
    let secondDone = false;
    const second = db
      .transaction()
      .execute((trx) => gainMobile(trx, b.id))
      .then(() => {
        secondDone = true;
      });
    // Wait (bounded) until the second writer queues behind the first one's key lock.
    let waiting = 0;
    try {
      for (let i = 0; i < 100 && waiting === 0 && !secondDone; i += 1) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks
          where locktype = 'advisory' and not granted`.execute(db);
        waiting = rows[0]!.n;
        if (waiting === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      release();
      await Promise.all([first, second]);
    }
    expect(waiting).toBe(1);
    const { rows } = await sql<{ record_id: string; duplicate_of: string }>`select record_id, duplicate_of
      from dougong.duplicate_links where app_key = 'race'`.execute(db);
    expect(rows).toEqual([{ record_id: b.id, duplicate_of: a.id }]);
  });
});
