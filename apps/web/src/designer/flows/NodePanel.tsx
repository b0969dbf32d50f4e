import { FLOW_NODE_KINDS } from '@dougong/designer';
import type { DesignerIssue } from '@dougong/designer/check';
import type { Flow, FlowNode, FlowNodeKind } from '@dougong/schema';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n';
import { BilingualInput } from '../common/BilingualInput';
import { ItemIssues } from '../common/IssueList';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import {
  CreateRecordPanel,
  HttpRequestPanel,
  QueryRecordsPanel,
  RecomputeScorePanel,
  UpdateRecordPanel,
  UpdateRecordsPanel,
} from './data-panels';
import {
  ConditionPanel,
  DelayPanel,
  EndPanel,
  JoinPanel,
  ParallelPanel,
  WaitUntilPanel,
} from './logic-panels';
import type { PanelProps } from './panel-kit';
import {
  ApprovalPanel,
  AssignOwnerPanel,
  CreateTaskPanel,
  NotifyPanel,
  SendEmailPanel,
} from './people-panels';

/** One configuration panel per node kind: a kind added to the schema does not compile until it has one. */
const PANELS: { [K in FlowNodeKind]: (props: PanelProps<K>) => ReactNode } = {
  condition: ConditionPanel,
  parallel: ParallelPanel,
  join: JoinPanel,
  delay: DelayPanel,
  waitUntil: WaitUntilPanel,
  queryRecords: QueryRecordsPanel,
  createRecord: CreateRecordPanel,
  updateRecord: UpdateRecordPanel,
  updateRecords: UpdateRecordsPanel,
  assignOwner: AssignOwnerPanel,
  createTask: CreateTaskPanel,
  sendEmail: SendEmailPanel,
  notify: NotifyPanel,
  httpRequest: HttpRequestPanel,
  approval: ApprovalPanel,
  recomputeScore: RecomputeScorePanel,
  end: EndPanel,
};

/**
 * The selected step's panel: its name, its kind's configuration, its problems, removal. Every edit is an
 * `updateFlowNode` (or a graph action) on the draft.
 */
export function NodePanel({
  flow,
  node,
  issues,
}: {
  flow: Flow;
  node: FlowNode;
  issues: readonly DesignerIssue[];
}) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { dispatch, seal } = useDesigner();
  const patch = (p: Record<string, unknown>) => {
    const cleaned = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v === undefined ? null : v]));
    dispatch({ type: 'updateFlowNode', flowId: flow.id, nodeId: node.id, patch: cleaned });
  };
  const Panel = PANELS[node.kind] as (props: PanelProps<FlowNodeKind>) => ReactNode;
  return (
    <section
      className="node-panel"
      aria-label={label(FLOW_NODE_KINDS[node.kind].label)}
      data-testid="node-panel"
    >
      <header>
        <h3>
          {label(FLOW_NODE_KINDS[node.kind].label)} <code>{node.id}</code>
        </h3>
        {node.kind !== 'join' && (
          <button
            type="button"
            className="link danger"
            data-testid="remove-node"
            onClick={() => dispatch({ type: 'removeFlowNode', flowId: flow.id, nodeId: node.id })}
          >
            {dt('flows.removeStep')}
          </button>
        )}
      </header>
      <BilingualInput
        label={dt('flows.stepName')}
        value={node.label}
        onChange={(next) =>
          dispatch({ type: 'updateFlowNode', flowId: flow.id, nodeId: node.id, patch: { label: next } })
        }
        onBlur={seal}
        testId="node-label"
      />
      <ItemIssues issues={issues} testId="node-issues" />
      <Panel
        flow={flow}
        node={node}
        issues={issues}
        place={{ flowId: flow.id, nodeId: node.id }}
        patch={patch}
      />
    </section>
  );
}
