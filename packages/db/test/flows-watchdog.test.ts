import { IdentityStore } from '@dougong/db';
import { durationMs } from '@dougong/flows';
import type { Flow } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowFixture, type FlowFixture } from './support/flow-fixture.js';

const HOUR = 3_600_000;

const watched: Flow = {
  id: 'watched',
  key: 'watched',
  label: { en: 'Watched' },
  trigger: { kind: 'recordCreated', entity: 'lead' },
  expectedEvery: 'P1DT12H',
  start: 'e',
  nodes: [{ id: 'e', kind: 'end' }],
};
const unwatched: Flow = { ...watched, id: 'unwatched', key: 'unwatched', expectedEvery: undefined } as Flow;

describe('watchdog: enabled flows that stopped firing', () => {
  let fx: FlowFixture;
  let admins: string[];
  beforeAll(async () => {
    fx = await createFlowFixture([watched, unwatched]);
    const identity = new IdentityStore(fx.handle.db);
    admins = [
      (await identity.createUser({ login: 'meta1', name: 'Meta 1', rights: ['editMetadata'] })).id,
      (await identity.createUser({ login: 'meta2', name: 'Meta 2', rights: ['editMetadata'] })).id,
    ];
    await identity.createUser({ login: 'rep', name: 'Rep' });
  });
  afterAll(async () => fx?.close());

  const alerts = async () =>
    (
      await sql<{
        user_id: string;
        title: string;
      }>`select user_id, title from dougong.flow_inbox where kind = 'alert' and title like '%stopped firing' order by id`.execute(
        fx.handle.db,
      )
    ).rows.map((r) => [String(r.user_id), r.title]);

  it('parses the durations it accepts', () => {
    expect(durationMs('P3D')).toBe(3 * 24 * HOUR);
    expect(durationMs('PT12H')).toBe(12 * HOUR);
    expect(durationMs('P1W')).toBe(7 * 24 * HOUR);
    expect(durationMs('P1DT12H')).toBe(36 * HOUR);
    for (const bad of ['P', 'PT', '3D', 'P1Y', 'P1M']) expect(durationMs(bad), bad).toBeUndefined();
  });

  it('a flow that never fired is not reported', async () => {
    fx.clock.tick(100 * HOUR);
    expect((await fx.runtime.watchdog()).silentFlows).toEqual([]);
    expect(await alerts()).toEqual([]);
  });

  it('raises one alert per maintainer once the flow is silent for longer than expectedEvery, not one per tick', async () => {
    const repo = await fx.repo();
    await repo.create(repo.entity('lead'), { name: 'fires' }, { userId: null, now: fx.clock.now() });
    await fx.runtime.runUntilIdle();
    const firedAt = fx.clock.now().toISOString();
    fx.clock.tick(36 * HOUR);
    expect((await fx.runtime.watchdog()).silentFlows).toEqual([]);
    fx.clock.tick(60_000);
    for (let tick = 0; tick < 5; tick++) {
      const report = await fx.runtime.watchdog();
      expect(report.silentFlows).toEqual([{ appKey: 'crm', flowId: 'watched', lastFiredAt: firedAt }]);
      fx.clock.tick(60_000);
    }
    expect((await alerts()).sort()).toEqual(admins.map((id) => [id, 'Flow "watched" stopped firing']).sort());
  });

  it('after firing again, a new silence raises a new alert; a disabled flow raises none', async () => {
    const repo = await fx.repo();
    await repo.create(repo.entity('lead'), { name: 'again' }, { userId: null, now: fx.clock.now() });
    await fx.runtime.runUntilIdle();
    expect((await fx.runtime.watchdog()).silentFlows).toEqual([]);
    fx.clock.tick(37 * HOUR);
    await fx.runtime.watchdog();
    await fx.runtime.watchdog();
    expect(await alerts()).toHaveLength(4);
    await fx.publish([{ ...watched, enabled: false }, unwatched]);
    fx.clock.tick(100 * HOUR);
    expect((await fx.runtime.watchdog()).silentFlows).toEqual([]);
    expect(await alerts()).toHaveLength(4);
  });
});
