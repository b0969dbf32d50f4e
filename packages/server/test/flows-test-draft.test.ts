import type { AppDocument, Flow } from '@dougong/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from './support/http-fixture.js';

const L = (en: string) => ({ en });

const published: Flow = {
  id: 'route',
  key: 'route',
  label: L('Route'),
  trigger: { kind: 'recordCreated', entity: 'lead' },
  start: 'end1',
  nodes: [{ id: 'end1', kind: 'end' }],
};

function app(): AppDocument {
  return {
    schemaVersion: 1,
    key: 'crm',
    label: L('CRM'),
    entities: [
      {
        id: 'lead',
        key: 'lead',
        label: L('Lead'),
        titleField: 'name',
        fields: [
          { id: 'name', key: 'name', type: 'text', label: L('Name'), required: true },
          { id: 'amount', key: 'amount', type: 'money', label: L('Amount') },
          { id: 'note', key: 'note', type: 'text', label: L('Note') },
        ],
      },
    ],
    flows: [published],
  } as AppDocument;
}

/** The designer's unsaved draft: a condition on the amount, a notification on each branch. */
function draft(key = 'route'): Flow {
  return {
    id: key,
    key,
    label: L('Route'),
    trigger: { kind: 'recordCreated', entity: 'lead' },
    start: 'condition1',
    nodes: [
      {
        id: 'condition1',
        kind: 'condition',
        branches: [{ condition: { dec_gte: [{ var: 'record.amount' }, '100000'] }, next: 'notify1' }],
        else: 'updateRecord1',
      },
      { id: 'notify1', kind: 'notify', channel: 'inbox', title: 'Big {{record.name}}', text: 'x' },
      {
        id: 'updateRecord1',
        kind: 'updateRecord',
        entity: 'lead',
        values: { note: 'small' },
        next: 'end1',
      },
      { id: 'end1', kind: 'end' },
    ],
  };
}

describe('flow test mode on an unsaved flow definition and sample values', () => {
  let fx: HttpFixture;
  let leadId: string;

  beforeAll(async () => {
    fx = await createHttpFixture();
    await fx.publish(app());
    const lead = await fx.api('POST', '/api/apps/crm/entities/lead/records', {
      name: '小单',
      amount: '500.00',
    });
    expect(lead.status, lead.text).toBe(201);
    leadId = lead.body.id;
    await fx.app.flows.runtime.runUntilIdle();
  });
  afterAll(async () => fx?.close());

  const runsCount = async () => {
    const { sql } = await import('kysely');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from dougong.flow_runs`.execute(
      fx.database.db,
    );
    return rows[0]!.n;
  };

  it('runs the sent definition against sample values: the path and each step output, nothing written', async () => {
    const before = { rows: await fx.tableRows('crm', 'lead'), runs: await runsCount() };
    const res = await fx.api('POST', '/api/apps/crm/flows/route/test', {
      flow: draft(),
      record: { name: '大单', amount: '250000.00' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('succeeded');
    expect(res.body.path).toEqual(['condition1', 'notify1']);
    expect(res.body.steps[0]).toMatchObject({ nodeId: 'condition1', output: { branch: 0 } });
    expect(res.body.effects).toMatchObject([{ kind: 'inbox', title: 'Big 大单' }]);
    expect(await fx.tableRows('crm', 'lead')).toEqual(before.rows);
    expect(await runsCount()).toBe(before.runs);
  });

  it('runs the sent definition against a real record, taking the else branch', async () => {
    const res = await fx.api('POST', '/api/apps/crm/flows/route/test', { flow: draft(), recordId: leadId });
    expect(res.status, res.text).toBe(200);
    expect(res.body.path).toEqual(['condition1', 'updateRecord1', 'end1']);
    expect(res.body.steps[1]).toMatchObject({
      nodeId: 'updateRecord1',
      output: { id: leadId, note: 'small', captured: true },
    });
    const rows = await fx.tableRows('crm', 'lead');
    expect(rows.find((r) => r.id === leadId)?.f_note).toBeNull();
  });

  it('runs a flow that is not published yet, named by its key', async () => {
    const res = await fx.api('POST', '/api/apps/crm/flows/fresh/test', {
      flow: draft('fresh'),
      record: { name: 'n', amount: '1' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body, res.text).toMatchObject({ path: ['condition1', 'updateRecord1', 'end1'] });
    // Without a definition the unpublished flow does not exist.
    expect((await fx.api('POST', '/api/apps/crm/flows/fresh/test', {})).status).toBe(404);
  });

  it('the published flow is still what runs without a definition', async () => {
    const res = await fx.api('POST', '/api/apps/crm/flows/route/test', { recordId: leadId });
    expect(res.status, res.text).toBe(200);
    expect(res.body.path).toEqual(['end1']);
  });

  it('refuses invalid definitions and samples with the JSON Pointer of the problem', async () => {
    const runs = await runsCount();
    const badGraph = draft();
    (badGraph.nodes[0] as { else?: string }).else = 'nowhere';
    const graph = await fx.api('POST', '/api/apps/crm/flows/route/test', { flow: badGraph, record: {} });
    expect(graph.status).toBe(400);
    expect(graph.body.error.details).toEqual([
      expect.objectContaining({ path: '/flow/nodes/0', message: expect.stringContaining('nowhere') }),
    ]);

    const badSchema = draft();
    badSchema.nodes.push({ id: 'delay1', kind: 'delay', minutes: -5 });
    const schema = await fx.api('POST', '/api/apps/crm/flows/route/test', { flow: badSchema });
    expect(schema.status).toBe(400);
    expect(schema.body.error.details.map((d: { path: string }) => d.path)).toContain('/flow/nodes/4/minutes');

    const wrongKey = await fx.api('POST', '/api/apps/crm/flows/route/test', { flow: draft('other') });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.error.details).toEqual([expect.objectContaining({ path: '/flow/key' })]);

    const notFlow = await fx.api('POST', '/api/apps/crm/flows/route/test', { flow: [1] });
    expect(notFlow.status).toBe(400);
    expect(notFlow.body.error.details).toEqual([expect.objectContaining({ path: '/flow' })]);

    const badSample = await fx.api('POST', '/api/apps/crm/flows/route/test', { flow: draft(), record: [1] });
    expect(badSample.status).toBe(400);
    expect(badSample.body.error.details).toEqual([expect.objectContaining({ path: '/record' })]);
    expect(await runsCount()).toBe(runs);
  });
});
