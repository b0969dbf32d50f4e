import { BatchCarry, IdentityStore, RecordBulkWriter, StaleCarryError } from '@dougong/db';
import type { AppDocument, Flow } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowFixture, type FlowFixture, flowApp } from './support/flow-fixture.js';

const OPEN = ['new', 'working'];

/** New leads go to the least loaded of three reps, counting leads whose status is in `open`. */
function assignFlow(team: string[], openFilter: unknown): Flow {
  return {
    id: 'assign',
    key: 'assign',
    label: { en: 'Assign' },
    trigger: { kind: 'recordCreated', entity: 'lead' },
    start: 'own',
    nodes: [
      {
        id: 'own',
        kind: 'assignOwner',
        inline: true,
        rules: { rules: [], fallback: { target: { team: 'reps' }, strategy: 'least-loaded' } },
        teams: { reps: team },
        openFilter,
      },
    ],
  } as Flow;
}

describe('open-record counts kept by the database for least-loaded assignment', () => {
  let fx: FlowFixture;
  let reps: string[];
  const actor = () => ({ userId: null, now: fx.clock.now() });
  const db = () => fx.handle.db;

  const counters = async () =>
    (
      await sql<{ counter: string; entity_id: string }>`select counter, entity_id from dougong.open_counters
        where app_key = 'crm' order by counter`.execute(db())
    ).rows;
  const triggers = async () =>
    (
      await sql<{ tgname: string }>`select tgname from pg_trigger where tgname like 'dougong_open_%'
        order by tgname`.execute(db())
    ).rows.map((r) => r.tgname);
  /** The counts the counter keeps, by owner (owners with none left out). */
  const kept = async () => {
    const [counter] = await counters();
    const { rows } = await sql<{ owner_id: string; n: string }>`select owner_id, n from dougong.open_counts
      where app_key = 'crm' and counter = ${counter!.counter} and n <> 0`.execute(db());
    return Object.fromEntries(rows.map((r) => [String(r.owner_id), Number(r.n)]));
  };
  /** The same counts, counted from the table. */
  const counted = async (statuses = OPEN) => {
    const { rows } = await sql<{ owner_id: string; n: number }>`select owner_id, count(*)::int as n
      from app_crm.t_lead where deleted_at is null and owner_id is not null
        and f_status = any(cast(${`{${statuses.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`} as text[]))
      group by owner_id`.execute(db());
    return Object.fromEntries(rows.map((r) => [String(r.owner_id), Number(r.n)]));
  };
  const lead = async (values: Record<string, unknown>) => {
    const repo = await fx.repo();
    return repo.create(repo.entity('lead'), values, actor());
  };

  beforeAll(async () => {
    fx = await createFlowFixture();
    const identity = new IdentityStore(fx.handle.db);
    reps = [];
    for (const login of ['r1', 'r2', 'r3']) reps.push((await identity.createUser({ login, name: login })).id);
  });
  afterAll(async () => fx?.close());

  it('counts the records already there when publishing installs the counter, then follows every write', async () => {
    // Before the flow: leads of r1 and r2 in every state, one of them deleted.
    const repo = await fx.repo();
    const leadModel = repo.entity('lead');
    for (const [i, status] of ['new', 'working', 'won', 'new', 'new'].entries())
      await repo.create(leadModel, { name: `p${i}`, status, ownerId: reps[i % 2] }, actor());
    const gone = await lead({ name: 'gone', status: 'new', ownerId: reps[0] });
    await repo.remove(leadModel, gone.id, actor());
    expect(await counters()).toEqual([]);

    await fx.publish([assignFlow(reps, { in_list: [{ var: 'status' }, OPEN] })]);
    expect(await counters()).toHaveLength(1);
    expect(await triggers()).toHaveLength(3);
    expect(await kept()).toEqual({ [reps[0]!]: 2, [reps[1]!]: 2 });

    // A create assigned by the flow goes to the rep with no open lead.
    const created = await lead({ name: 'c1', status: 'new' });
    expect(created.ownerId).toBe(reps[2]);
    expect(await kept()).toEqual(await counted());
    const model = (await fx.repo()).entity('lead');
    const writes = await fx.repo();
    // Closed, moved to another owner, deleted, restored: each keeps the counts right.
    await writes.update(model, created.id, { status: 'won', version: 1 }, actor());
    expect(await kept()).toEqual(await counted());
    await writes.update(model, created.id, { status: 'working', ownerId: reps[0], version: 2 }, actor());
    expect(await kept()).toEqual(await counted());
    await writes.remove(model, created.id, actor());
    expect(await kept()).toEqual(await counted());
    await writes.restore(model, gone.id, actor());
    expect(await kept()).toEqual(await counted());
    // A bulk create of 7, balanced by the counts, and a delete of rows by hand.
    const writer = new RecordBulkWriter(db(), (await fx.store.publishedModel('crm')).model);
    await writer.create(
      model,
      Array.from({ length: 7 }, (_, i) => ({ payload: { name: `b${i}`, status: 'new' }, actor: actor() })),
    );
    const after = await counted();
    expect(await kept()).toEqual(after);
    expect(
      Math.max(...reps.map((r) => after[r] ?? 0)) - Math.min(...reps.map((r) => after[r] ?? 0)),
    ).toBeLessThanOrEqual(1);
    await sql`delete from app_crm.t_lead where f_name in ('b0', 'b1')`.execute(db());
    expect(await kept()).toEqual(await counted());
  });

  it('assigns by the kept counts, without counting the records', async () => {
    const [counter] = await counters();
    // Make r1 and r2 look busy in the counter alone: the next lead goes to r3 whatever the table says.
    await sql`update dougong.open_counts set n = n + 1000 where counter = ${counter!.counter}
      and owner_id = any(cast(${`{${reps[0]},${reps[1]}}`} as uuid[]))`.execute(db());
    try {
      expect((await lead({ name: 'to-r3', status: 'new' })).ownerId).toBe(reps[2]);
    } finally {
      await sql`update dougong.open_counts set n = n - 1000 where counter = ${counter!.counter}
        and owner_id = any(cast(${`{${reps[0]},${reps[1]}}`} as uuid[]))`.execute(db());
    }
    expect(await kept()).toEqual(await counted());
  });

  it('carries the state from one batch of an import to the next, both in flight at once', async () => {
    const model = (await fx.repo()).entity('lead');
    const writer = new RecordBulkWriter(db(), (await fx.store.publishedModel('crm')).model);
    const batch = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        payload: { name: `${prefix}${i}`, status: 'new' },
        actor: actor(),
      }));
    const carry = new BatchCarry();
    // The second batch starts once the first has sent its statements, and commits after it.
    let second: Promise<string[]> | undefined;
    let carried = false;
    let committed = () => {};
    const first = writer.create(model, batch('p', 5), {
      carry,
      onCommitted: () => committed(),
      onStatementsSent: () => {
        carried = carry.carries('assign/own');
        second = writer.create(model, batch('q', 7), {
          carry,
          commitAfter: new Promise<void>((resolve) => {
            committed = resolve;
          }),
        });
      },
    });
    await first;
    await second;
    expect(carried).toBe(true);
    const after = await counted();
    expect(await kept()).toEqual(after);
    const open = reps.map((r) => after[r] ?? 0);
    expect(Math.max(...open) - Math.min(...open)).toBeLessThanOrEqual(1);

    // An assignment between two batches makes the carried state stale: the batch rolls back.
    await lead({ name: 'between', status: 'new' });
    const stale = writer.create(model, batch('s', 3), { carry });
    await expect(stale).rejects.toBeInstanceOf(StaleCarryError);
    const written = await sql<{ n: number }>`select count(*)::int as n from app_crm.t_lead
      where f_name like 's%'`.execute(db());
    expect(written.rows[0]!.n).toBe(0);
    expect(await kept()).toEqual(await counted());
    // Written again with the state read under the lock.
    carry.reset();
    await writer.create(model, batch('s', 3), { carry });
    expect(await kept()).toEqual(await counted());
  });

  it('recounts when the plan changes the table, and drops the counter with the flow', async () => {
    const [before] = await counters();
    // Archiving another field of the table reinstalls the same counter, counted again.
    const doc = flowApp([assignFlow(reps, { in_list: [{ var: 'status' }, OPEN] })]);
    const leads = doc.entities.find((e) => e.id === 'lead')!;
    const withoutScore: AppDocument = {
      ...doc,
      entities: doc.entities.map((e) =>
        e === leads ? { ...leads, fields: leads.fields.filter((f) => f.id !== 'score') } : e,
      ),
    };
    // Counts gone wrong (by hand) show whether they were counted again.
    await sql`update dougong.open_counts set n = n + 1000 where counter = ${before!.counter}`.execute(db());
    await fx.store.saveDraft('crm', withoutScore, { actor: null });
    await fx.store.publish('crm', { actor: null });
    fx.store.invalidate('crm');
    expect(await counters()).toEqual([before]);
    expect(await triggers()).toHaveLength(3);
    expect(await kept()).toEqual(await counted());

    // Another filter: a new counter in place of the old one, literals quoted.
    const odd = ["it's", 'back\\slash', 'new'];
    await fx.publish([assignFlow(reps, { in_list: [{ var: 'status' }, odd] })]);
    const [after] = await counters();
    expect(after!.counter).not.toBe(before!.counter);
    expect(await triggers()).toHaveLength(3);
    for (const status of ["it's", 'back\\slash']) await lead({ name: status, status });
    expect(await kept()).toEqual(await counted(odd));

    // Without the flow, no counter and no trigger: writes go on.
    await fx.publish([]);
    expect(await counters()).toEqual([]);
    expect(await triggers()).toEqual([]);
    expect((await lead({ name: 'plain', status: 'new' })).name).toBe('plain');
  });

  it('counts on each assignment when the filter reads the clock or the run', async () => {
    const filters = [
      // Leads assigned from today on (the clock).
      { and: [{ in_list: [{ var: 'status' }, OPEN] }, { '>=': [{ var: 'assignedOn' }, { today: [] }] }] },
      // A value of the run.
      { in_list: [{ var: 'status' }, { run: { var: 'record.status' } }] },
      // A literal that would end the trigger's body.
      { in_list: [{ var: 'status' }, ['$dougong_open$']] },
    ];
    for (const filter of filters) {
      await fx.publish([assignFlow(reps, filter)]);
      expect(await counters()).toEqual([]);
      expect(await triggers()).toEqual([]);
    }
    // Counted on each assignment: r3 owns the most open leads, but none assigned from today.
    await fx.publish([assignFlow(reps, filters[0])]);
    const writes = await fx.repo();
    const model = writes.entity('lead');
    for (let i = 0; i < 5; i++) {
      const made = await lead({ name: `r3-${i}`, status: 'new' });
      await writes.update(model, made.id, { ownerId: reps[2], version: made.version }, actor());
    }
    await sql`update app_crm.t_lead set f_assigned_on = ${fx.clock.now().toISOString().slice(0, 10)}
      where owner_id = any(cast(${`{${reps[0]},${reps[1]}}`} as uuid[]))`.execute(db());
    const open = await counted();
    expect(open[reps[2]!]).toBeGreaterThan(Math.max(open[reps[0]!] ?? 0, open[reps[1]!] ?? 0));
    expect((await lead({ name: 'clocked', status: 'new' })).ownerId).toBe(reps[2]);
  });
});
