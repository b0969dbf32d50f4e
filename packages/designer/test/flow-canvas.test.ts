import type { Flow } from '@dougong/schema';
import { describe, expect, it } from 'vitest';
import { type FlowCanvasItem, flowCanvas } from '../src/index.js';
import { applied, crm } from './fixture.js';

// A compact picture of a canvas: steps by id, splits as { id: [branch pictures], merge }.
function picture(items: readonly FlowCanvasItem[]): unknown[] {
  return items.map((item) =>
    item.kind === 'step'
      ? item.nodeId
      : item.kind === 'goto'
        ? `→${item.nodeId}`
        : { [item.nodeId]: item.branches.map((b) => picture(b.items)), merge: item.mergeId ?? null },
  );
}

describe('flow canvas', () => {
  it('lays a straight flow out as a column with a "+" after each step', () => {
    const canvas = flowCanvas(crm().flows![0]!);
    expect(canvas.entry).toEqual({ from: null });
    expect(canvas.triggerLabel.en).toBe('When a public form is submitted');
    expect(canvas.items.map((i) => i.kind === 'step' && [i.nodeId, i.after])).toEqual([
      ['task', { from: 'task', slot: 'next' }],
      ['wait', { from: 'wait', slot: 'next' }],
      ['note', { from: 'note', slot: 'next' }],
    ]);
  });

  it('draws condition, approval and parallel paths side by side until they meet', () => {
    const canvas = flowCanvas(crm().flows![1]!);
    expect(picture(canvas.items)).toEqual([
      {
        check: [
          [
            {
              approve: [[{ fanout: [['mail'], ['log']], merge: 'meet' }, 'meet'], ['sorry'], []],
              merge: 'done',
            },
          ],
          [],
        ],
        merge: 'done',
      },
      'done',
    ]);
    const check = canvas.items[0] as Extract<FlowCanvasItem, { kind: 'split' }>;
    expect(check.after).toEqual({ before: 'done' });
    expect(check.branches.map((b) => [b.label.en, b.entry, b.removable, b.ends])).toEqual([
      ['Condition 1', { from: 'check', slot: { branch: 0 } }, false, false],
      ['Otherwise', { from: 'check', slot: 'else' }, true, false],
    ]);
    const approve = check.branches[0]!.items[0] as Extract<FlowCanvasItem, { kind: 'split' }>;
    expect(approve.branches.map((b) => [b.label.en, b.ends])).toEqual([
      ['Approved', false],
      ['Rejected', false],
      ['Returned', true],
    ]);
    // A parallel's branches meet at its join, drawn as the next step; no "+" between them and the join.
    const fanout = approve.branches[0]!.items[0] as Extract<FlowCanvasItem, { kind: 'split' }>;
    expect(fanout.after).toBeUndefined();
    expect(approve.branches[0]!.items[1]).toMatchObject({
      kind: 'step',
      nodeId: 'meet',
      after: { from: 'meet', slot: 'next' },
    });
  });

  it('offers the unset paths of a one-way step, and ends a branch that ends', () => {
    const doc = applied(crm(), {
      type: 'insertFlowNode',
      flowId: 'welcome',
      at: { from: 'wait', slot: 'next' },
      node: { kind: 'approval' },
    });
    const step = flowCanvas(doc.flows![0]!).items[2] as Extract<FlowCanvasItem, { kind: 'step' }>;
    expect(step.nodeId).toBe('approval1');
    expect(step.after).toEqual({ from: 'approval1', slot: 'approved' });
    expect(step.alternates.map((a) => [a.label.en, a.edge])).toEqual([
      ['Rejected', { from: 'approval1', slot: 'rejected' }],
      ['Returned', { from: 'approval1', slot: 'returned' }],
    ]);
    const end = flowCanvas(
      applied(crm(), {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'note', slot: 'next' },
        node: { kind: 'end' },
      }).flows![0]!,
    );
    expect(end.items.at(-1)).toMatchObject({ kind: 'step', nodeId: 'end1' });
    expect((end.items.at(-1) as { after?: unknown }).after).toBeUndefined();
  });

  it('nests splits in branches', () => {
    const doc = applied(
      crm(),
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'task', slot: 'next' },
        node: { kind: 'condition' },
      },
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'condition1', slot: { branch: 0 } },
        node: { kind: 'condition' },
      },
      {
        type: 'insertFlowNode',
        flowId: 'welcome',
        at: { from: 'condition2', slot: 'else' },
        node: { kind: 'delay' },
      },
    );
    expect(picture(flowCanvas(doc.flows![0]!).items)).toEqual([
      'task',
      { condition1: [[{ condition2: [[], ['delay1']], merge: 'wait' }], []], merge: 'wait' },
      'wait',
      'note',
    ]);
  });

  it('draws paths that jump into another branch as a go-to, and lists unreachable nodes', () => {
    const flow: Flow = {
      id: 'x',
      key: 'x',
      label: { en: 'x' },
      trigger: { kind: 'manual' },
      start: 'c',
      nodes: [
        { id: 'c', kind: 'condition', branches: [{ condition: true, next: 'a' }], else: 'b' },
        { id: 'a', kind: 'delay', minutes: 1, next: 'b' },
        { id: 'b', kind: 'delay', minutes: 1, next: 'z' },
        { id: 'z', kind: 'end' },
        { id: 'lost', kind: 'delay', minutes: 1 },
      ],
    };
    const canvas = flowCanvas(flow);
    expect(picture(canvas.items)).toEqual([{ c: [['a'], []], merge: 'b' }, 'b', 'z']);
    expect(canvas.unreachable).toEqual(['lost']);
    const tangled: Flow = {
      ...flow,
      nodes: [
        { id: 'c', kind: 'condition', branches: [{ condition: true, next: 'a' }], else: 'b' },
        { id: 'a', kind: 'delay', minutes: 1, next: 'b' },
        { id: 'b', kind: 'end' },
      ],
    };
    expect(picture(flowCanvas(tangled).items)).toEqual([{ c: [['a'], []], merge: 'b' }, 'b']);
    const crossing: Flow = {
      ...flow,
      nodes: [
        { id: 'c', kind: 'condition', branches: [{ condition: true, next: 'a' }], else: 'b' },
        { id: 'a', kind: 'delay', minutes: 1, next: 'y' },
        { id: 'b', kind: 'delay', minutes: 1, next: 'y' },
        { id: 'y', kind: 'delay', minutes: 1 },
        { id: 'q', kind: 'end' },
      ],
    };
    expect(
      picture(
        flowCanvas({
          ...crossing,
          nodes: crossing.nodes.map((n) => (n.id === 'b' ? { ...n, next: 'q' } : n)),
        }).items,
      ),
    ).toEqual([
      {
        c: [
          ['a', 'y'],
          ['b', 'q'],
        ],
        merge: null,
      },
    ]);
    const jump: Flow = {
      ...flow,
      nodes: [
        {
          id: 'c',
          kind: 'condition',
          branches: [
            { condition: true, next: 'a' },
            { condition: true, next: 'b' },
          ],
          else: 'q',
        },
        { id: 'a', kind: 'delay', minutes: 1, next: 'y' },
        { id: 'b', kind: 'delay', minutes: 1, next: 'y' },
        { id: 'y', kind: 'delay', minutes: 1 },
        { id: 'q', kind: 'end' },
      ],
    };
    expect(picture(flowCanvas(jump).items)).toEqual([{ c: [['a', 'y'], ['b', '→y'], ['q']], merge: null }]);
  });
});
