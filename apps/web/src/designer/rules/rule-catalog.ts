import type { AppDocument, Label } from '@dougong/schema';

/** The kinds of rule the rules area lists, in the order it lists them. */
export const RULE_KINDS = ['linkage', 'validation', 'assignment', 'scoring', 'filter', 'flow'] as const;
/** One of {@link RULE_KINDS}. */
export type RuleKind = (typeof RULE_KINDS)[number];

/** Where a listed rule lives in the document, as the actions that edit it address it. */
export type RuleSource =
  | { kind: 'formRule'; formId: string; ruleKind: 'linkage' | 'validation'; ruleId: string }
  | { kind: 'assignment'; flowId: string; nodeId: string }
  | { kind: 'nodeModel'; flowId: string; nodeId: string }
  | { kind: 'entityScoring'; entityId: string }
  | { kind: 'grant'; roleKey: string; entityId: string }
  | { kind: 'nodeFilter'; flowId: string; nodeId: string }
  | { kind: 'trigger'; flowId: string }
  | { kind: 'branch'; flowId: string; nodeId: string; branch: number };

/** A rule of the app as the rules area lists it. */
export interface RuleEntry {
  /** Unique in the list (stable while the rule exists). */
  readonly key: string;
  readonly kind: RuleKind;
  readonly source: RuleSource;
  /** JSON Pointer of the rule's object in the document (issues under it belong to it). */
  readonly path: string;
  /**
   * The entity whose fields the conditions read by bare key; undefined for flow conditions, which read
   * the run's variables (`record.amount`).
   */
  readonly entityId: string | undefined;
  /** What the rule is (its id, or a description). */
  readonly name: string;
  /** Where it is (form, flow, role, entity). */
  readonly where: Label;
}

const L = (zh: string, en: string): Label => ({ 'zh-CN': zh, en });

/** Entity of the record a flow's trigger starts with. */
function triggerEntityOf(doc: AppDocument, trigger: { kind: string; entity?: string; form?: string }) {
  if (trigger.kind === 'formSubmitted') return doc.forms?.find((f) => f.id === trigger.form)?.entity;
  return trigger.entity;
}

/**
 * Every rule of an app, by kind: form linkage and validation rules, assignment rule sets and scoring
 * models (in flows and on entities), list filters (role scopes, flow queries), flow trigger and branch
 * conditions.
 * @example appRules(doc).filter((r) => r.kind === 'validation').map((r) => r.name) // ['amount_positive', …]
 */
export function appRules(doc: AppDocument): RuleEntry[] {
  const out: RuleEntry[] = [];
  (doc.forms ?? []).forEach((form, f) => {
    const entity = doc.entities.find((e) => e.id === form.entity);
    const childOf = (subTable: string | undefined) => {
      if (subTable === undefined) return form.entity;
      const field = entity?.fields.find((x) => x.key === subTable);
      return field?.type === 'subTable' ? field.childEntity : undefined;
    };
    for (const ruleKind of ['linkage', 'validation'] as const)
      (form[ruleKind] ?? []).forEach((rule, r) => {
        out.push({
          key: `form:${form.id}:${rule.id}`,
          kind: ruleKind,
          source: { kind: 'formRule', formId: form.id, ruleKind, ruleId: rule.id },
          path: `/forms/${f}/${ruleKind}/${r}`,
          entityId: childOf(rule.subTable),
          name: rule.id,
          where: form.label,
        });
      });
  });
  doc.entities.forEach((entity, e) => {
    if (entity.scoring)
      out.push({
        key: `scoring:${entity.id}`,
        kind: 'scoring',
        source: { kind: 'entityScoring', entityId: entity.id },
        path: `/entities/${e}/scoring/model`,
        entityId: entity.id,
        name: entity.key,
        where: entity.label,
      });
  });
  (doc.roles ?? []).forEach((role, r) => {
    role.grants.forEach((grant, g) => {
      if (grant.condition === undefined) return;
      const entity = doc.entities.find((x) => x.id === grant.entity);
      out.push({
        key: `grant:${role.key}:${grant.entity}`,
        kind: 'filter',
        source: { kind: 'grant', roleKey: role.key, entityId: grant.entity },
        path: `/roles/${r}/grants/${g}/condition`,
        entityId: grant.entity,
        name: `${role.key} · ${entity?.key ?? grant.entity}`,
        where: role.label,
      });
    });
  });
  (doc.flows ?? []).forEach((flow, f) => {
    const trigger = flow.trigger as { kind: string; entity?: string; form?: string; condition?: unknown };
    if (trigger.condition !== undefined)
      out.push({
        key: `trigger:${flow.id}`,
        kind: 'flow',
        source: { kind: 'trigger', flowId: flow.id },
        path: `/flows/${f}/trigger/condition`,
        entityId: triggerEntityOf(doc, trigger),
        name: flow.key,
        where: flow.label,
      });
    const scoped = triggerEntityOf(doc, trigger);
    flow.nodes.forEach((node, n) => {
      const at = `/flows/${f}/nodes/${n}`;
      const where = node.label ? { ...flow.label, ...mergeLabel(flow.label, node.label) } : flow.label;
      if (node.kind === 'assignOwner')
        out.push({
          key: `assign:${flow.id}:${node.id}`,
          kind: 'assignment',
          source: { kind: 'assignment', flowId: flow.id, nodeId: node.id },
          path: `${at}/rules`,
          entityId: scoped,
          name: node.id,
          where,
        });
      if (node.kind === 'recomputeScore' && node.model !== undefined)
        out.push({
          key: `model:${flow.id}:${node.id}`,
          kind: 'scoring',
          source: { kind: 'nodeModel', flowId: flow.id, nodeId: node.id },
          path: `${at}/model`,
          entityId: node.entity ?? scoped,
          name: node.id,
          where,
        });
      if ((node.kind === 'queryRecords' || node.kind === 'updateRecords') && node.filter !== undefined)
        out.push({
          key: `filter:${flow.id}:${node.id}`,
          kind: 'filter',
          source: { kind: 'nodeFilter', flowId: flow.id, nodeId: node.id },
          path: `${at}/filter`,
          entityId: node.entity,
          name: node.id,
          where,
        });
      if (node.kind === 'condition')
        for (let b = 0; b < node.branches.length; b++)
          out.push({
            key: `branch:${flow.id}:${node.id}:${b}`,
            kind: 'flow',
            source: { kind: 'branch', flowId: flow.id, nodeId: node.id, branch: b },
            path: `${at}/branches/${b}/condition`,
            entityId: undefined,
            name: `${node.id} · ${b + 1}`,
            where,
          });
    });
  });
  return out;
}

function mergeLabel(flow: Label, node: Label): Label {
  const zh = [flow['zh-CN'] ?? flow.en, node['zh-CN'] ?? node.en].filter(Boolean).join(' · ');
  const en = [flow.en ?? flow['zh-CN'], node.en ?? node['zh-CN']].filter(Boolean).join(' · ');
  return L(zh, en);
}
