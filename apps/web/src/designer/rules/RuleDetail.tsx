import type { DesignerIssue } from '@dougong/designer/check';
import { type EvalContext, evaluateRule, type ScoringModel, scoreRecord, truthy } from '@dougong/rules';
import type { AppDocument, FormLinkageRule, FormValidationRule } from '@dougong/schema';
import { LINKAGE_ACTIONS } from '@dougong/schema';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n';
import { BilingualInput } from '../common/BilingualInput';
import { JsonEditor } from '../common/JsonEditor';
import { useDesigner } from '../designer-context';
import { type DesignerMessageKey, useDesignerText } from '../designer-i18n';
import { FlowRuleEditor } from '../flows/panel-kit';
import { AssignmentEditor, type AssignmentRuleSetView } from './AssignmentEditor';
import { RuleBuilder } from './RuleBuilder';
import { type RuleOutcome, RuleTestPanel } from './RuleTestPanel';
import type { RuleEntry } from './rule-catalog';
import { ScoringEditor, type ScoringModelView } from './ScoringEditor';

type Dt = (key: DesignerMessageKey, params?: Record<string, string | number>) => string;

/** Issues under a part of the document, with pointers relative to it. */
function under(issues: readonly DesignerIssue[], path: string, locale: 'zh-CN' | 'en') {
  return issues
    .filter((i) => i.path === path || i.path.startsWith(`${path}/`))
    .map((i) => ({ path: i.path.slice(path.length), message: i.localized?.[locale] ?? i.message }));
}

const holds = (rule: unknown, record: unknown, ctx: EvalContext) => truthy(evaluateRule(rule, record, ctx));

/** Editing and testing one listed rule, by where it lives. */
export function RuleDetail({ entry }: { entry: RuleEntry }) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { doc, issues } = useDesigner();
  const body = detailOf(entry, doc, dt, locale, issues);
  if (!body) return null;
  return (
    <section className="rule-detail" data-testid="rule-detail" data-rule={entry.key}>
      <header>
        <h2>
          {dt(`rules.kind.${entry.kind}`)} <code>{entry.name}</code>
        </h2>
        <span className="muted">{label(entry.where)}</span>
      </header>
      {body.editor}
      {body.test && <RuleTestPanel entityId={entry.entityId} test={body.test} />}
    </section>
  );
}

interface Detail {
  editor: ReactNode;
  test?: (record: Record<string, unknown>, ctx: EvalContext) => RuleOutcome;
}

function detailOf(
  entry: RuleEntry,
  doc: AppDocument,
  dt: Dt,
  locale: 'zh-CN' | 'en',
  issues: readonly DesignerIssue[],
): Detail | null {
  const src = entry.source;
  const yes = (ok: boolean, yesText: string, noText: string): RuleOutcome => ({
    ok,
    text: ok ? yesText : noText,
  });
  switch (src.kind) {
    case 'formRule': {
      const form = doc.forms?.find((f) => f.id === src.formId);
      const rule = form?.[src.ruleKind]?.find((r) => r.id === src.ruleId);
      if (!form || !rule || !entry.entityId) return null;
      if (src.ruleKind === 'linkage') {
        const linkage = rule as FormLinkageRule;
        return {
          editor: (
            <LinkageEditor formId={form.id} entityId={entry.entityId} rule={linkage} path={entry.path} />
          ),
          test: (record, ctx) =>
            yes(
              holds(linkage.when, record, ctx),
              dt('rules.linkageApplies', {
                action: dt(`rules.action.${linkage.action}`),
                fields: linkage.fields.join(', '),
              }),
              dt('rules.linkageIdle'),
            ),
        };
      }
      const validation = rule as FormValidationRule;
      return {
        editor: (
          <ValidationEditor formId={form.id} entityId={entry.entityId} rule={validation} path={entry.path} />
        ),
        test: (record, ctx) => {
          if (validation.when !== undefined && !holds(validation.when, record, ctx))
            return { ok: true, text: dt('rules.validationSkipped') };
          const message =
            validation.message[locale] ?? validation.message['zh-CN'] ?? validation.message.en ?? '';
          return yes(
            holds(validation.condition, record, ctx),
            dt('rules.validationPasses'),
            dt('rules.validationFails', { message }),
          );
        },
      };
    }
    case 'assignment': {
      const flow = doc.flows?.find((f) => f.id === src.flowId);
      const node = flow?.nodes.find((n) => n.id === src.nodeId);
      if (node?.kind !== 'assignOwner' || !entry.entityId) return null;
      const set = node.rules as AssignmentRuleSetView;
      return {
        editor: (
          <AssignmentNodeEditor
            entry={entry}
            flowId={src.flowId}
            nodeId={src.nodeId}
            value={set}
            issues={under(issues, entry.path, locale)}
          />
        ),
        test: (record, ctx) => {
          const rules = Array.isArray(set?.rules) ? set.rules : [];
          const index = rules.findIndex((r) => holds(r.condition, record, ctx));
          if (index >= 0)
            return {
              ok: true,
              text: dt('rules.assignMatches', { n: index + 1, target: JSON.stringify(rules[index]!.target) }),
            };
          return set?.fallback
            ? { ok: true, text: dt('rules.assignFallback', { target: JSON.stringify(set.fallback.target) }) }
            : { ok: false, text: dt('rules.assignNone') };
        },
      };
    }
    case 'entityScoring':
    case 'nodeModel': {
      let model: ScoringModelView | undefined;
      if (src.kind === 'entityScoring')
        model = doc.entities.find((e) => e.id === src.entityId)?.scoring?.model as ScoringModelView;
      else {
        const node = doc.flows?.find((f) => f.id === src.flowId)?.nodes.find((n) => n.id === src.nodeId);
        model = node?.kind === 'recomputeScore' ? (node.model as ScoringModelView | undefined) : undefined;
      }
      if (!model || !entry.entityId) return null;
      const scoring = model;
      return {
        editor: (
          <ScoringModelDetail entry={entry} model={scoring} issues={under(issues, entry.path, locale)} />
        ),
        test: (record, ctx) => {
          const result = scoreRecord(scoring as unknown as ScoringModel, record, [], ctx);
          const matched = result.breakdown
            .filter((l) => l.matched)
            .map((l) => `${l.conditionId} +${l.points}`);
          return {
            ok: true,
            text: dt('rules.scoreResult', {
              total: result.total,
              grade: result.grade,
              lines: matched.join(', ') || '—',
            }),
          };
        },
      };
    }
    case 'grant':
    case 'nodeFilter':
    case 'trigger': {
      if (!entry.entityId) return null;
      const value = conditionAt(doc, entry);
      return {
        editor: (
          <ConditionEntryEditor entry={entry} value={value} issues={under(issues, entry.path, locale)} />
        ),
        test: (record, ctx) => yes(holds(value, record, ctx), dt('rules.matches'), dt('rules.noMatch')),
      };
    }
    case 'branch': {
      const flow = doc.flows?.find((f) => f.id === src.flowId);
      const node = flow?.nodes.find((n) => n.id === src.nodeId);
      if (!flow || node?.kind !== 'condition') return null;
      const value = node.branches[src.branch]?.condition;
      const triggerEntity = 'entity' in flow.trigger ? flow.trigger.entity : undefined;
      return {
        editor: (
          <BranchEditor
            flowId={flow.id}
            nodeId={node.id}
            branch={src.branch}
            value={value}
            issues={under(issues, entry.path, locale)}
          />
        ),
        ...(triggerEntity
          ? {
              test: (record: Record<string, unknown>, ctx: EvalContext) =>
                yes(
                  holds(value, { record, trigger: {}, nodes: {}, vars: {} }, ctx),
                  dt('rules.branchTaken'),
                  dt('rules.branchSkipped'),
                ),
            }
          : {}),
      };
    }
  }
}

function conditionAt(doc: AppDocument, entry: RuleEntry): unknown {
  const src = entry.source;
  if (src.kind === 'grant')
    return doc.roles?.find((r) => r.key === src.roleKey)?.grants.find((g) => g.entity === src.entityId)
      ?.condition;
  if (src.kind === 'trigger')
    return (doc.flows?.find((f) => f.id === src.flowId)?.trigger as { condition?: unknown })?.condition;
  if (src.kind === 'nodeFilter') {
    const node = doc.flows?.find((f) => f.id === src.flowId)?.nodes.find((n) => n.id === src.nodeId);
    return node && 'filter' in node ? node.filter : undefined;
  }
  return undefined;
}

function LinkageEditor({
  formId,
  entityId,
  rule,
  path,
}: {
  formId: string;
  entityId: string;
  rule: FormLinkageRule;
  path: string;
}) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { doc, dispatch, issues } = useDesigner();
  const entity = doc.entities.find((e) => e.id === entityId);
  const save = (next: FormLinkageRule) =>
    dispatch({ type: 'setFormRule', formId, ruleKind: 'linkage', rule: next });
  return (
    <div className="rule-props-block">
      <span className="section-label">{dt('rules.when')}</span>
      <RuleBuilder
        entityId={entityId}
        context="linkage"
        value={rule.when}
        issues={under(issues, `${path}/when`, locale)}
        onChange={(when) => save({ ...rule, when })}
      />
      <div className="rule-props">
        <label>
          {dt('rules.then')}
          <select
            value={rule.action}
            onChange={(e) => save({ ...rule, action: e.target.value as FormLinkageRule['action'] })}
          >
            {LINKAGE_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {dt(`rules.action.${a}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="option-chips" aria-label={dt('rules.targetFields')}>
        {(entity?.fields ?? []).map((f) => (
          <label key={f.key} className={rule.fields.includes(f.key) ? 'chip on' : 'chip'}>
            <input
              type="checkbox"
              checked={rule.fields.includes(f.key)}
              onChange={(e) => {
                const fields = e.target.checked
                  ? [...rule.fields, f.key]
                  : rule.fields.filter((k) => k !== f.key);
                if (fields.length > 0) save({ ...rule, fields });
              }}
            />
            {label(f.label)}
          </label>
        ))}
      </fieldset>
      {rule.action === 'setValue' && (
        <JsonEditor
          label={dt('rules.valueRule')}
          value={rule.value}
          onChange={(value) => save({ ...rule, value })}
        />
      )}
    </div>
  );
}

function ValidationEditor({
  formId,
  entityId,
  rule,
  path,
}: {
  formId: string;
  entityId: string;
  rule: FormValidationRule;
  path: string;
}) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { doc, dispatch, issues, seal } = useDesigner();
  const entity = doc.entities.find((e) => e.id === entityId);
  const save = (next: FormValidationRule) =>
    dispatch({ type: 'setFormRule', formId, ruleKind: 'validation', rule: next });
  return (
    <div className="rule-props-block">
      <label className="flow-check">
        <input
          type="checkbox"
          checked={rule.when !== undefined}
          onChange={(e) => {
            const { when: _, ...rest } = rule;
            save(e.target.checked ? { ...rest, when: true } : rest);
          }}
        />
        {dt('rules.onlyWhen')}
      </label>
      {rule.when !== undefined && (
        <RuleBuilder
          entityId={entityId}
          context="validation"
          label={dt('rules.when')}
          value={rule.when}
          issues={under(issues, `${path}/when`, locale)}
          onChange={(when) => save({ ...rule, when })}
        />
      )}
      <span className="section-label">{dt('rules.mustHold')}</span>
      <RuleBuilder
        entityId={entityId}
        context="validation"
        label={dt('rules.mustHold')}
        value={rule.condition}
        issues={under(issues, `${path}/condition`, locale)}
        onChange={(condition) => save({ ...rule, condition })}
      />
      <BilingualInput
        label={dt('rules.message')}
        value={rule.message}
        required
        onChange={(message) => save({ ...rule, message })}
        onBlur={seal}
      />
      <div className="rule-props">
        <label>
          {dt('rules.showAt')}
          <select value={rule.path} onChange={(e) => save({ ...rule, path: e.target.value })}>
            {(entity?.fields ?? []).map((f) => (
              <option key={f.key} value={f.key}>
                {label(f.label)}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}

function AssignmentNodeEditor({
  entry,
  flowId,
  nodeId,
  value,
  issues,
}: {
  entry: RuleEntry;
  flowId: string;
  nodeId: string;
  value: AssignmentRuleSetView;
  issues: Array<{ path: string; message: string }>;
}) {
  const { dispatch } = useDesigner();
  return (
    <AssignmentEditor
      entityId={entry.entityId!}
      value={value}
      issues={issues}
      onChange={(rules) => dispatch({ type: 'updateFlowNode', flowId, nodeId, patch: { rules } })}
    />
  );
}

function ScoringModelDetail({
  entry,
  model,
  issues,
}: {
  entry: RuleEntry;
  model: ScoringModelView;
  issues: Array<{ path: string; message: string }>;
}) {
  const { doc, dispatch } = useDesigner();
  const src = entry.source;
  return (
    <ScoringEditor
      entityId={entry.entityId!}
      model={model}
      issues={issues}
      onChange={(next) => {
        if (src.kind === 'entityScoring') {
          const scoring = doc.entities.find((e) => e.id === src.entityId)?.scoring;
          if (scoring)
            dispatch({
              type: 'setEntityScoring',
              entityId: src.entityId,
              scoring: { ...scoring, model: next as never },
            });
        } else if (src.kind === 'nodeModel')
          dispatch({
            type: 'updateFlowNode',
            flowId: src.flowId,
            nodeId: src.nodeId,
            patch: { model: next },
          });
      }}
    />
  );
}

function ConditionEntryEditor({
  entry,
  value,
  issues,
}: {
  entry: RuleEntry;
  value: unknown;
  issues: Array<{ path: string; message: string }>;
}) {
  const { doc, dispatch } = useDesigner();
  const src = entry.source;
  const onChange = (condition: unknown) => {
    if (src.kind === 'grant') {
      const grant = doc.roles
        ?.find((r) => r.key === src.roleKey)
        ?.grants.find((g) => g.entity === src.entityId);
      if (!grant) return;
      const { entity: _, condition: __, ...rest } = grant;
      dispatch({
        type: 'setRoleGrant',
        roleKey: src.roleKey,
        entityId: src.entityId,
        grant: condition === true ? rest : { ...rest, condition },
      });
    } else if (src.kind === 'trigger') {
      const flow = doc.flows?.find((f) => f.id === src.flowId);
      if (!flow) return;
      const { condition: _, ...rest } = flow.trigger as typeof flow.trigger & { condition?: unknown };
      dispatch({
        type: 'updateFlowMeta',
        flowId: flow.id,
        patch: { trigger: (condition === true ? rest : { ...rest, condition }) as typeof flow.trigger },
      });
    } else if (src.kind === 'nodeFilter')
      dispatch({
        type: 'updateFlowNode',
        flowId: src.flowId,
        nodeId: src.nodeId,
        patch: { filter: condition },
      });
  };
  return (
    <RuleBuilder
      entityId={entry.entityId!}
      context={src.kind === 'trigger' ? 'trigger' : 'filter'}
      value={value}
      issues={issues}
      onChange={onChange}
    />
  );
}

function BranchEditor({
  flowId,
  nodeId,
  branch,
  value,
  issues,
}: {
  flowId: string;
  nodeId: string;
  branch: number;
  value: unknown;
  issues: Array<{ path: string; message: string }>;
}) {
  const { doc, dispatch } = useDesigner();
  const flow = doc.flows?.find((f) => f.id === flowId);
  if (!flow) return null;
  return (
    <FlowRuleEditor
      place={{ flowId, nodeId }}
      flow={flow}
      value={value}
      issues={issues}
      onChange={(condition) => dispatch({ type: 'setBranchCondition', flowId, nodeId, branch, condition })}
    />
  );
}
