import {
  FLOW_NODE_KINDS,
  type FlowCanvasBranch,
  type FlowCanvasItem,
  type FlowEdge,
  flowCanvas,
  flowPalette,
  flowRuleFields,
  type InsertableKind,
  resolveFlowDrop,
} from '@dougong/designer';
import type { DesignerIssue } from '@dougong/designer/check';
import type { Flow, FlowNode } from '@dougong/schema';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { issueText } from '../common/IssueList';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { ruleText } from '../rules/rule-text';
import { nodeSummary } from './flow-summary';

/** What the canvas shows besides the flow: issues per node, and the path of the last test run. */
export interface CanvasOverlay {
  readonly issues: ReadonlyMap<string, readonly DesignerIssue[]>;
  /** Node id → its step number in the test run's path (from 1). */
  readonly taken: ReadonlyMap<string, number>;
  /** The node the test run failed at. */
  readonly failedAt?: string;
}

const edgeKey = (edge: FlowEdge) =>
  'before' in edge
    ? `before:${edge.before}`
    : edge.from === null
      ? 'start'
      : `${edge.from}:${typeof edge.slot === 'string' ? edge.slot : `branch${edge.slot.branch}`}`;

/**
 * The vertical flow canvas (approval-flow style): the trigger on top, steps in a column, the paths of a
 * condition or parallel side by side until they meet, a "+" between steps that opens the node menu.
 * Clicks and keys only dispatch designer actions: Enter selects a step, Delete removes it, the arrow keys
 * move between steps.
 */
export function FlowCanvas({ flow, overlay }: { flow: Flow; overlay: CanvasOverlay }) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { selection, select } = useDesigner();
  const canvas = useMemo(() => flowCanvas(flow), [flow]);
  const root = useRef<HTMLDivElement>(null);
  const flowSelected = selection?.kind === 'flow' && selection.flowId === flow.id;

  // Arrow keys walk the cards in reading order.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const cards = [...(root.current?.querySelectorAll<HTMLElement>('[data-flow-card]') ?? [])];
    const at = cards.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    event.preventDefault();
    cards[Math.min(cards.length - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)))]?.focus();
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: arrow-key navigation between the cards inside
    <div className="flow-canvas" ref={root} onKeyDown={onKeyDown} data-testid="flow-canvas">
      <button
        type="button"
        className={`flow-card trigger${flowSelected ? ' selected' : ''}`}
        data-flow-card="trigger"
        data-testid="flow-trigger"
        onClick={() => select({ kind: 'flow', flowId: flow.id })}
      >
        <span className="kind">{dt('flows.trigger')}</span>
        <strong>{label(canvas.triggerLabel)}</strong>
      </button>
      <AddButton flow={flow} edge={canvas.entry} />
      <Column flow={flow} items={canvas.items} overlay={overlay} />
      <div className="flow-end-cap" aria-hidden="true">
        {dt('flows.endOfFlow')}
      </div>
      {canvas.unreachable.length > 0 && (
        <div className="flow-unreachable" role="note">
          <p>{dt('flows.unreachable')}</p>
          {canvas.unreachable.map((id) => {
            const node = flow.nodes.find((n) => n.id === id)!;
            return <NodeCard key={id} flow={flow} node={node} overlay={overlay} />;
          })}
        </div>
      )}
    </div>
  );
}

function Column({
  flow,
  items,
  overlay,
}: {
  flow: Flow;
  items: readonly FlowCanvasItem[];
  overlay: CanvasOverlay;
}) {
  return (
    <>
      {items.map((item) => (
        <Item key={`${item.kind}:${item.nodeId}`} flow={flow} item={item} overlay={overlay} />
      ))}
    </>
  );
}

function Item({ flow, item, overlay }: { flow: Flow; item: FlowCanvasItem; overlay: CanvasOverlay }) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { dispatch } = useDesigner();
  if (item.kind === 'goto')
    return (
      <div className="flow-goto" data-testid={`flow-goto-${item.nodeId}`}>
        ↪ {dt('flows.continuesAt', { step: label(item.label) })}
      </div>
    );
  if (item.kind === 'step')
    return (
      <>
        <NodeCard flow={flow} node={item.node} overlay={overlay} />
        {item.alternates.length > 0 && (
          <div className="flow-alternates">
            {item.alternates.map((alt) => (
              <AddButton key={edgeKey(alt.edge)} flow={flow} edge={alt.edge} caption={label(alt.label)} />
            ))}
          </div>
        )}
        {item.after && <AddButton flow={flow} edge={item.after} />}
      </>
    );
  const node = item.node;
  const canAdd = node.kind === 'condition' || node.kind === 'parallel';
  return (
    <>
      <NodeCard flow={flow} node={node} overlay={overlay} />
      <div className="flow-split" data-testid={`flow-split-${node.id}`}>
        {canAdd && (
          <button
            type="button"
            className="add-branch"
            data-testid={`add-branch-${node.id}`}
            onClick={() => dispatch({ type: 'addBranch', flowId: flow.id, nodeId: node.id })}
          >
            + {node.kind === 'condition' ? dt('flows.addCondition') : dt('flows.addBranch')}
          </button>
        )}
        <div className="flow-branches">
          {item.branches.map((branch, i) => (
            <Branch
              key={edgeKey(branch.entry)}
              flow={flow}
              node={node}
              branch={branch}
              index={i}
              overlay={overlay}
            />
          ))}
        </div>
      </div>
      {item.after && <AddButton flow={flow} edge={item.after} />}
    </>
  );
}

function Branch({
  flow,
  node,
  branch,
  index,
  overlay,
}: {
  flow: Flow;
  node: FlowNode;
  branch: FlowCanvasBranch;
  index: number;
  overlay: CanvasOverlay;
}) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { doc, dispatch, select } = useDesigner();
  const slot = branch.slot;
  const condition =
    node.kind === 'condition' && typeof slot !== 'string' ? node.branches[slot.branch]?.condition : undefined;
  const fields = useMemo(
    () => (condition === undefined ? [] : flowRuleFields(doc, flow.id, node.id)),
    [doc, flow.id, node.id, condition],
  );
  const text = condition === undefined ? null : ruleText(condition, fields, locale, 'flow');
  const firstTaken = branch.items[0] && overlay.taken.has(branch.items[0].nodeId);
  return (
    <div
      className={`flow-branch${firstTaken ? ' taken' : ''}`}
      data-testid={`flow-branch-${node.id}-${index}`}
    >
      <div className="branch-head">
        <button
          type="button"
          className="link"
          onClick={() => select({ kind: 'flowNode', flowId: flow.id, nodeId: node.id })}
        >
          {label(branch.label)}
        </button>
        {branch.removable && (
          <button
            type="button"
            className="link danger"
            aria-label={`${dt('flows.removeBranch')} ${label(branch.label)}`}
            onClick={() =>
              dispatch({
                type: 'removeBranch',
                flowId: flow.id,
                nodeId: node.id,
                branch: typeof slot === 'string' ? 'else' : slot.branch,
              })
            }
          >
            ✕
          </button>
        )}
        {text !== null && <span className="branch-condition">{text}</span>}
      </div>
      <AddButton flow={flow} edge={branch.entry} />
      <Column flow={flow} items={branch.items} overlay={overlay} />
    </div>
  );
}

function NodeCard({ flow, node, overlay }: { flow: Flow; node: FlowNode; overlay: CanvasOverlay }) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { selection, select, dispatch, doc } = useDesigner();
  const selected =
    selection?.kind === 'flowNode' && selection.flowId === flow.id && selection.nodeId === node.id;
  const issues = overlay.issues.get(node.id) ?? [];
  const blocking = issues.some((i) => i.blocking);
  const step = overlay.taken.get(node.id);
  const ownLabel = node.label ? label(node.label) : '';
  const kindLabel = label(FLOW_NODE_KINDS[node.kind].label);
  const summary = nodeSummary(doc, node, locale);
  const classes = ['flow-card', `kind-${node.kind}`];
  if (selected) classes.push('selected');
  if (step !== undefined) classes.push('taken');
  if (overlay.failedAt === node.id) classes.push('failed');
  if (issues.length > 0) classes.push(blocking ? 'invalid' : 'warned');
  return (
    <button
      type="button"
      className={classes.join(' ')}
      data-flow-card={node.id}
      data-testid={`flow-node-${node.id}`}
      data-taken={step !== undefined || undefined}
      aria-current={selected || undefined}
      aria-describedby={issues.length > 0 ? `issues-${flow.id}-${node.id}` : undefined}
      onClick={() => select({ kind: 'flowNode', flowId: flow.id, nodeId: node.id })}
      onKeyDown={(event) => {
        if (event.key === 'Delete' || event.key === 'Backspace') {
          event.preventDefault();
          dispatch({ type: 'removeFlowNode', flowId: flow.id, nodeId: node.id });
        }
      }}
    >
      <span className="kind">
        {ownLabel ? kindLabel : ''}
        {step !== undefined && (
          <span className="step-no" title={dt('flows.takenStep', { step })}>
            {step}
          </span>
        )}
      </span>
      <strong>{ownLabel || kindLabel}</strong>
      {summary && <span className="summary">{summary}</span>}
      {issues.length > 0 && (
        <span className="card-issues" id={`issues-${flow.id}-${node.id}`}>
          {issues.map((i) => issueText(i, locale)).join('; ')}
        </span>
      )}
    </button>
  );
}

/** The "+" on an edge: opens the node menu; a chosen kind is inserted there (or the refusal shown). */
function AddButton({ flow, edge, caption }: { flow: Flow; edge: FlowEdge; caption?: string }) {
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const { doc, dispatch } = useDesigner();
  const [open, setOpen] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const menu = useRef<HTMLDivElement>(null);
  const key = edgeKey(edge);
  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [open]);
  const palette = flowPalette();
  const groups = [...new Set(palette.map((p) => p.group))];
  const insert = (kind: InsertableKind) => {
    const resolution = resolveFlowDrop(doc, flow.id, { source: 'palette', kind }, edge);
    if (!resolution.ok) {
      setRefusal(resolution.refusal.message[locale]);
      return;
    }
    const refused = dispatch(resolution.action);
    setRefusal(refused ? refused.message[locale] : null);
    if (!refused) setOpen(false);
  };
  return (
    <div className={`flow-add${caption ? ' alternate' : ''}`}>
      <button
        type="button"
        className="plus"
        aria-expanded={open}
        aria-haspopup="menu"
        aria-label={caption ? `${dt('flows.addStep')}: ${caption}` : dt('flows.addStep')}
        data-testid={`flow-add-${key}`}
        onClick={() => {
          setOpen(!open);
          setRefusal(null);
        }}
      >
        +{caption ? ` ${caption}` : ''}
      </button>
      {open && (
        <div
          className="node-menu"
          role="menu"
          ref={menu}
          aria-label={dt('flows.nodeMenu')}
          onKeyDown={(event) => {
            const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
            const at = items.indexOf(document.activeElement as HTMLButtonElement);
            if (event.key === 'Escape') {
              event.stopPropagation();
              setOpen(false);
            } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
              event.preventDefault();
              event.stopPropagation();
              const next = (at + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
              items[next]?.focus();
            }
          }}
        >
          {groups.map((group) => (
            <div key={group} className="node-menu-group">
              <span className="group-title">{dt(`flows.group.${group}` as 'flows.group.logic')}</span>
              {palette
                .filter((p) => p.group === group)
                .map((p) => (
                  <button
                    key={p.kind}
                    type="button"
                    role="menuitem"
                    className="node-menu-item"
                    data-testid={`node-kind-${p.kind}`}
                    onClick={() => insert(p.kind)}
                  >
                    {label(p.label)}
                  </button>
                ))}
            </div>
          ))}
          {refusal && (
            <p className="rule-issue" role="alert">
              {refusal}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
