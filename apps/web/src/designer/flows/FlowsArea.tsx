import type { DesignerIssue } from '@dougong/designer/check';
import type { Flow } from '@dougong/schema';
import { useEffect, useId, useMemo, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { issueText } from '../common/IssueList';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { type CanvasOverlay, FlowCanvas } from './FlowCanvas';
import { FlowTestPanel, type TestOutcome } from './FlowTestPanel';
import { NodePanel } from './NodePanel';
import { TriggerPanel } from './TriggerPanel';
import './flows.css';

const KEY = /^[a-z][a-zA-Z0-9]{0,62}$/;

/** The stable id of a new flow from its key (`bigDeal` → `big_deal`). */
const idFromKey = (key: string) =>
  key
    .replace(/([A-Z])/g, '_$1')
    .toLowerCase()
    .slice(0, 40);

/** The issues of each flow (by id), from the live check. */
function flowIssues(
  doc: { flows?: readonly Flow[] },
  issues: readonly DesignerIssue[],
): Map<string, DesignerIssue[]> {
  const out = new Map<string, DesignerIssue[]>();
  for (const issue of issues) {
    const sel = issue.target.selection;
    const flowId =
      sel?.kind === 'flow' || sel?.kind === 'flowNode'
        ? sel.flowId
        : /^\/flows\/(\d+)/.test(issue.path)
          ? doc.flows?.[Number(/^\/flows\/(\d+)/.exec(issue.path)![1])]?.id
          : undefined;
    if (flowId !== undefined) out.set(flowId, [...(out.get(flowId) ?? []), issue]);
  }
  return out;
}

/**
 * The flows area: the app's flows (add, remove, enable), and for the chosen flow the vertical canvas, the
 * trigger and step panels, the whole-flow check (shown on the steps; a flow with problems cannot be
 * enabled) and the test run.
 */
export default function FlowsArea() {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { doc, dispatch, selection, select, issues } = useDesigner();
  const flows = doc.flows ?? [];
  const byFlow = useMemo(() => flowIssues(doc, issues), [doc, issues]);
  const selectedId =
    selection?.kind === 'flow' || selection?.kind === 'flowNode' ? selection.flowId : undefined;
  const flow = flows.find((f) => f.id === selectedId) ?? flows[0];
  const [creating, setCreating] = useState(false);
  const [outcomes, setOutcomes] = useState<Record<string, TestOutcome | null>>({});

  return (
    <div className="flows-area" data-testid="flows-area">
      <nav className="flow-list" aria-label={dt('flows.list')}>
        <h2>{dt('flows.list')}</h2>
        <ul>
          {flows.map((f) => {
            const problems = byFlow.get(f.id) ?? [];
            return (
              <li key={f.id}>
                <button
                  type="button"
                  aria-current={f.id === flow?.id || undefined}
                  data-testid={`flow-item-${f.key}`}
                  onClick={() => select({ kind: 'flow', flowId: f.id })}
                >
                  <span className={`dot ${f.enabled === false ? 'off' : 'on'}`} aria-hidden="true" />
                  {label(f.label)}
                  {problems.some((p) => p.blocking) && <span className="bad"> ⚠</span>}
                </button>
              </li>
            );
          })}
        </ul>
        {creating ? (
          <NewFlowForm
            taken={flows.map((f) => f.key)}
            onCancel={() => setCreating(false)}
            onCreate={(name, key) => {
              const flowId = idFromKey(key);
              const refusal = dispatch({
                type: 'addFlow',
                label: { [locale]: name } as { 'zh-CN': string },
                key,
                flowId,
              });
              if (refusal) return refusal.message[locale];
              // A new flow starts switched off: it is enabled once it is complete and checks clean.
              dispatch({ type: 'updateFlowMeta', flowId, patch: { enabled: false } });
              setCreating(false);
              return null;
            }}
          />
        ) : (
          <button type="button" className="primary" data-testid="new-flow" onClick={() => setCreating(true)}>
            + {dt('flows.newFlow')}
          </button>
        )}
      </nav>
      {flow ? (
        <FlowEditor
          key={flow.id}
          flow={flow}
          issues={byFlow.get(flow.id) ?? []}
          outcome={outcomes[flow.id] ?? null}
          onOutcome={(o) => setOutcomes({ ...outcomes, [flow.id]: o })}
        />
      ) : (
        <p className="empty">{dt('flows.none')}</p>
      )}
      {flow && selection === null && <SelectFirst flowId={flow.id} />}
    </div>
  );
}

/** Selects the shown flow when nothing is selected, so keyboard users land on it. */
function SelectFirst({ flowId }: { flowId: string }) {
  const { select } = useDesigner();
  useEffect(() => select({ kind: 'flow', flowId }), [flowId, select]);
  return null;
}

function NewFlowForm({
  taken,
  onCreate,
  onCancel,
}: {
  taken: readonly string[];
  onCreate(name: string, key: string): string | null;
  onCancel(): void;
}) {
  const dt = useDesignerText();
  const id = useId();
  const [name, setName] = useState('');
  const [key, setKey] = useState(() => {
    for (let n = 1; ; n++) if (!taken.includes(`flow${n}`)) return `flow${n}`;
  });
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="new-flow"
      data-testid="new-flow-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) return setError(dt('flows.nameRequired'));
        if (!KEY.test(key) || taken.includes(key)) return setError(dt('flows.badKey'));
        setError(onCreate(name.trim(), key));
      }}
    >
      <label htmlFor={`${id}-n`}>{dt('flows.flowName')}</label>
      <input
        id={`${id}-n`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        data-testid="new-flow-name"
      />
      <label htmlFor={`${id}-k`}>{dt('flows.flowKey')}</label>
      <input
        id={`${id}-k`}
        value={key}
        placeholder="bigDealAlert"
        onChange={(e) => setKey(e.target.value.trim())}
        data-testid="new-flow-key"
      />
      {error && (
        <p className="rule-issue" role="alert">
          {error}
        </p>
      )}
      <span className="row">
        <button type="submit" className="primary" data-testid="create-flow">
          {dt('designer.create')}
        </button>
        <button type="button" onClick={onCancel}>
          {dt('designer.cancel')}
        </button>
      </span>
    </form>
  );
}

function FlowEditor({
  flow,
  issues,
  outcome,
  onOutcome,
}: {
  flow: Flow;
  issues: readonly DesignerIssue[];
  outcome: TestOutcome | null;
  onOutcome(outcome: TestOutcome | null): void;
}) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { dispatch, selection } = useDesigner();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const enabled = flow.enabled !== false;
  const blocking = issues.filter((i) => i.blocking);
  const problems = issues.length;
  const node =
    selection?.kind === 'flowNode' && selection.flowId === flow.id
      ? flow.nodes.find((n) => n.id === selection.nodeId)
      : undefined;

  const overlay = useMemo<CanvasOverlay>(() => {
    const perNode = new Map<string, DesignerIssue[]>();
    for (const issue of issues) {
      const sel = issue.target.selection;
      if (sel?.kind === 'flowNode') perNode.set(sel.nodeId, [...(perNode.get(sel.nodeId) ?? []), issue]);
    }
    const taken = new Map<string, number>();
    outcome?.run.path.forEach((id, i) => {
      if (!taken.has(id)) taken.set(id, i + 1);
    });
    const last = outcome?.run.status === 'failed' ? nextAfter(flow, outcome.run.path) : undefined;
    return { issues: perNode, taken, ...(last ? { failedAt: last } : {}) };
  }, [issues, outcome, flow]);

  return (
    <div className="flow-editor" data-testid="flow-editor">
      <header className="flow-header">
        <h2>{label(flow.label)}</h2>
        <code>{flow.key}</code>
        <label className="flow-switch" title={!enabled && problems > 0 ? dt('flows.fixFirst') : undefined}>
          <input
            type="checkbox"
            role="switch"
            aria-checked={enabled}
            checked={enabled}
            disabled={!enabled && problems > 0}
            data-testid="flow-enabled"
            onChange={(e) =>
              dispatch({ type: 'updateFlowMeta', flowId: flow.id, patch: { enabled: e.target.checked } })
            }
          />
          {enabled ? dt('flows.enabled') : dt('flows.disabled')}
        </label>
        <span
          className={`flow-check-status ${problems === 0 ? 'ok' : blocking.length > 0 ? 'bad' : 'warn'}`}
          role="status"
          data-testid="flow-check"
        >
          {problems === 0 ? dt('flows.valid') : dt('flows.problems', { count: problems })}
        </span>
        <span className="spacer" />
        {confirmRemove ? (
          <span className="confirm">
            {dt('flows.removeConfirm')}
            <button
              type="button"
              className="danger"
              data-testid="confirm-remove-flow"
              onClick={() => dispatch({ type: 'removeFlow', flowId: flow.id })}
            >
              {dt('flows.removeFlow')}
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)}>
              {dt('designer.cancel')}
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="link danger"
            data-testid="remove-flow"
            onClick={() => setConfirmRemove(true)}
          >
            {dt('flows.removeFlow')}
          </button>
        )}
      </header>
      {!enabled && problems > 0 && (
        <div className="flow-problems" role="alert" data-testid="flow-problems">
          <p>{dt('flows.fixFirst')}</p>
          <ul>
            {issues.map((i) => (
              <li key={`${i.path}|${i.message}`} className={i.blocking ? 'blocking' : 'warning'}>
                <code>{i.path}</code> {issueText(i, locale)}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="flow-workspace">
        <FlowCanvas flow={flow} overlay={overlay} />
        <div className="flow-side">
          {node ? (
            <NodePanel key={node.id} flow={flow} node={node} issues={overlay.issues.get(node.id) ?? []} />
          ) : (
            <TriggerPanel flow={flow} issues={issues} />
          )}
          <FlowTestPanel flow={flow} outcome={outcome} onOutcome={onOutcome} />
        </div>
      </div>
    </div>
  );
}

/** The step a failed test run stopped at: the first successor of its last step not on the path. */
function nextAfter(flow: Flow, path: readonly string[]): string | undefined {
  if (path.length === 0) return flow.start;
  const last = flow.nodes.find((n) => n.id === path[path.length - 1]);
  if (!last) return undefined;
  const candidates = Object.entries(last)
    .filter(([k]) => ['next', 'else', 'approved'].includes(k))
    .map(([, v]) => v as string);
  if (last.kind === 'condition') candidates.unshift(...last.branches.map((b) => b.next));
  return candidates.find((id) => !path.includes(id));
}
