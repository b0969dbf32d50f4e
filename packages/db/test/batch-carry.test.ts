import {
  AppStore,
  BatchCarry,
  type BulkRecord,
  IdentityStore,
  migrateSystem,
  RecordBulkWriter,
  RecordRepository,
  StaleCarryError,
} from '@dougong/db';
import { createTestDatabase, type TestDatabase } from '@dougong/db/testing';
import type { AppDocument, EntityModel } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const L = (en: string) => ({ en });

/** Numbered leads; every lead but one named "manual" goes to the least loaded of two reps as it is written. */
function app(reps: string[]): AppDocument {
  return {
    schemaVersion: 1,
    key: 'bc',
    label: L('Batch carry'),
    entities: [
      {
        id: 'lead',
        key: 'lead',
        label: L('Lead'),
        titleField: 'name',
        fields: [
          { id: 'no', key: 'no', type: 'autoNumber', pattern: 'L-{00000}', label: L('No.') },
          { id: 'name', key: 'name', type: 'text', required: true, label: L('Name') },
          { id: 'email', key: 'email', type: 'email', unique: true, label: L('Email') },
          { id: 'status', key: 'status', type: 'text', label: L('Status') },
        ],
      },
    ],
    flows: [
      {
        id: 'assign',
        key: 'assign',
        label: L('Assign'),
        trigger: { kind: 'recordCreated', entity: 'lead', condition: { '!=': [{ var: 'name' }, 'manual'] } },
        start: 'own',
        nodes: [
          {
            id: 'own',
            kind: 'assignOwner',
            inline: true,
            rules: { rules: [], fallback: { target: { team: 'reps' }, strategy: 'least-loaded' } },
            teams: { reps },
            openFilter: { '==': [{ var: 'status' }, 'new'] },
          },
        ],
      },
    ],
  } as AppDocument;
}

describe('batches of an import carried from one to the next', () => {
  let handle: TestDatabase;
  let writer: RecordBulkWriter;
  let repo: RecordRepository;
  let lead: EntityModel;
  let reps: string[];
  let row = 0;
  const now = new Date('2026-03-02T01:00:00Z');
  const batch = (n: number, email?: (i: number) => string): BulkRecord[] =>
    Array.from({ length: n }, (_, i) => {
      row += 1;
      return {
        payload: { name: `r${row}`, status: 'new', email: email?.(i) ?? `r${row}@x.cn` },
        actor: { userId: null, now },
      };
    });
  const numbers = async () =>
    (await sql<{ f_no: string }>`select f_no from app_bc.t_lead order by f_no`.execute(handle.db)).rows.map(
      (r) => r.f_no,
    );
  const owners = async () =>
    (
      await sql<{ owner_id: string; n: number }>`select owner_id, count(*)::int as n from app_bc.t_lead
        where f_name <> 'manual' group by owner_id order by owner_id`.execute(handle.db)
    ).rows.map((r) => r.n);

  /**
   * Two batches as an import writes them: the second is prepared once the first has sent its
   * statements, and commits after it (or rolls back when it failed).
   */
  const inFlight = async (carry: BatchCarry, first: BulkRecord[], second: BulkRecord[]) => {
    let next: Promise<string[]> | undefined;
    let settle = (_ok: boolean) => {};
    const commit = new Promise<void>((resolve, reject) => {
      settle = (ok) => (ok ? resolve() : reject(new Error('the batch before failed')));
    });
    commit.catch(() => undefined);
    const one = writer.create(lead, first, {
      carry,
      onCommitted: () => settle(true),
      onStatementsSent: () => {
        next = writer.create(lead, second, { carry, commitAfter: commit });
        // Looked at once the first batch has settled; it may fail before that.
        next.catch(() => undefined);
      },
    });
    const [a] = await Promise.allSettled([one]);
    if (a!.status === 'rejected') settle(false);
    const [b] = await Promise.allSettled([next ?? Promise.reject(new Error('not started'))]);
    return [a!, b!] as const;
  };

  beforeAll(async () => {
    handle = await createTestDatabase();
    await migrateSystem(handle.db);
    const identity = new IdentityStore(handle.db);
    reps = [];
    for (const login of ['c1', 'c2']) reps.push((await identity.createUser({ login, name: login })).id);
    const store = new AppStore(handle.db);
    await store.saveDraft('bc', app(reps), { actor: null });
    await store.publish('bc', { actor: null });
    const { model } = await store.publishedModel('bc');
    writer = new RecordBulkWriter(handle.db, model);
    repo = new RecordRepository(handle.db, model);
    lead = model.entitiesByKey.get('lead')!;
  });
  afterAll(async () => handle?.close());

  it('numbers and assigns two batches in flight as one after the other would', async () => {
    const carry = new BatchCarry();
    const [a, b] = await inFlight(carry, batch(5), batch(7));
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('fulfilled');
    expect(await numbers()).toEqual(
      Array.from({ length: 12 }, (_, i) => `L-${String(i + 1).padStart(5, '0')}`),
    );
    // The first batch's numbers go to its records, in order.
    const firstIds = (a as PromiseFulfilledResult<string[]>).value;
    const firstNumbers = await Promise.all(firstIds.map(async (id) => (await repo.get(lead, id)).no));
    expect(firstNumbers).toEqual(['L-00001', 'L-00002', 'L-00003', 'L-00004', 'L-00005']);
    expect(await owners()).toEqual([6, 6]);
  });

  it('rolls back a batch whose carried number was taken meanwhile, and writes it again after', async () => {
    const carry = new BatchCarry();
    await writer.create(lead, batch(3), { carry });
    // A single create (not assigned) takes the next number.
    await repo.create(lead, { name: 'manual', status: 'won' }, { userId: null, now });
    const stale = writer.create(lead, batch(3), { carry });
    await expect(stale).rejects.toBeInstanceOf(StaleCarryError);
    await expect(stale).rejects.toThrow(/auto-number/);
    expect((await numbers()).at(-1)).toBe('L-00016');
    carry.reset();
    await writer.create(lead, batch(3), { carry });
    expect((await numbers()).slice(-3)).toEqual(['L-00017', 'L-00018', 'L-00019']);
  });

  it('rolls back the batch in flight behind one the database refuses', async () => {
    const before = await numbers();
    const carry = new BatchCarry();
    // The first batch repeats an e-mail: the unique index refuses it.
    const [a, b] = await inFlight(
      carry,
      batch(4, (i) => (i === 3 ? 'r1@x.cn' : `u${i}@x.cn`)),
      batch(4),
    );
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect(await numbers()).toEqual(before);
    // The counter moved with neither: the next batch takes the next number.
    await writer.create(lead, batch(1), {});
    expect((await numbers()).at(-1)).toBe(`L-${String(before.length + 1).padStart(5, '0')}`);
  });
});
