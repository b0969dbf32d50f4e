import type { AppDocument, FlowNode, FlowNodeKind } from '@dougong/schema';

type Locale = 'zh-CN' | 'en';
type Summary<K extends FlowNodeKind> = (
  node: Extract<FlowNode, { kind: K }>,
  doc: AppDocument,
  l: Locale,
) => string;

const zh = (l: Locale, a: string, b: string) => (l === 'zh-CN' ? a : b);

/** A duration in minutes in words: `90 分钟`, `2 hours`, `3 days`. */
export function duration(minutes: number | undefined, l: Locale): string {
  if (minutes === undefined) return '';
  if (minutes > 0 && minutes % 1440 === 0) return zh(l, `${minutes / 1440} 天`, `${minutes / 1440} days`);
  if (minutes > 0 && minutes % 60 === 0) return zh(l, `${minutes / 60} 小时`, `${minutes / 60} hours`);
  return zh(l, `${minutes} 分钟`, `${minutes} minutes`);
}

function entityName(doc: AppDocument, id: string | undefined, l: Locale): string {
  const label = doc.entities.find((e) => e.id === id)?.label;
  return label ? (label[l] ?? label['zh-CN'] ?? label.en ?? '') : (id ?? '');
}

/** What each node kind's card says about its configuration. Exhaustive over node kinds. */
const SUMMARIES: { [K in FlowNodeKind]: Summary<K> } = {
  condition: (n, _d, l) => zh(l, `${n.branches.length} 个条件分支`, `${n.branches.length} conditions`),
  parallel: (n, _d, l) => zh(l, `${n.branches.length} 条并行分支`, `${n.branches.length} branches`),
  join: (n, _d, l) =>
    n.mode === 'all' ? zh(l, '等待全部分支', 'waits for all') : zh(l, '任一分支到达', 'first to arrive'),
  delay: (n, _d, l) => duration(n.minutes, l),
  waitUntil: (n, _d, l) =>
    n.at !== undefined
      ? zh(l, '等到指定时间', 'until a moment')
      : zh(l, '等到条件满足', 'until a condition holds'),
  queryRecords: (n, d, l) => entityName(d, n.entity, l),
  createRecord: (n, d, l) => entityName(d, n.entity, l),
  updateRecord: (n, d, l) => entityName(d, n.entity, l),
  updateRecords: (n, d, l) => entityName(d, n.entity, l),
  assignOwner: (n, _d, l) => {
    const rules = (n.rules as { rules?: unknown[] } | undefined)?.rules?.length ?? 0;
    return zh(l, `${rules} 条分配规则`, `${rules} rules`);
  },
  createTask: (n) => n.title,
  sendEmail: (n) => n.subject,
  notify: (n) => n.title,
  httpRequest: (n) => `${n.method} ${n.url}`,
  approval: (n, _d, l) => {
    const who = {
      user: zh(l, '指定成员', 'named users'),
      role: zh(l, '角色', 'a role'),
      departmentHead: zh(l, '部门负责人', 'department head'),
      manager: zh(l, '上级', 'manager'),
    }[n.approvers.kind];
    return `${who} · ${n.mode === 'all' ? zh(l, '会签', 'all approve') : zh(l, '或签', 'any approves')}`;
  },
  recomputeScore: (n, _d, l) =>
    n.model ? zh(l, '自定义评分模型', 'own model') : zh(l, '实体评分', 'entity scoring'),
  end: () => '',
};

/** A one-line summary of a node's configuration for its card on the canvas. */
export function nodeSummary(doc: AppDocument, node: FlowNode, locale: Locale): string {
  return (SUMMARIES[node.kind] as Summary<FlowNodeKind>)(node as never, doc, locale).slice(0, 80);
}
