import { DEFAULT_LIMITS, validateRule } from '@dougong/rules';
import type { AppDocument, Flow, FlowNode } from '@dougong/schema';
import { cronIssue } from './trigger-match.js';

/** A metadata problem with a JSON Pointer into the app document. */
export interface FlowIssue {
  readonly path: string;
  readonly message: string;
}

/** The branch path above `branch` (branch paths read `p1.0/p2.1`: parallel node id . branch index). */
export function parentBranch(branch: string): string {
  const cut = branch.lastIndexOf('/');
  return cut < 0 ? '' : branch.slice(0, cut);
}

/**
 * When `branch` reaches `joinId`: the innermost enclosing parallel whose join it is, the branch path
 * the join runs in, and how many branches it waits for.
 */
export function branchOf(
  flow: Flow,
  branch: string,
  joinId: string,
): { parent: string; expected: number; parallel: string } | undefined {
  const segments = branch === '' ? [] : branch.split('/');
  for (let i = segments.length - 1; i >= 0; i--) {
    const parallelId = segments[i]!.slice(0, segments[i]!.lastIndexOf('.'));
    const parallel = flow.nodes.find((n) => n.id === parallelId);
    if (parallel?.kind === 'parallel' && parallel.join === joinId)
      return {
        parent: segments.slice(0, i).join('/'),
        expected: parallel.branches.length,
        parallel: parallelId,
      };
  }
  return undefined;
}

/** Every node id a node may continue to. */
export function successors(node: FlowNode): string[] {
  const out: Array<string | undefined> = [];
  switch (node.kind) {
    case 'condition':
      out.push(...node.branches.map((b) => b.next), node.else);
      break;
    case 'parallel':
      out.push(...node.branches);
      break;
    case 'approval':
      out.push(node.approved, node.rejected, node.returned);
      break;
    case 'waitUntil':
      out.push(node.next, node.timeoutNext);
      break;
    case 'end':
      break;
    default:
      out.push(node.next);
  }
  return out.filter((id): id is string => id !== undefined);
}

/**
 * The checks a JSON Schema cannot express: unique node ids, `start` and every `next` naming a node, no
 * cycles, joins named by their parallel, entities and fields that exist, valid cron and expressions.
 */
export function checkFlows(doc: AppDocument): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const flowIds = new Set<string>();
  const flowKeys = new Set<string>();
  const entities = new Map(doc.entities.map((e) => [e.id, e]));
  (doc.flows ?? []).forEach((flow, f) => {
    const base = `/flows/${f}`;
    const add = (path: string, message: string) => issues.push({ path: `${base}${path}`, message });
    if (flowIds.has(flow.id)) add('/id', 'is used by another flow');
    if (flowKeys.has(flow.key)) add('/key', 'is used by another flow');
    flowIds.add(flow.id);
    flowKeys.add(flow.key);
    const ids = new Map<string, FlowNode>();
    flow.nodes.forEach((node, n) => {
      if (ids.has(node.id)) add(`/nodes/${n}/id`, 'is used by another node');
      ids.set(node.id, node);
    });
    if (!ids.has(flow.start)) add('/start', 'names no node');
    flow.nodes.forEach((node, n) => {
      for (const next of successors(node))
        if (!ids.has(next)) add(`/nodes/${n}`, `continues to "${next}", which is no node`);
      if (node.kind === 'parallel' && ids.get(node.join)?.kind !== 'join')
        add(`/nodes/${n}/join`, 'must name a join node');
      if ('entity' in node && node.entity !== undefined && !entities.has(node.entity))
        add(`/nodes/${n}/entity`, 'names no entity');
      for (const [key, expr] of expressionsOf(node)) {
        try {
          validateRule(expr, DEFAULT_LIMITS);
        } catch (error) {
          add(`/nodes/${n}/${key}`, (error as Error).message);
        }
      }
    });
    if (hasCycle(flow, ids)) add('/nodes', 'must not loop back (flows are acyclic)');
    flow.nodes.forEach((node, n) => {
      if (!('inline' in node) || node.inline !== true) return;
      if (node.id !== flow.start || flow.trigger.kind !== 'recordCreated')
        add(`/nodes/${n}/inline`, 'only the start node of a recordCreated flow runs inline');
      else if (
        node.kind === 'recomputeScore' &&
        (node.events !== undefined || node.entity !== undefined || node.filter !== undefined)
      )
        add(`/nodes/${n}/inline`, 'an inline score uses the new record only (no events, entity or filter)');
    });
    const t = flow.trigger;
    if ('entity' in t && t.entity !== undefined) {
      const entity = entities.get(t.entity);
      if (!entity) add('/trigger/entity', 'names no entity');
      else if (t.kind === 'dateRelative') {
        const field = entity.fields.find((x) => x.key === t.field);
        if (!field || (field.type !== 'date' && field.type !== 'datetime'))
          add('/trigger/field', 'must be a date or datetime field of the entity');
      } else if (t.kind === 'recordUpdated') {
        t.changed?.forEach((c, i) => {
          if (!entity.fields.some((x) => x.key === c.field) && c.field !== 'ownerId')
            add(`/trigger/changed/${i}/field`, 'names no field of the entity');
        });
      }
    }
    if (t.kind === 'formSubmitted') {
      const form = doc.forms?.find((x) => x.id === t.form);
      if (form?.kind !== 'public') add('/trigger/form', 'names no public form');
    }
    const scored = triggerEntityOf(doc, flow);
    flow.nodes.forEach((node, n) => {
      const hasKey = (entityId: string | undefined, key: string) =>
        key === 'ownerId' ||
        key === 'ownerDeptId' ||
        Boolean(entities.get(entityId ?? '')?.fields.some((x) => x.key === key));
      if (node.kind === 'assignOwner') {
        if (node.explanationField !== undefined && !hasKey(scored, node.explanationField))
          add(`/nodes/${n}/explanationField`, 'names no field of the trigger entity');
        for (const key of Object.keys(node.values ?? {}))
          if (!hasKey(scored, key)) add(`/nodes/${n}/values/${key}`, 'names no field of the trigger entity');
      }
      if (node.kind === 'updateRecords')
        for (const key of Object.keys(node.values))
          if (!hasKey(node.entity, key)) add(`/nodes/${n}/values/${key}`, 'names no field of the entity');
      if (node.kind !== 'recomputeScore') return;
      const entity = entities.get(node.entity ?? scored ?? '');
      if (!entity) add(`/nodes/${n}`, 'needs a trigger with a record, or an entity');
      else if (node.model === undefined && !entity.scoring)
        add(`/nodes/${n}/model`, 'is required unless the entity has scoring');
      else if (node.model !== undefined && node.scoreField === undefined)
        add(`/nodes/${n}/scoreField`, 'is required with a model');
      for (const key of ['scoreField', 'gradeField'] as const) {
        const field = node[key];
        if (entity && field !== undefined && !entity.fields.some((x) => x.key === field))
          add(`/nodes/${n}/${key}`, 'names no field of the trigger entity');
      }
    });
    if (
      flow.oncePerRecord &&
      !triggerEntityOf(doc, flow) &&
      t.kind !== 'linkClicked' &&
      t.kind !== 'recordEvent'
    )
      add('/oncePerRecord', 'needs a trigger with a record');
    if (t.kind === 'scheduled') {
      const problem = cronIssue(t.cron);
      if (problem) add('/trigger/cron', problem);
    }
  });
  return issues;
}

/** The entity of a flow's trigger record: the trigger's own, or a submitted form's. */
export function triggerEntityOf(doc: AppDocument, flow: Flow): string | undefined {
  const t = flow.trigger;
  if (t.kind === 'formSubmitted') return doc.forms?.find((x) => x.id === t.form)?.entity;
  return 'entity' in t ? t.entity : undefined;
}

function expressionsOf(node: FlowNode): Array<[string, unknown]> {
  switch (node.kind) {
    case 'condition':
      return node.branches.map((b, i) => [`branches/${i}/condition`, b.condition]);
    case 'createRecord':
    case 'updateRecord':
    case 'updateRecords':
      return Object.entries(node.values).map(([k, v]) => [`values/${k}`, v]);
    case 'assignOwner':
      return Object.entries(node.values ?? {}).map(([k, v]) => [`values/${k}`, v]);
    case 'sendEmail':
      return (
        [
          ['to', node.to],
          ['toUsers', node.toUsers],
          ['toManagerOf', node.toManagerOf],
        ] as Array<[string, unknown]>
      ).filter(([, v]) => v !== undefined);
    case 'notify':
      return node.toManagerOf === undefined ? [] : [['toManagerOf', node.toManagerOf]];
    default:
      return [];
  }
}

function hasCycle(flow: Flow, ids: Map<string, FlowNode>): boolean {
  const state = new Map<string, 1 | 2>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 2) return false;
    if (state.get(id) === 1) return true;
    state.set(id, 1);
    const node = ids.get(id);
    if (node) for (const next of successors(node)) if (visit(next)) return true;
    state.set(id, 2);
    return false;
  };
  return flow.nodes.some((n) => visit(n.id));
}
