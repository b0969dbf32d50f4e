import {
  type FlowEffect,
  finishStep,
  type NextStep,
  planStep,
  type RunScope,
  type StepPlan,
  type StepState,
} from '@dougong/flows';
import { type AppModel, DougongError, type Flow } from '@dougong/schema';
import type { RecordRepository } from '../records/record-repository.js';

/** What a test run did: the path, each step's output, and the effects captured instead of performed. */
export interface SimulationResult {
  path: string[];
  steps: Array<{ nodeId: string; branch: string; output: unknown; effect?: FlowEffect; note?: string }>;
  effects: FlowEffect[];
  status: 'succeeded' | 'failed';
  error?: string;
}

const MAX_STEPS = 500;

/**
 * Test mode: runs a flow against a record in memory with the real planner. Queries read real data;
 * e-mails, HTTP calls, notifications and record writes are captured, not performed; delays and waits
 * pass at once; approvals count as approved. Nothing is written.
 */
export async function simulateFlow(
  flow: Flow,
  model: AppModel,
  repo: RecordRepository,
  input: { record: Record<string, unknown> | null; trigger?: unknown; now: Date },
): Promise<SimulationResult> {
  const result: SimulationResult = { path: [], steps: [], effects: [], status: 'succeeded' };
  const nodes: Record<string, unknown> = {};
  let vars: Record<string, unknown> = {};
  const queue: Array<{ node: string; branch: string }> = [{ node: flow.start, branch: '' }];
  const arrivals = new Map<string, Set<string>>();
  let now = input.now;
  for (let guard = 0; queue.length > 0; guard++) {
    if (guard > MAX_STEPS)
      throw new DougongError('VALIDATION_FAILED', 'The flow takes too many steps to simulate.');
    const { node, branch } = queue.shift()!;
    let state: StepState | null = null;
    let effect: FlowEffect | undefined;
    let plan: StepPlan;
    for (let visit = 0; ; visit++) {
      const scope: RunScope = {
        record: input.record,
        trigger: input.trigger ?? { kind: 'test' },
        nodes,
        vars,
        run: { id: 'test', flow: flow.id },
      };
      const stepInput = { flow, nodeId: node, branch, scope, now, timeZone: model.timeZone, state };
      plan = planStep(stepInput);
      if (plan.kind === 'perform') {
        effect = plan.effect;
        result.effects.push(effect);
        plan = finishStep(stepInput, await simulatedResult(effect, model, repo, input.record));
      }
      if (plan.kind !== 'wait' || visit > 50) break;
      state = {
        ...plan.state,
        approvals: plan.state.opened ? [{ approver: 'test', status: 'approved' }] : [],
      };
      if (plan.until) now = plan.until;
    }
    if (plan.kind === 'fail') return { ...result, status: 'failed', error: plan.error };
    if (plan.kind !== 'advance') return { ...result, status: 'failed', error: `${node} did not finish` };
    nodes[node] = plan.output;
    vars = { ...vars, ...(plan.vars ?? {}) };
    result.path.push(node);
    result.steps.push({ nodeId: node, branch, output: plan.output, ...(effect ? { effect } : {}) });
    if (plan.endRun) break;
    for (const next of plan.next) enqueue(next);
  }
  return result;

  function enqueue(next: NextStep) {
    if (!next.arrival) return void queue.push({ node: next.node, branch: next.branch });
    const key = `${next.node}@${next.branch}`;
    const seen = arrivals.get(key) ?? new Set<string>();
    const first = seen.size === 0;
    seen.add(next.arrival.from);
    arrivals.set(key, seen);
    if (
      (next.arrival.mode === 'any' && first) ||
      (next.arrival.mode === 'all' && seen.size === next.arrival.expected)
    )
      queue.push({ node: next.node, branch: next.branch });
  }
}

async function simulatedResult(
  effect: FlowEffect,
  model: AppModel,
  repo: RecordRepository,
  record: Record<string, unknown> | null,
): Promise<unknown> {
  switch (effect.kind) {
    case 'queryRecords': {
      const entity = model.entitiesById.get(effect.entity);
      if (!entity) throw new DougongError('NOT_FOUND', `No entity "${effect.entity}".`);
      const page = await repo.list(entity, {
        filter: effect.filter,
        ...(effect.sort ? { sort: effect.sort } : {}),
        limit: effect.limit,
      });
      return { items: page.items, total: page.total };
    }
    case 'createRecord':
      return { id: '00000000-0000-0000-0000-000000000000', ...effect.values, captured: true };
    case 'updateRecord':
      return { ...(record ?? {}), ...effect.values, captured: true };
    case 'httpRequest':
      return { status: 200, body: null, captured: true };
    case 'openApproval':
      return { dueAt: null, approvers: [] };
    default:
      return { captured: true };
  }
}
