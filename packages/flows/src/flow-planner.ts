import { type BehaviourEvent, truthy } from '@dougong/rules';
import type { Flow, FlowNode, FlowNodeKind } from '@dougong/schema';
import type { FlowEffect } from './flow-effects.js';
import { branchOf, parentBranch } from './flow-graph.js';
import { evaluate, evaluateValues, type RunScope, readPointer } from './flow-scope.js';
import { renderJson, renderTemplate } from './template-render.js';

/** A step the runtime should create: `dueAt` null means now; `arrival` marks a branch reaching a join. */
export interface NextStep {
  readonly node: string;
  readonly branch: string;
  readonly dueAt: Date | null;
  readonly arrival?: { readonly from: string; readonly expected: number; readonly mode: 'all' | 'any' };
}

/** An approval task as the runtime shows it to the planner. */
export interface ApprovalTask {
  readonly approver: string;
  readonly status: 'pending' | 'approved' | 'rejected' | 'returned' | 'escalated';
}

/** What a step remembers between visits (a waiting step is visited again when due or woken). */
export interface StepState {
  readonly firstSeenAt?: string;
  readonly dueAt?: string | null;
  readonly escalated?: boolean;
  readonly opened?: boolean;
  /** Filled in by the runtime for approval steps. */
  readonly approvals?: readonly ApprovalTask[];
}

/** Everything the planner needs to decide one step. Plain data; no I/O behind it. */
export interface StepInput {
  readonly flow: Flow;
  readonly nodeId: string;
  readonly branch: string;
  readonly scope: RunScope;
  readonly now: Date;
  readonly timeZone: string;
  readonly state: StepState | null;
}

/**
 * The planner's decision for one step:
 * - `perform`: carry out the effect (once per idempotency key), then call {@link finishStep} with its result;
 * - `advance`: the step is done with `output`; create the `next` steps (and end the run when `endRun`);
 * - `wait`: sleep until `until` (null: until woken), remembering `state`;
 * - `fail`: a permanent error (a bad expression, a missing record id) — retrying would not help.
 */
export type StepPlan =
  | { readonly kind: 'perform'; readonly effect: FlowEffect }
  | {
      readonly kind: 'advance';
      readonly output: unknown;
      readonly next: readonly NextStep[];
      readonly vars?: Readonly<Record<string, unknown>>;
      readonly endRun?: boolean;
      /** Cancel the unfinished steps of these branches (a join of `any`). */
      readonly cancelBranches?: readonly string[];
    }
  | { readonly kind: 'wait'; readonly until: Date | null; readonly state: StepState }
  | { readonly kind: 'fail'; readonly error: string };

type NodeOf<K extends FlowNodeKind> = Extract<FlowNode, { kind: K }>;

interface NodePlanner<K extends FlowNodeKind> {
  /** First decision for the node. */
  plan(node: NodeOf<K>, input: StepInput): StepPlan;
  /** After the effect ran (nodes that never return `perform` need none). */
  finish?(node: NodeOf<K>, input: StepInput, result: unknown): StepPlan;
}

const ctxOf = (input: StepInput) => ({ now: input.now, timeZone: input.timeZone });
const data = (input: StepInput) => ({ ...input.scope, now: input.now.toISOString() });

/** The next step of a node's `next`, resolving joins (a branch reaching its parallel's join). */
export function follow(
  flow: Flow,
  from: string,
  target: string | undefined,
  dueAt: Date | null = null,
): NextStep[] {
  if (target === undefined) return [];
  const node = flow.nodes.find((n) => n.id === target);
  if (node?.kind === 'join') {
    const parallel = branchOf(flow, from, target);
    if (parallel) {
      return [
        {
          node: target,
          branch: parallel.parent,
          dueAt,
          arrival: { from, expected: parallel.expected, mode: node.mode },
        },
      ];
    }
  }
  return [{ node: target, branch: from, dueAt }];
}

const advance = (
  input: StepInput,
  output: unknown,
  target: string | undefined,
  dueAt: Date | null = null,
): StepPlan => ({
  kind: 'advance',
  output,
  next: follow(input.flow, input.branch, target, dueAt),
});

const asList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === null || value === undefined || value === '' ? [] : [value]).map(
    String,
  );

const recordId = (input: StepInput): string | undefined => {
  const id = input.scope.record?.id;
  return typeof id === 'string' ? id : undefined;
};

const toDate = (value: unknown): Date | null => {
  if (value instanceof Date) return value;
  if (typeof value !== 'string' || value === '') return null;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(d.getTime()) ? null : d;
};

const minutesFrom = (now: Date, minutes: number) => new Date(now.getTime() + minutes * 60_000);

/** One planner per node kind: adding a kind without its planner fails to compile. */
const PLANNERS: { [K in FlowNodeKind]: NodePlanner<K> } = {
  condition: {
    plan(node, input) {
      for (const [index, branch] of node.branches.entries()) {
        if (truthy(evaluate(branch.condition, input.scope, ctxOf(input))))
          return advance(input, { branch: index }, branch.next);
      }
      return advance(input, { branch: 'else' }, node.else);
    },
  },
  parallel: {
    plan(node, input) {
      const prefix = input.branch === '' ? '' : `${input.branch}/`;
      return {
        kind: 'advance',
        output: { branches: node.branches.length },
        next: node.branches.map((target, i) => ({
          node: target,
          branch: `${prefix}${node.id}.${i}`,
          dueAt: null,
        })),
      };
    },
  },
  join: {
    plan(node, input) {
      const parallel = input.flow.nodes.find((n) => n.kind === 'parallel' && n.join === node.id);
      const prefix = input.branch === '' ? '' : `${input.branch}/`;
      return {
        kind: 'advance',
        output: { mode: node.mode },
        next: follow(input.flow, input.branch, node.next),
        ...(node.mode === 'any' && parallel ? { cancelBranches: [`${prefix}${parallel.id}.`] } : {}),
      };
    },
  },
  delay: {
    plan(node, input) {
      const until = minutesFrom(input.now, node.minutes);
      return advance(input, { until: until.toISOString() }, node.next, until);
    },
  },
  waitUntil: {
    plan(node, input) {
      const firstSeen = input.state?.firstSeenAt ? new Date(input.state.firstSeenAt) : input.now;
      const state: StepState = { firstSeenAt: firstSeen.toISOString() };
      const deadline = node.timeoutMinutes !== undefined ? minutesFrom(firstSeen, node.timeoutMinutes) : null;
      if (node.at !== undefined) {
        const at = toDate(evaluate(node.at, input.scope, ctxOf(input)));
        if (at && at > input.now && !(deadline && deadline <= input.now))
          return { kind: 'wait', until: deadline && deadline < at ? deadline : at, state };
      }
      if (node.condition !== undefined && !truthy(evaluate(node.condition, input.scope, ctxOf(input)))) {
        if (deadline && deadline <= input.now)
          return advance(input, { timedOut: true }, node.timeoutNext ?? node.next);
        const recheck = minutesFrom(input.now, node.recheckMinutes ?? 5);
        return { kind: 'wait', until: deadline && deadline < recheck ? deadline : recheck, state };
      }
      if (node.at !== undefined && deadline && deadline <= input.now) {
        const at = toDate(evaluate(node.at, input.scope, ctxOf(input)));
        if (at && at > input.now) return advance(input, { timedOut: true }, node.timeoutNext ?? node.next);
      }
      return advance(input, { timedOut: false }, node.next);
    },
  },
  queryRecords: {
    plan(node, input) {
      return {
        kind: 'perform',
        effect: {
          kind: 'queryRecords',
          entity: node.entity,
          filter: node.filter === undefined ? undefined : bindFilter(node.filter, input),
          sort: node.sort,
          limit: node.limit ?? 50,
        },
      };
    },
    finish: (node, input, result) => advance(input, result, node.next),
  },
  createRecord: {
    plan(node, input) {
      return {
        kind: 'perform',
        effect: {
          kind: 'createRecord',
          entity: node.entity,
          values: evaluateValues(node.values, input.scope, ctxOf(input)),
        },
      };
    },
    finish: (node, input, result) => advance(input, result, node.next),
  },
  updateRecord: {
    plan(node, input) {
      const id =
        node.record === undefined ? recordId(input) : evaluate(node.record, input.scope, ctxOf(input));
      if (typeof id !== 'string' || id === '') return { kind: 'fail', error: 'updateRecord: no record id' };
      return {
        kind: 'perform',
        effect: {
          kind: 'updateRecord',
          entity: node.entity,
          id,
          values: evaluateValues(node.values, input.scope, ctxOf(input)),
        },
      };
    },
    finish: (node, input, result) => advance(input, result, node.next),
  },
  assignOwner: {
    plan(node, input) {
      const id = recordId(input);
      const entity = triggerEntity(input.flow, input.scope.trigger);
      if (!id || !entity) return { kind: 'fail', error: 'assignOwner needs a trigger record' };
      return {
        kind: 'perform',
        effect: {
          kind: 'assignOwner',
          entity,
          id,
          record: { ...(input.scope.record ?? {}) },
          rules: node.rules,
          teams: node.teams ?? {},
          ...(node.openFilter !== undefined ? { openFilter: bindFilter(node.openFilter, input) } : {}),
          ...(node.explanationField ? { explanationField: node.explanationField } : {}),
          ...(node.values ? { values: evaluateValues(node.values, input.scope, ctxOf(input)) } : {}),
        },
      };
    },
    finish: (node, input, result) => advance(input, result, node.next),
  },
  updateRecords: {
    plan(node, input) {
      return {
        kind: 'perform',
        effect: {
          kind: 'updateRecords',
          entity: node.entity,
          filter: bindFilter(node.filter, input),
          sort: node.sort,
          limit: node.limit ?? 200,
          values: evaluateValues(node.values, input.scope, ctxOf(input)),
        },
      };
    },
    finish: (node, input, result) => advance(input, result, node.next),
  },
  createTask: {
    plan(node, input) {
      const assignee =
        node.assignee === undefined
          ? input.scope.record?.ownerId
          : evaluate(node.assignee, input.scope, ctxOf(input));
      const due = node.dueInMinutes === undefined ? null : minutesFrom(input.now, node.dueInMinutes);
      const remind =
        due && node.remindBeforeMinutes !== undefined
          ? new Date(due.getTime() - node.remindBeforeMinutes * 60_000)
          : null;
      return {
        kind: 'perform',
        effect: {
          kind: 'createTask',
          title: renderTemplate(node.title, data(input), { escape: false }),
          assignee: typeof assignee === 'string' ? assignee : null,
          dueAt: due?.toISOString() ?? null,
          remindAt: remind?.toISOString() ?? null,
        },
      };
    },
    finish: (node, input, result) => advance(input, result, node.next),
  },
  sendEmail: {
    plan(node, input) {
      const list = (expr: unknown) =>
        expr === undefined ? [] : asList(evaluate(expr, input.scope, ctxOf(input)));
      const to = list(node.to);
      const toUsers = list(node.toUsers);
      const managersOf = list(node.toManagerOf);
      if (to.length + toUsers.length + managersOf.length === 0)
        return { kind: 'fail', error: 'sendEmail: no recipient' };
      return {
        kind: 'perform',
        effect: {
          kind: 'sendEmail',
          to,
          subject: renderTemplate(node.subject, data(input), { escape: false }),
          html: renderTemplate(node.body, data(input)),
          ...(node.trackLinks ? { trackLinks: true } : {}),
          ...(node.trackOpens ? { trackOpens: true } : {}),
          ...(toUsers.length > 0 ? { toUsers } : {}),
          ...managerTargets(managersOf, node.managerLevels),
        },
      };
    },
    finish: (node, input, result) => advance(input, result, node.next),
  },
  notify: {
    plan(node, input) {
      const title = renderTemplate(node.title, data(input), { escape: false });
      const text = renderTemplate(node.text, data(input), { escape: false });
      if (node.channel === 'inbox') {
        const users = asList(
          node.to === undefined ? input.scope.record?.ownerId : evaluate(node.to, input.scope, ctxOf(input)),
        );
        const managersOf =
          node.toManagerOf === undefined ? [] : asList(evaluate(node.toManagerOf, input.scope, ctxOf(input)));
        return {
          kind: 'perform',
          effect: { kind: 'inbox', users, title, text, ...managerTargets(managersOf, node.managerLevels) },
        };
      }
      if (!node.webhook)
        return { kind: 'fail', error: `notify: the ${node.channel} robot needs a webhook secret` };
      return {
        kind: 'perform',
        effect: {
          kind: 'robot',
          channel: node.channel,
          webhookSecret: node.webhook.secret,
          message: robotMessage(node.channel, title, text),
        },
      };
    },
    finish: (node, input, result) => advance(input, result, node.next),
  },
  httpRequest: {
    plan(node, input) {
      return {
        kind: 'perform',
        effect: {
          kind: 'httpRequest',
          method: node.method,
          url: renderTemplate(node.url, data(input), { escape: false }),
          headers: Object.fromEntries(
            Object.entries(node.headers ?? {}).map(([k, v]) => [
              k,
              typeof v === 'string' ? renderTemplate(v, data(input), { escape: false }) : v,
            ]),
          ),
          body: node.body === undefined ? undefined : renderJson(node.body, data(input)),
          timeoutMs: node.timeoutMs ?? 10_000,
        },
      };
    },
    finish(node, input, result) {
      const body = (result as { body?: unknown } | null)?.body;
      const vars: Record<string, unknown> = {};
      for (const [name, pointer] of Object.entries(node.responseMap ?? {}))
        vars[name] = readPointer(body, pointer) ?? null;
      return { kind: 'advance', output: result, vars, next: follow(input.flow, input.branch, node.next) };
    },
  },
  approval: {
    plan(node, input) {
      const state = input.state ?? {};
      if (!state.opened) {
        const due = node.timeoutMinutes === undefined ? null : minutesFrom(input.now, node.timeoutMinutes);
        const submitter = input.scope.record?.ownerId ?? input.scope.record?.createdBy ?? null;
        return {
          kind: 'perform',
          effect: {
            kind: 'openApproval',
            approvers: node.approvers,
            mode: node.mode,
            dueAt: due?.toISOString() ?? null,
            submitter: typeof submitter === 'string' ? submitter : null,
          },
        };
      }
      const tasks = (state.approvals ?? []).filter((t) => t.status !== 'escalated');
      const decided = (s: ApprovalTask['status']) => tasks.filter((t) => t.status === s).length;
      if (decided('rejected') > 0) return advance(input, { outcome: 'rejected' }, node.rejected);
      if (decided('returned') > 0) return advance(input, { outcome: 'returned' }, node.returned);
      const approved = decided('approved');
      if (approved > 0 && (node.mode === 'any' || approved === tasks.length))
        return advance(
          input,
          { outcome: 'approved', approvers: tasks.map((t) => t.approver) },
          node.approved,
        );
      const due = state.dueAt ? new Date(state.dueAt) : null;
      if (due && due <= input.now) {
        if (node.escalate && !state.escalated)
          return {
            kind: 'wait',
            until: node.timeoutMinutes ? minutesFrom(input.now, node.timeoutMinutes) : null,
            state: {
              ...state,
              escalated: true,
              dueAt: node.timeoutMinutes ? minutesFrom(input.now, node.timeoutMinutes).toISOString() : null,
            },
          };
        return advance(input, { outcome: 'timedOut' }, node.rejected);
      }
      return { kind: 'wait', until: due, state };
    },
    finish(_node, input, result) {
      const dueAt = (result as { dueAt?: string | null } | null)?.dueAt ?? null;
      return {
        kind: 'wait',
        until: dueAt ? new Date(dueAt) : null,
        state: { ...(input.state ?? {}), opened: true, dueAt },
      };
    },
  },
  recomputeScore: {
    plan(node, input) {
      const batch = node.entity !== undefined;
      const id = batch ? null : recordId(input);
      const entity = node.entity ?? triggerEntity(input.flow, input.scope.trigger);
      if (!entity || (!batch && (!id || !input.scope.record)))
        return { kind: 'fail', error: 'recomputeScore needs a trigger record or an entity' };
      if (node.model !== undefined && node.scoreField === undefined)
        return { kind: 'fail', error: 'recomputeScore: a model needs its scoreField' };
      return {
        kind: 'perform',
        effect: {
          kind: 'rescore',
          entity,
          id: id ?? null,
          ...(batch && node.filter !== undefined ? { filter: bindFilter(node.filter, input) } : {}),
          limit: node.limit ?? 500,
          model: node.model ?? null,
          ...(node.scoreField ? { scoreField: node.scoreField } : {}),
          ...(node.gradeField ? { gradeField: node.gradeField } : {}),
          events: eventsOf(node, input),
          recordEvents: node.model === undefined || node.recordEvents === true,
        },
      };
    },
    // The performer scores the fresh record (with its stored events) and returns `{ total, grade, breakdown }`.
    finish: (node, input, result) => advance(input, result, node.next),
  },
  end: {
    plan: () => ({ kind: 'advance', output: null, next: [], endRun: true }),
  },
};

/**
 * Decides one step of a run. Pure: the same input always gives the same plan, so the runtime can be
 * crashed and replayed at any point, and tests need no clock but the one they pass in.
 * @example planStep({ flow, nodeId: 'check', branch: '', scope, now, timeZone: 'Asia/Shanghai', state: null })
 */
export function planStep(input: StepInput): StepPlan {
  const node = input.flow.nodes.find((n) => n.id === input.nodeId);
  if (!node) return { kind: 'fail', error: `no node "${input.nodeId}"` };
  try {
    return (PLANNERS[node.kind] as NodePlanner<FlowNodeKind>).plan(node as never, input);
  } catch (error) {
    return { kind: 'fail', error: `${node.id}: ${(error as Error).message}` };
  }
}

/** Continues a step after its effect ran, with the effect's result. */
export function finishStep(input: StepInput, result: unknown): StepPlan {
  const node = input.flow.nodes.find((n) => n.id === input.nodeId);
  if (!node) return { kind: 'fail', error: `no node "${input.nodeId}"` };
  const planner = PLANNERS[node.kind] as NodePlanner<FlowNodeKind>;
  if (!planner.finish) return { kind: 'fail', error: `${node.kind} performs no effect` };
  try {
    return planner.finish(node as never, input, result);
  } catch (error) {
    return { kind: 'fail', error: `${node.id}: ${(error as Error).message}` };
  }
}

/** Whether an approval of this step needs escalating now (the runtime performs it, then re-plans). */
export function needsEscalation(plan: StepPlan, before: StepState | null): boolean {
  return plan.kind === 'wait' && plan.state.escalated === true && before?.escalated !== true;
}

/**
 * The entity of the flow's trigger record, if it has one: the trigger's own, else the one the run's
 * trigger event names (a form submission's record).
 */
export function triggerEntity(flow: Flow, trigger?: unknown): string | undefined {
  if ('entity' in flow.trigger && flow.trigger.entity) return flow.trigger.entity;
  const fromEvent = (trigger as { entity?: unknown } | null | undefined)?.entity;
  return typeof fromEvent === 'string' ? fromEvent : undefined;
}

// The behaviour events the node's `events` expression yields from the run scope.
function eventsOf(node: NodeOf<'recomputeScore'>, input: StepInput): BehaviourEvent[] {
  const raw = node.events === undefined ? [] : evaluate(node.events, input.scope, ctxOf(input));
  return (Array.isArray(raw) ? raw : []).filter(
    (e): e is BehaviourEvent =>
      e !== null && typeof e === 'object' && typeof e.type === 'string' && typeof e.at === 'string',
  );
}

// Managers of these users receive a message too (empty: nothing added to the effect).
function managerTargets(managersOf: string[], levels: number | undefined) {
  return managersOf.length === 0 ? {} : { managersOf, managerLevels: levels ?? 1 };
}

/** The robot message of DingTalk (markdown) or WeCom (markdown) group robots. */
export function robotMessage(channel: 'dingtalk' | 'wecom', title: string, text: string): unknown {
  return channel === 'dingtalk'
    ? { msgtype: 'markdown', markdown: { title, text: `### ${title}\n${text}` } }
    : { msgtype: 'markdown', markdown: { content: `### ${title}\n${text}` } };
}

// A query filter may read run values through `{"run": "<expression>"}`; they are bound before the query.
function bindFilter(filter: unknown, input: StepInput): unknown {
  if (Array.isArray(filter)) return filter.map((f) => bindFilter(f, input));
  if (filter && typeof filter === 'object') {
    const entries = Object.entries(filter);
    if (entries.length === 1 && entries[0]![0] === 'run')
      return evaluate(entries[0]![1], input.scope, ctxOf(input));
    return Object.fromEntries(entries.map(([k, v]) => [k, bindFilter(v, input)]));
  }
  return filter;
}

export { parentBranch };
