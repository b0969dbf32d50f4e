import { describe, expect, it } from 'vitest';
import { createDesignerState, dispatch, undo } from '../../src/index.js';
import { crm, deepFreeze, refused, roundTrip } from '../fixture.js';

const node = (doc: ReturnType<typeof crm>, id: string, flowId = 'welcome') =>
  doc.flows!.find((f) => f.id === flowId)!.nodes.find((n) => n.id === id)!;

describe('updateFlowNode', () => {
  it('changes configuration and label, removing optional ones with null', () => {
    const { after, state } = roundTrip(crm(), {
      type: 'updateFlowNode',
      flowId: 'welcome',
      nodeId: 'task',
      patch: { label: { en: 'Call' }, dueInMinutes: 1440, assignee: { var: 'record.ownerId' } },
    });
    expect(node(after, 'task')).toEqual({
      id: 'task',
      kind: 'createTask',
      title: '跟进 {{record.name}}',
      next: 'wait',
      label: { en: 'Call' },
      dueInMinutes: 1440,
      assignee: { var: 'record.ownerId' },
    });
    expect(state.selection).toEqual({ kind: 'flowNode', flowId: 'welcome', nodeId: 'task' });
    const { after: back } = roundTrip(after, {
      type: 'updateFlowNode',
      flowId: 'welcome',
      nodeId: 'task',
      patch: { label: { en: '' }, dueInMinutes: null },
    });
    expect(node(back, 'task')).not.toHaveProperty('label');
    expect(node(back, 'task')).not.toHaveProperty('dueInMinutes');
  });

  it('merges typing a template into one undo step', () => {
    const doc = deepFreeze(crm());
    let state = createDesignerState(doc);
    for (const title of ['C', 'Ca', 'Call {{record.name}}'])
      state = dispatch(state, {
        type: 'updateFlowNode',
        flowId: 'welcome',
        nodeId: 'task',
        patch: { title },
      });
    expect(state.past).toHaveLength(1);
    expect(undo(state).doc).toBe(doc);
  });

  it('refuses pointers and properties the kind lacks', () => {
    refused(
      crm(),
      { type: 'updateFlowNode', flowId: 'welcome', nodeId: 'task', patch: { next: 'note' } },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'updateFlowNode', flowId: 'big_deal', nodeId: 'check', patch: { branches: [] } },
      'invalid_value',
    );
    refused(
      crm(),
      { type: 'updateFlowNode', flowId: 'welcome', nodeId: 'wait', patch: { subject: 'x' } },
      'invalid_value',
    );
    refused(crm(), { type: 'updateFlowNode', flowId: 'welcome', nodeId: 'ghost', patch: {} }, 'not_found');
  });
});
