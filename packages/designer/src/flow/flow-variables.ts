import { triggerEntityOf } from '@dougong/flows';
import type {
  AppDocument,
  Field,
  FieldType,
  Flow,
  FlowNode,
  FlowNodeKind,
  Label,
  SelectOption,
} from '@dougong/schema';
import { type Bilingual, bi } from '../core/bilingual.js';
import {
  type RuleField,
  type RuleValueType,
  ruleValueType,
  SYSTEM_RULE_FIELDS,
} from '../rule-builder/rule-fields.js';
import { dominators } from './flow-graph.js';
import { nodeLabel } from './flow-node-kinds.js';
import { targetsOf } from './flow-slots.js';

/** The type of a variable: a rule value type, or `object` / `any` for structured and unknown values. */
export type VariableType = RuleValueType | 'number' | 'object' | 'any';

/**
 * A variable a flow step can read, as a tree for a picker: `path` is what goes into an expression
 * (`{"var": path}`) or a template (`{{path}}`).
 */
export interface FlowVariable {
  readonly path: string;
  readonly label: Label;
  readonly type: VariableType;
  readonly fieldType?: FieldType;
  readonly options?: readonly SelectOption[];
  /** For node outputs: false when some path to the step does not pass the node (its output may be missing). */
  readonly guaranteed?: boolean;
  readonly children?: readonly FlowVariable[];
}

const v = (path: string, label: Label, type: VariableType, children?: FlowVariable[]): FlowVariable => ({
  path,
  label,
  type,
  ...(children ? { children } : {}),
});

function fieldVariable(prefix: string, field: Field): FlowVariable {
  return {
    path: `${prefix}.${field.key}`,
    label: field.label,
    type: ruleValueType(field),
    fieldType: field.type,
    ...(field.type === 'singleSelect' || field.type === 'multiSelect' ? { options: field.options } : {}),
  };
}

/** The variables of a record of an entity under a path (`record`, `nodes.create1`), system keys included. */
export function recordVariables(
  doc: AppDocument,
  entityId: string | undefined,
  prefix: string,
): FlowVariable[] {
  const entity = doc.entities.find((e) => e.id === entityId);
  if (!entity) return [];
  return [
    ...entity.fields.map((f) => fieldVariable(prefix, f)),
    ...SYSTEM_RULE_FIELDS.map((s) => v(`${prefix}.${s.key}`, s.label, s.type)),
  ];
}

type NodeOf<K extends FlowNodeKind> = Extract<FlowNode, { kind: K }>;
type Outputs<K extends FlowNodeKind> = (node: NodeOf<K>, doc: AppDocument, at: string) => FlowVariable[];

/** What each node kind leaves in `nodes.<id>` (see the flow reference). Exhaustive over node kinds. */
const OUTPUTS: { [K in FlowNodeKind]: Outputs<K> } = {
  condition: (_n, _d, at) => [v(`${at}.branch`, bi('走的分支', 'Branch taken'), 'any')],
  parallel: (_n, _d, at) => [v(`${at}.branches`, bi('分支数', 'Branches'), 'number')],
  join: (_n, _d, at) => [v(`${at}.mode`, bi('汇合方式', 'Mode'), 'text')],
  delay: (_n, _d, at) => [v(`${at}.until`, bi('延时到', 'Until'), 'datetime')],
  waitUntil: (_n, _d, at) => [v(`${at}.timedOut`, bi('是否超时', 'Timed out'), 'boolean')],
  queryRecords: (n, d, at) => [
    v(`${at}.items`, bi('记录列表', 'Records'), 'list', [
      v(
        `${at}.items.0`,
        bi('第一条记录', 'First record'),
        'object',
        recordVariables(d, n.entity, `${at}.items.0`),
      ),
    ]),
    v(`${at}.total`, bi('记录数', 'Count'), 'number'),
  ],
  createRecord: (n, d, at) => recordVariables(d, n.entity, at),
  updateRecord: (n, d, at) => recordVariables(d, n.entity, at),
  updateRecords: (_n, _d, at) => [v(at, bi('更新结果', 'Result'), 'any')],
  assignOwner: (_n, _d, at) => [
    v(`${at}.owner`, bi('负责人', 'Owner'), 'user'),
    v(`${at}.ruleId`, bi('命中规则', 'Rule'), 'text'),
    v(`${at}.explanation`, bi('分配说明', 'Explanation'), 'any'),
  ],
  createTask: (_n, _d, at) => [
    v(`${at}.taskId`, bi('任务 ID', 'Task id'), 'id'),
    v(`${at}.assignee`, bi('执行人', 'Assignee'), 'user'),
    v(`${at}.dueAt`, bi('截止时间', 'Due at'), 'datetime'),
  ],
  sendEmail: (_n, _d, at) => [
    v(`${at}.messageId`, bi('邮件 ID', 'Message id'), 'text'),
    v(`${at}.accepted`, bi('接收地址', 'Accepted'), 'list'),
  ],
  notify: (_n, _d, at) => [v(`${at}.users`, bi('通知对象', 'Users'), 'list')],
  httpRequest: (_n, _d, at) => [
    v(`${at}.status`, bi('状态码', 'Status'), 'integer'),
    v(`${at}.body`, bi('响应内容', 'Body'), 'any'),
  ],
  approval: (_n, _d, at) => [
    {
      path: `${at}.outcome`,
      label: bi('审批结果', 'Outcome'),
      type: 'select',
      options: [
        { id: 'approved', label: bi('通过', 'Approved') },
        { id: 'rejected', label: bi('驳回', 'Rejected') },
        { id: 'returned', label: bi('退回', 'Returned') },
        { id: 'timedOut', label: bi('超时', 'Timed out') },
      ],
    },
    v(`${at}.approvers`, bi('审批人', 'Approvers'), 'list'),
  ],
  recomputeScore: (_n, _d, at) => [
    v(`${at}.total`, bi('总分', 'Total'), 'decimal'),
    v(`${at}.grade`, bi('等级', 'Grade'), 'text'),
    v(`${at}.breakdown`, bi('评分明细', 'Breakdown'), 'list'),
  ],
  end: () => [],
};

/** The variables a node's output offers under `nodes.<id>`. */
export function nodeOutputs(doc: AppDocument, node: FlowNode): FlowVariable[] {
  return (OUTPUTS[node.kind] as Outputs<FlowNodeKind>)(node as never, doc, `nodes.${node.id}`);
}

/** The nodes a run may have finished before reaching `nodeId` (every node on some path to it). */
export function nodesBefore(flow: Flow, nodeId: string): string[] {
  const preds = new Map<string, string[]>();
  for (const n of flow.nodes) for (const t of targetsOf(n)) preds.set(t, [...(preds.get(t) ?? []), n.id]);
  const seen = new Set<string>();
  const stack = [...(preds.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    stack.push(...(preds.get(id) ?? []));
  }
  return flow.nodes.map((n) => n.id).filter((id) => seen.has(id));
}

/**
 * The variables available at a step of a flow (or, with `nodeId` null, to the trigger's follow-up): the
 * trigger record's fields (`record.*`; `previous.*` for update triggers), the trigger payload, the outputs
 * of the steps that may have run before it (`nodes.<id>.*`, each marked `guaranteed` when every path to
 * the step passes it), values mapped from HTTP responses (`vars.*`), `now` and `run`. The UI offers these
 * in a picker so analysts never type a variable path.
 * @example flowVariables(doc, 'welcome', 'mail').map((x) => x.path) // ['record', 'trigger', 'nodes', 'vars', 'now', 'run']
 */
export function flowVariables(doc: AppDocument, flowId: string, nodeId: string | null): FlowVariable[] {
  const flow = doc.flows?.find((f) => f.id === flowId);
  if (!flow) return [];
  const entity = triggerEntityOf(doc, flow);
  const t = flow.trigger;
  const out: FlowVariable[] = [];
  const entityLabel = doc.entities.find((e) => e.id === entity)?.label;
  if (entity !== undefined)
    out.push(
      v(
        'record',
        entityLabel ?? bi('触发记录', 'Trigger record'),
        'object',
        recordVariables(doc, entity, 'record'),
      ),
    );
  else if (t.kind === 'linkClicked' || t.kind === 'recordEvent')
    out.push(v('record', bi('触发记录', 'Trigger record'), 'object', []));
  if (t.kind === 'recordUpdated' && entity !== undefined)
    out.push(
      v(
        'previous',
        bi('修改前的记录', 'Before the update'),
        'object',
        recordVariables(doc, entity, 'previous'),
      ),
    );
  const trigger: FlowVariable[] =
    t.kind === 'linkClicked'
      ? [
          v('trigger.label', bi('链接标签', 'Link label'), 'text'),
          v('trigger.url', bi('链接地址', 'Link URL'), 'text'),
          v('trigger.sentBy', bi('发信流程运行', 'Sending run'), 'id'),
        ]
      : [];
  out.push(v('trigger', bi('触发事件', 'Trigger event'), 'any', trigger));
  if (nodeId !== null) {
    const before = nodesBefore(flow, nodeId);
    const dom = dominators(flow).get(nodeId) ?? new Set<string>();
    const nodes = before
      .map((id) => flow.nodes.find((n) => n.id === id)!)
      .map((n) => ({
        path: `nodes.${n.id}`,
        label: nodeLabel(n) as Label,
        type: 'object' as const,
        guaranteed: dom.has(n.id),
        children: nodeOutputs(doc, n),
      }))
      .filter((n) => n.children.length > 0);
    out.push(v('nodes', bi('前面的步骤', 'Earlier steps'), 'object', nodes));
    const vars = before.flatMap((id) => {
      const n = flow.nodes.find((x) => x.id === id)!;
      return n.kind === 'httpRequest'
        ? Object.keys(n.responseMap ?? {}).map((name) => ({
            ...v(`vars.${name}`, { en: name }, 'any'),
            guaranteed: dom.has(id),
          }))
        : [];
    });
    out.push(v('vars', bi('接口返回的变量', 'Response variables'), 'object', vars));
  }
  out.push(v('now', bi('当前时间', 'Now'), 'datetime'));
  out.push(
    v('run', bi('本次运行', 'This run'), 'object', [
      v('run.id', bi('运行 ID', 'Run id'), 'id'),
      v('run.flow', bi('流程', 'Flow'), 'text'),
    ]),
  );
  return out;
}

/** Every variable of a tree, flattened (parents before children). */
export function flattenVariables(tree: readonly FlowVariable[]): FlowVariable[] {
  return tree.flatMap((x) => [x, ...flattenVariables(x.children ?? [])]);
}

/** The variables a rule builder can test at a step (leaves with a testable type), as rule fields. */
export function flowRuleFields(doc: AppDocument, flowId: string, nodeId: string | null): RuleField[] {
  const testable = new Set<VariableType>([
    'text',
    'integer',
    'decimal',
    'boolean',
    'date',
    'datetime',
    'select',
    'multiSelect',
    'user',
    'department',
    'reference',
    'id',
    'list',
  ]);
  return flattenVariables(flowVariables(doc, flowId, nodeId))
    .filter((x) => testable.has(x.type) && !x.children?.length)
    .map((x) => ({
      path: x.path,
      label: x.label,
      type: x.type as RuleValueType,
      ...(x.fieldType ? { fieldType: x.fieldType } : {}),
      ...(x.options ? { options: x.options } : {}),
    }));
}

/** `{"var": path}`: a variable as an expression. */
export const variableExpression = (path: string): { var: string } => ({ var: path });

/** `{{path}}`: a variable as a template placeholder. */
export const variableTemplate = (path: string): string => `{{${path}}}`;

/**
 * Whether a path names a variable of the tree, or something inside a variable whose structure is open
 * (an HTTP body, a list, the trigger payload): `nodes.http1.body.id` is known, `record.nosuch` is not.
 */
export function isKnownVariable(tree: readonly FlowVariable[], path: string): boolean {
  return flattenVariables(tree).some(
    (x) =>
      x.path === path ||
      (path.startsWith(`${x.path}.`) &&
        (x.type === 'any' || x.type === 'list' || (x.type === 'object' && !x.children?.length))),
  );
}

/** Labels for the roots of the variables tree, for pickers. */
export const VARIABLE_ROOTS: Readonly<Record<string, Bilingual>> = {
  record: bi('触发记录', 'Trigger record'),
  previous: bi('修改前的记录', 'Before the update'),
  trigger: bi('触发事件', 'Trigger event'),
  nodes: bi('前面的步骤', 'Earlier steps'),
  vars: bi('接口返回的变量', 'Response variables'),
  now: bi('当前时间', 'Now'),
  run: bi('本次运行', 'This run'),
};
