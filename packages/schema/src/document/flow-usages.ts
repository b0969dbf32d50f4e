import type { AppDocument } from './app-document-schema.js';
import type { FlowNode, FlowNodeKind } from './flow-schema.js';
import {
  type KeyReference,
  QUERY_SCOPE,
  RECORD_SCOPE,
  RUN_SCOPE,
  ruleKeys,
  templateKeys,
} from './rule-references.js';
import { type Emit, keyEmitter, type UsageKind } from './usage-kinds.js';
import { pointer } from './validation-error.js';

type NodeOf<K extends FlowNodeKind> = Extract<FlowNode, { kind: K }>;
/** What a step reads and writes: run-scope expressions and templates (paths relative to the node). */
interface NodeParts {
  expressions?: Array<[string, unknown]>;
  templates?: Array<[string, unknown]>;
}
const NONE: NodeParts = {};

// One entry per step kind: a new kind without an entry fails to compile.
const NODE_PARTS: { [K in FlowNodeKind]: (node: NodeOf<K>) => NodeParts } = {
  condition: (n) => ({ expressions: n.branches.map((b, i) => [`/branches/${i}/condition`, b.condition]) }),
  parallel: () => NONE,
  join: () => NONE,
  delay: () => NONE,
  waitUntil: (n) => ({
    expressions: [
      ['/at', n.at],
      ['/condition', n.condition],
    ],
  }),
  queryRecords: () => NONE,
  createRecord: (n) => ({
    expressions: Object.entries(n.values).map(([k, v]) => [pointer('/values', k), v]),
  }),
  updateRecord: (n) => ({
    expressions: [
      ['/record', n.record],
      ...Object.entries(n.values).map(([k, v]) => [pointer('/values', k), v] as [string, unknown]),
    ],
  }),
  assignOwner: (n) => ({
    expressions: Object.entries(n.values ?? {}).map(([k, v]) => [pointer('/values', k), v]),
  }),
  updateRecords: (n) => ({
    expressions: Object.entries(n.values).map(([k, v]) => [pointer('/values', k), v]),
  }),
  createTask: (n) => ({ expressions: [['/assignee', n.assignee]], templates: [['/title', n.title]] }),
  sendEmail: (n) => ({
    expressions: [
      ['/to', n.to],
      ['/toUsers', n.toUsers],
      ['/toManagerOf', n.toManagerOf],
    ],
    templates: [
      ['/subject', n.subject],
      ['/body', n.body],
    ],
  }),
  notify: (n) => ({
    expressions: [
      ['/to', n.to],
      ['/toManagerOf', n.toManagerOf],
    ],
    templates: [
      ['/title', n.title],
      ['/text', n.text],
    ],
  }),
  httpRequest: (n) => ({
    templates: [
      ['/url', n.url],
      ['/headers', n.headers],
      ['/body', n.body],
    ],
  }),
  approval: () => NONE,
  recomputeScore: (n) => ({ expressions: [['/events', n.events]] }),
  end: () => NONE,
};

// Rule lists inside assignment rule sets and scoring models, read over the trigger record.
function ruleSetConditions(node: FlowNode, at: string): KeyReference[] {
  const list = (value: unknown, path: string) =>
    (Array.isArray(value) ? value : []).flatMap((item, i) =>
      item && typeof item === 'object' && 'condition' in item
        ? ruleKeys((item as { condition: unknown }).condition, `${at}${path}/${i}/condition`, RECORD_SCOPE)
        : [],
    );
  if (node.kind === 'assignOwner')
    return list((node.rules as { rules?: unknown } | null)?.rules, '/rules/rules');
  if (node.kind === 'recomputeScore')
    return list((node.model as { attributes?: unknown } | null)?.attributes, '/model/attributes');
  return [];
}

/** The references of flows: triggers, steps' entities, expressions, templates, writes and queries. */
export function flowUsages(doc: AppDocument, emit: Emit): void {
  (doc.flows ?? []).forEach((flow, f) => {
    const base = pointer('', 'flows', f);
    const owner = { kind: 'flow' as const, id: flow.id };
    const t = flow.trigger;
    const record =
      t.kind === 'formSubmitted'
        ? doc.forms?.find((x) => x.id === t.form)?.entity
        : 'entity' in t
          ? t.entity
          : undefined;
    const keys = (kind: UsageKind) => keyEmitter(doc, emit, kind, owner);
    const entityRef = (kind: UsageKind, entityId: string, path: string) =>
      emit({ kind, owner, access: 'read', path, target: { kind: 'entity', entityId } });
    if ('entity' in t && t.entity !== undefined) entityRef('flowTrigger', t.entity, `${base}/trigger/entity`);
    if ('condition' in t && t.condition !== undefined)
      keys('flowTrigger')(record, ruleKeys(t.condition, `${base}/trigger/condition`, RECORD_SCOPE));
    if (t.kind === 'recordUpdated')
      keys('flowTrigger')(
        record,
        (t.changed ?? []).map((c, i) => ({ key: c.field, path: `${base}/trigger/changed/${i}/field` })),
      );
    if (t.kind === 'dateRelative')
      keys('flowTrigger')(record, [{ key: t.field, path: `${base}/trigger/field` }]);
    flow.nodes.forEach((node, n) => {
      const at = pointer(base, 'nodes', n);
      if ('entity' in node && node.entity !== undefined) entityRef('flowNode', node.entity, `${at}/entity`);
      const parts = (NODE_PARTS[node.kind] as (x: FlowNode) => NodeParts)(node);
      for (const [path, value] of parts.expressions ?? [])
        if (value !== undefined) keys('flowExpression')(record, ruleKeys(value, at + path, RUN_SCOPE));
      for (const [path, value] of parts.templates ?? [])
        if (value !== undefined) keys('flowTemplate')(record, templateKeys(value, at + path));
      const written = (entityId: string | undefined, names: Array<[string, string | undefined]>) =>
        keys('flowWrite')(
          entityId,
          names.flatMap(([path, key]) => (key === undefined ? [] : [{ key, path: at + path }])),
          'write',
        );
      // A filter over the records of `entityId` that may read the run through `{"run": …}`.
      const query = (entityId: string | undefined, filter: unknown, path: string) => {
        const found = filter === undefined ? [] : ruleKeys(filter, at + path, QUERY_SCOPE);
        keys('flowQuery')(
          entityId,
          found.filter((r) => !r.viaRun),
        );
        keys('flowExpression')(
          record,
          found.filter((r) => r.viaRun),
        );
      };
      const sortKeys = (entityId: string, sort: string | undefined) =>
        keys('flowQuery')(
          entityId,
          (sort ?? '')
            .split(',')
            .map((s) => s.trim().replace(/^[-+]/, ''))
            .filter((s) => s !== '')
            .map((key) => ({ key, path: `${at}/sort` })),
        );
      switch (node.kind) {
        case 'createRecord':
        case 'updateRecord':
          written(
            node.entity,
            Object.keys(node.values).map((k) => [pointer('/values', k), k]),
          );
          break;
        case 'updateRecords':
          written(
            node.entity,
            Object.keys(node.values).map((k) => [pointer('/values', k), k]),
          );
          // Values may read the record being updated as `item`.
          for (const [k, v] of Object.entries(node.values))
            keys('flowExpression')(
              node.entity,
              ruleKeys(v, pointer(`${at}/values`, k), { prefixes: ['item'] }),
            );
          query(node.entity, node.filter, '/filter');
          sortKeys(node.entity, node.sort);
          break;
        case 'queryRecords':
          query(node.entity, node.filter, '/filter');
          sortKeys(node.entity, node.sort);
          break;
        case 'assignOwner':
          written(record, [
            ['/explanationField', node.explanationField],
            ...Object.keys(node.values ?? {}).map((k): [string, string] => [pointer('/values', k), k]),
          ]);
          query(record, node.openFilter, '/openFilter');
          break;
        case 'recomputeScore':
          written(node.entity ?? record, [
            ['/scoreField', node.scoreField],
            ['/gradeField', node.gradeField],
          ]);
          if (node.entity !== undefined) query(node.entity, node.filter, '/filter');
          break;
        default:
          break;
      }
      keys('flowRules')(
        node.kind === 'recomputeScore' ? (node.entity ?? record) : record,
        ruleSetConditions(node, at),
      );
    });
  });
}
