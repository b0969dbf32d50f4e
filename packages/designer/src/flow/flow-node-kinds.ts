import {
  type AppDocument,
  type FlowNode,
  type FlowNodeKind,
  FlowNodeSchema,
  type FlowTrigger,
} from '@dougong/schema';
import { type Bilingual, bi } from '../core/bilingual.js';

/** What the designer knows about a node kind: its name, palette group and whether the palette offers it. */
export interface FlowNodeKindInfo {
  readonly label: Bilingual;
  readonly group: 'logic' | 'wait' | 'data' | 'message' | 'people';
  /** Whether the palette offers it (a join comes with its parallel). */
  readonly insertable: boolean;
}

const info = (
  zh: string,
  en: string,
  group: FlowNodeKindInfo['group'],
  insertable = true,
): FlowNodeKindInfo => ({
  label: bi(zh, en),
  group,
  insertable,
});

/** Every node kind. Exhaustive: a kind added to the schema does not compile until it is listed here. */
export const FLOW_NODE_KINDS: Readonly<Record<FlowNodeKind, FlowNodeKindInfo>> = {
  condition: info('条件分支', 'Condition', 'logic'),
  parallel: info('并行分支', 'Parallel', 'logic'),
  join: info('汇合', 'Join', 'logic', false),
  delay: info('延时', 'Delay', 'wait'),
  waitUntil: info('等待条件', 'Wait until', 'wait'),
  queryRecords: info('查询记录', 'Query records', 'data'),
  createRecord: info('新增记录', 'Create record', 'data'),
  updateRecord: info('更新记录', 'Update record', 'data'),
  updateRecords: info('批量更新记录', 'Update records', 'data'),
  assignOwner: info('分配负责人', 'Assign owner', 'people'),
  createTask: info('创建任务', 'Create task', 'people'),
  sendEmail: info('发送邮件', 'Send e-mail', 'message'),
  notify: info('发送通知', 'Notify', 'message'),
  httpRequest: info('HTTP 请求', 'HTTP request', 'data'),
  approval: info('审批', 'Approval', 'people'),
  recomputeScore: info('重新评分', 'Recompute score', 'data'),
  end: info('结束', 'End', 'logic'),
};

/** The pointer properties of nodes; graph actions edit them, never `updateFlowNode`. */
export const POINTER_PROPS: ReadonlySet<string> = new Set([
  'next',
  'else',
  'branches',
  'join',
  'approved',
  'rejected',
  'returned',
  'timeoutNext',
]);

const NODE_PROPS = new Map<string, readonly string[]>();

/**
 * The properties `updateFlowNode` may set on a node kind (its label and configuration, not its pointers),
 * read from the metadata schema itself.
 * @example flowNodeProps('delay') // ['label', 'minutes']
 */
export function flowNodeProps(kind: FlowNodeKind): readonly string[] {
  let props = NODE_PROPS.get(kind);
  if (!props) {
    const variants = (
      FlowNodeSchema as unknown as { anyOf: Array<{ properties: Record<string, { const?: unknown }> }> }
    ).anyOf;
    const schema = variants.find((v) => v.properties.kind?.const === kind);
    props = Object.keys(schema?.properties ?? {}).filter(
      (k) => k !== 'id' && k !== 'kind' && !POINTER_PROPS.has(k),
    );
    NODE_PROPS.set(kind, props);
  }
  return props;
}

/** Node properties an analyst types into (consecutive edits merge into one undo step). */
export const TYPED_NODE_PROPS: ReadonlySet<string> = new Set([
  'label',
  'minutes',
  'title',
  'subject',
  'body',
  'text',
  'url',
  'sort',
  'limit',
  'recheckMinutes',
  'timeoutMinutes',
  'dueInMinutes',
  'remindBeforeMinutes',
  'timeoutMs',
]);

/** The configuration of a new node of each kind (its pointers are set where it is inserted). */
export function nodeDefaults(
  kind: Exclude<FlowNodeKind, 'condition' | 'parallel' | 'join'>,
  ctx: { doc: AppDocument; entity: string | undefined },
): Record<string, unknown> {
  const entity = ctx.entity ?? '';
  const model = ctx.doc.entities.find((e) => e.id === ctx.entity);
  const scoreField = model?.fields.find((f) => f.type === 'number')?.key ?? 'score';
  const defaults: Record<typeof kind, Record<string, unknown>> = {
    delay: { minutes: 60 },
    waitUntil: { recheckMinutes: 60 },
    queryRecords: { entity, limit: 50 },
    createRecord: { entity, values: {} },
    updateRecord: { entity, values: {} },
    updateRecords: { entity, filter: false, values: {} },
    assignOwner: { rules: { rules: [] } },
    createTask: { title: '' },
    sendEmail: { subject: '', body: '' },
    notify: { channel: 'inbox', title: '', text: '' },
    httpRequest: { method: 'POST', url: 'https://' },
    approval: { approvers: { kind: 'departmentHead' }, mode: 'any' },
    // With the entity's own scoring the node needs nothing; else a model and the field receiving the total.
    recomputeScore: model?.scoring
      ? {}
      : { model: { attributes: [], behaviours: [], grades: [] }, scoreField },
    end: {},
  };
  return defaults[kind];
}

/** The kinds of trigger with their names. Exhaustive over the schema's trigger kinds. */
export const FLOW_TRIGGER_KINDS: Readonly<Record<FlowTrigger['kind'], Bilingual>> = {
  recordCreated: bi('新增记录时', 'When a record is created'),
  recordUpdated: bi('更新记录时', 'When a record is updated'),
  recordDeleted: bi('删除记录时', 'When a record is deleted'),
  scheduled: bi('定时', 'On a schedule'),
  dateRelative: bi('按日期字段', 'Relative to a date field'),
  formSubmitted: bi('公开表单提交时', 'When a public form is submitted'),
  linkClicked: bi('邮件链接被点击时', 'When an e-mail link is clicked'),
  webhook: bi('Webhook 调用时', 'When a webhook is called'),
  recordEvent: bi('记录事件发生时', 'When a record event happens'),
  manual: bi('手动触发', 'Started by hand'),
};

/**
 * A trigger of a kind with sensible settings for this app: the first standard entity, its first date
 * field, the first public form, every Monday at 9:00.
 */
export function defaultTrigger(kind: FlowTrigger['kind'], doc: AppDocument): FlowTrigger {
  const entity = doc.entities.find((e) => e.kind !== 'child');
  const entityId = entity?.id ?? '';
  switch (kind) {
    case 'recordCreated':
    case 'recordUpdated':
    case 'recordDeleted':
      return { kind, entity: entityId };
    case 'scheduled':
      return { kind, cron: '0 9 * * 1' };
    case 'dateRelative': {
      const dated = doc.entities.find(
        (e) => e.kind !== 'child' && e.fields.some((f) => f.type === 'date' || f.type === 'datetime'),
      );
      const field = dated?.fields.find((f) => f.type === 'date' || f.type === 'datetime');
      return { kind, entity: dated?.id ?? entityId, field: field?.key ?? '', offsetMinutes: -1440 };
    }
    case 'formSubmitted':
      return { kind, form: doc.forms?.find((f) => f.kind === 'public')?.id ?? '' };
    case 'linkClicked':
    case 'webhook':
      return { kind };
    case 'recordEvent':
      return entity ? { kind, entity: entityId } : { kind };
    case 'manual':
      return entity ? { kind, entity: entityId } : { kind };
  }
}

/** A node's display name: its own label, else its kind's. */
export function nodeLabel(node: FlowNode): Bilingual {
  const own = node.label;
  const kind = FLOW_NODE_KINDS[node.kind].label;
  return own
    ? { 'zh-CN': own['zh-CN'] ?? own.en ?? kind['zh-CN'], en: own.en ?? own['zh-CN'] ?? kind.en }
    : kind;
}
