import { RecordBulkWriter } from '@dougong/db';
import type { AppDocument, EntityModel } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const L = (zh: string) => ({ 'zh-CN': zh });
const LEADS = '/api/apps/inl/entities/lead/records';

/**
 * Leads from the web are assigned round-robin within the east team as they are written (an inline
 * start node), then get a follow-up task from the rest of the flow; every lead is scored as it is
 * written by a flow that is nothing but an inline score.
 */
function inlineApp(team: string[]): AppDocument {
  return {
    schemaVersion: 1,
    key: 'inl',
    label: L('Inline'),
    entities: [
      {
        id: 'lead',
        key: 'lead',
        label: L('线索'),
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('姓名'), required: true },
          { id: 'source', key: 'source', type: 'text', label: L('来源') },
          { id: 'region', key: 'region', type: 'text', label: L('大区') },
          { id: 'assigned_at', key: 'assignedAt', type: 'datetime', label: L('分配时间') },
          { id: 'note', key: 'note', type: 'text', label: L('分配说明') },
          { id: 'score', key: 'score', type: 'number', label: L('评分') },
          { id: 'grade', key: 'grade', type: 'text', label: L('等级') },
        ],
        scoring: {
          scoreField: 'score',
          gradeField: 'grade',
          model: {
            attributes: [
              {
                id: 'east',
                label: L('华东'),
                condition: { '==': [{ var: 'region' }, 'east'] },
                points: 10,
              },
            ],
            behaviours: [],
            grades: [{ grade: 'A', min: 10 }],
            lowestGrade: 'D',
          },
        },
      },
      {
        id: 'task',
        key: 'task',
        label: L('任务'),
        fields: [
          { id: 'subject', key: 'subject', type: 'text', label: L('主题') },
          { id: 'assignee', key: 'assignee', type: 'user', label: L('执行人') },
          { id: 'lead', key: 'lead', type: 'reference', target: 'lead', label: L('线索') },
        ],
      },
    ],
    flows: [
      {
        id: 'assign',
        key: 'assign',
        label: L('分配'),
        trigger: { kind: 'recordCreated', entity: 'lead', condition: { '==': [{ var: 'source' }, 'web'] } },
        start: 'assign',
        nodes: [
          {
            id: 'assign',
            kind: 'assignOwner',
            inline: true,
            rules: {
              rules: [
                {
                  id: 'east',
                  condition: { '==': [{ var: 'region' }, 'east'] },
                  target: { team: 'east' },
                  strategy: 'round-robin',
                },
                {
                  id: 'west',
                  condition: { '==': [{ var: 'region' }, 'west'] },
                  target: { team: 'east' },
                  strategy: 'least-loaded',
                },
              ],
            },
            teams: { east: team },
            explanationField: 'note',
            values: { assignedAt: { now: [] } },
            next: 'task',
          },
          {
            id: 'task',
            kind: 'createRecord',
            entity: 'task',
            values: {
              subject: { cat: ['跟进 ', { var: 'record.name' }] },
              assignee: { var: 'nodes.assign.owner' },
              lead: { var: 'record.id' },
            },
          },
        ],
      },
      {
        id: 'score',
        key: 'score',
        label: L('评分'),
        trigger: { kind: 'recordCreated', entity: 'lead' },
        start: 'score',
        nodes: [{ id: 'score', kind: 'recomputeScore', inline: true }],
      },
    ],
  };
}

describe('inline start nodes: assignment and scoring as a record is written', () => {
  let fx: HttpFixture;
  let team: string[];
  let writer: RecordBulkWriter;
  let lead: EntityModel;

  beforeAll(async () => {
    fx = await createHttpFixture();
    team = [];
    for (const login of ['east.a', 'east.b']) {
      const res = await fx.api('POST', '/api/users', { login, name: login, password: 'pass-word-123' });
      expect(res.status, res.text).toBe(201);
      team.push(res.body.id);
    }
    await fx.publish(inlineApp(team));
    const { model } = await fx.app.dougong.store.publishedModel('inl');
    writer = new RecordBulkWriter(fx.database.db, model);
    lead = model.entitiesByKey.get('lead')!;
  });
  afterAll(async () => fx?.close());

  const runs = async (flow: string) =>
    (
      await sql<{ record_id: string; status: string; path: unknown }>`select record_id, status, path
        from dougong.flow_runs where app_key = 'inl' and flow_id = ${flow} order by created_at, id`.execute(
        fx.database.db,
      )
    ).rows.map((r) => ({
      record: String(r.record_id),
      status: r.status,
      path: typeof r.path === 'string' ? JSON.parse(r.path) : r.path,
    }));
  const tasks = async () =>
    (await fx.api('GET', '/api/apps/inl/entities/task/records?limit=100')).body.items as Array<{
      assignee: string;
      lead: string;
    }>;

  it('assigns and scores an API create in its own write, and the run goes on after the assignment', async () => {
    const created = [];
    for (const name of ['甲', '乙']) {
      const res = await fx.api('POST', LEADS, { name, source: 'web', region: 'east' });
      expect(res.status, res.text).toBe(201);
      created.push(res.body);
    }
    // The answer to the create already carries the owner, the explanation, the values and the score.
    expect(created.map((r) => r.ownerId)).toEqual(team);
    expect(created[0]).toMatchObject({
      score: '10.00',
      grade: 'A',
      assignedAt: '2026-03-01T10:00:00.000+08:00',
    });
    expect(created[0].note).toContain('轮询');
    const other = await fx.api('POST', LEADS, { name: '丙', source: 'fair', region: 'west' });
    expect(other.body).toMatchObject({ ownerId: fx.adminId, note: null, score: '0.00', grade: 'D' });
    // One history entry: the creation, with the owner the flow chose.
    const history = await fx.api('GET', `${LEADS}/${created[0].id}/history`);
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(['create']);

    await fx.app.flows.runtime.runUntilIdle();
    // The assignment's run starts with its first node done and creates the task for the owner.
    const byRecord = (a: { record: string }, b: { record: string }) => a.record.localeCompare(b.record);
    expect((await runs('assign')).sort(byRecord)).toEqual(
      created.map((r) => ({ record: r.id, status: 'succeeded', path: ['assign', 'task'] })).sort(byRecord),
    );
    expect((await tasks()).map((t) => [t.lead, t.assignee]).sort()).toEqual(
      created.map((r) => [r.id, r.ownerId]).sort(),
    );
    // A flow that is nothing but an inline node leaves no run: it was done in the write.
    expect(await runs('score')).toEqual([]);
    // The record was not written again by a run.
    expect((await fx.api('GET', `${LEADS}/${created[1].id}`)).body.version).toBe(1);
  });

  it('assigns a bulk create in order, as one create after another would, continuing the turn', async () => {
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    const ids = await writer.create(
      lead,
      ['一', '二', '三', '四', '五'].map((name) => ({
        payload: { name, source: 'web', region: 'east' },
        actor,
      })),
    );
    const stored = await Promise.all(ids.map(async (id) => (await fx.api('GET', `${LEADS}/${id}`)).body));
    expect(stored.map((r) => r.ownerId)).toEqual([team[0], team[1], team[0], team[1], team[0]]);
    expect(stored.every((r) => r.score === '10.00' && r.grade === 'A' && r.note.includes('轮询'))).toBe(true);
    await fx.app.flows.runtime.runUntilIdle();
    const byLead = new Map((await tasks()).map((t) => [t.lead, t.assignee]));
    expect(stored.map((r) => byLead.get(r.id))).toEqual(stored.map((r) => r.ownerId));
    // The next single create takes the next turn.
    const next = await fx.api('POST', LEADS, { name: '六', source: 'web', region: 'east' });
    expect(next.body.ownerId).toBe(team[1]);
  });

  it('balances a bulk create by least open records, not counting the new records for their creator', async () => {
    const owned = async () => {
      const { rows } = await sql<{ owner_id: string; n: number }>`select owner_id, count(*)::int as n
        from app_inl.t_lead where deleted_at is null group by owner_id`.execute(fx.database.db);
      const byOwner = new Map(rows.map((r) => [String(r.owner_id), Number(r.n)]));
      return team.map((id) => byOwner.get(id) ?? 0);
    };
    const before = await owned();
    // A team member imports: until assigned, each new lead is provisionally theirs.
    const actor = { userId: team[0]!, now: fx.clock.now() };
    const ids = await writer.create(
      lead,
      Array.from({ length: 8 }, (_, i) => ({
        payload: { name: `西${i}`, source: 'web', region: 'west' },
        actor,
      })),
    );
    const after = await owned();
    const gained = after.map((n, i) => n - before[i]!);
    expect(gained.reduce((a, b) => a + b, 0)).toBe(ids.length);
    // Least-loaded evens the counts out (they differ by at most one once the gap is closed).
    expect(Math.abs(after[0]! - after[1]!)).toBeLessThanOrEqual(
      Math.max(1, Math.abs(before[0]! - before[1]!) - 8),
    );
    expect(gained.every((n) => n >= 8 / 2 - Math.abs(before[0]! - before[1]!))).toBe(true);
  });

  it('writes the same history for a bulk create as for an API create, with its event', async () => {
    const payload = { name: '史', source: 'email', region: 'north' };
    const api = await fx.api('POST', LEADS, payload);
    expect(api.status, api.text).toBe(201);
    const [bulkId] = await writer.create(lead, [
      { payload, actor: { userId: fx.adminId, now: fx.clock.now() } },
    ]);
    const history = async (id: string) =>
      ((await fx.api('GET', `${LEADS}/${id}/history`)).body.items as Array<Record<string, unknown>>).map(
        ({ action, actor, changes }) => ({ action, actor, changes }),
      );
    const written = await history(bulkId!);
    expect(written).toEqual(await history(api.body.id));
    expect(written[0]).toMatchObject({
      action: 'create',
      changes: { name: { before: null, after: '史' }, grade: { before: null, after: 'D' } },
    });
    expect(Object.keys(written[0]!.changes as object)).not.toContain('note');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.flow_events
      where app_key = 'inl' and record_id = ${bulkId!}`.execute(fx.database.db);
    expect(rows[0]!.n).toBe(1);
  });

  it('runs nothing inline when a bulk write raises no events (demo data, imports of history)', async () => {
    const actor = { userId: fx.adminId, now: fx.clock.now() };
    const [id] = await writer.create(
      lead,
      [{ payload: { name: '旧', source: 'web', region: 'east' }, actor }],
      {
        events: false,
      },
    );
    expect((await fx.api('GET', `${LEADS}/${id}`)).body).toMatchObject({
      ownerId: fx.adminId,
      note: null,
      score: null,
    });
  });
});
