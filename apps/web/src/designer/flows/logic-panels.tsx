import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { MinutesInput, ValueInput } from './FlowInputs';
import { Choice, FlowRuleEditor, issuesWithin, type PanelProps } from './panel-kit';

/** A condition: each branch's condition (tried in order), the else path, adding branches. */
export function ConditionPanel({ flow, node, place, issues }: PanelProps<'condition'>) {
  const dt = useDesignerText();
  const { locale } = useI18n();
  const { dispatch } = useDesigner();
  return (
    <div className="panel-section">
      <p className="muted">{dt('flows.conditionHelp')}</p>
      <ol className="branch-list">
        {node.branches.map((branch, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: branches are addressed by position in the metadata
          <li key={i} data-testid={`branch-condition-${i}`}>
            <div className="branch-title">
              <strong>{dt('flows.branchN', { n: i + 1 })}</strong>
              {node.branches.length > 1 && (
                <button
                  type="button"
                  className="link danger"
                  onClick={() =>
                    dispatch({ type: 'removeBranch', flowId: flow.id, nodeId: node.id, branch: i })
                  }
                >
                  {dt('flows.removeBranch')}
                </button>
              )}
            </div>
            <FlowRuleEditor
              place={place}
              flow={flow}
              label={dt('flows.branchN', { n: i + 1 })}
              value={branch.condition}
              issues={issuesWithin(issues, `/branches/${i}/condition`, locale)}
              onChange={(condition) =>
                dispatch({
                  type: 'setBranchCondition',
                  flowId: flow.id,
                  nodeId: node.id,
                  branch: i,
                  condition,
                })
              }
            />
          </li>
        ))}
      </ol>
      <button
        type="button"
        onClick={() => dispatch({ type: 'addBranch', flowId: flow.id, nodeId: node.id })}
        data-testid="panel-add-branch"
      >
        + {dt('flows.addCondition')}
      </button>
      <p className="muted">{node.else === undefined ? dt('flows.noElse') : dt('flows.elseHelp')}</p>
    </div>
  );
}

/** A parallel split: its branches run together and meet at the join. */
export function ParallelPanel({ flow, node }: PanelProps<'parallel'>) {
  const dt = useDesignerText();
  const { dispatch } = useDesigner();
  const join = flow.nodes.find((n) => n.id === node.join);
  return (
    <div className="panel-section">
      <p className="muted">{dt('flows.parallelHelp', { n: node.branches.length })}</p>
      <button type="button" onClick={() => dispatch({ type: 'addBranch', flowId: flow.id, nodeId: node.id })}>
        + {dt('flows.addBranch')}
      </button>
      {join?.kind === 'join' && (
        <Choice
          label={dt('flows.joinMode')}
          value={join.mode}
          choices={[
            { value: 'all', label: dt('flows.joinAll') },
            { value: 'any', label: dt('flows.joinAny') },
          ]}
          onChange={(mode) =>
            dispatch({ type: 'updateFlowNode', flowId: flow.id, nodeId: join.id, patch: { mode } })
          }
        />
      )}
    </div>
  );
}

/** Where parallel branches meet. */
export function JoinPanel({ node, patch }: PanelProps<'join'>) {
  const dt = useDesignerText();
  return (
    <Choice
      label={dt('flows.joinMode')}
      value={node.mode}
      choices={[
        { value: 'all', label: dt('flows.joinAll') },
        { value: 'any', label: dt('flows.joinAny') },
      ]}
      onChange={(mode) => patch({ mode })}
    />
  );
}

/** Waits a fixed time. */
export function DelayPanel({ node, patch }: PanelProps<'delay'>) {
  const dt = useDesignerText();
  return (
    <MinutesInput
      label={dt('flows.delayFor')}
      value={node.minutes}
      testId="delay-minutes"
      onChange={(minutes) => patch({ minutes: minutes ?? 0 })}
    />
  );
}

/** Waits for a moment or until a condition holds, re-checked; gives up after a timeout. */
export function WaitUntilPanel({ flow, node, place, issues, patch }: PanelProps<'waitUntil'>) {
  const dt = useDesignerText();
  const { locale } = useI18n();
  const byMoment = node.at !== undefined;
  return (
    <div className="panel-section">
      <Choice
        label={dt('flows.waitFor')}
        value={byMoment ? 'at' : 'condition'}
        choices={[
          { value: 'at', label: dt('flows.waitMoment') },
          { value: 'condition', label: dt('flows.waitCondition') },
        ]}
        onChange={(mode) =>
          patch(
            mode === 'at'
              ? { at: { var: 'now' }, condition: undefined }
              : { at: undefined, condition: node.condition ?? true },
          )
        }
      />
      {byMoment ? (
        <ValueInput
          place={place}
          label={dt('flows.moment')}
          value={node.at}
          onChange={(at) => patch({ at: at ?? { var: 'now' } })}
        />
      ) : (
        <>
          <FlowRuleEditor
            place={place}
            flow={flow}
            value={node.condition}
            issues={issuesWithin(issues, '/condition', locale)}
            onChange={(condition) => patch({ condition })}
          />
          <MinutesInput
            label={dt('flows.recheckEvery')}
            value={node.recheckMinutes}
            optional
            onChange={(recheckMinutes) => patch({ recheckMinutes: recheckMinutes || undefined })}
          />
        </>
      )}
      <MinutesInput
        label={dt('flows.timeoutAfter')}
        value={node.timeoutMinutes}
        optional
        onChange={(timeoutMinutes) => patch({ timeoutMinutes: timeoutMinutes || undefined })}
      />
    </div>
  );
}

/** The end of a path. */
export function EndPanel(_props: PanelProps<'end'>) {
  const dt = useDesignerText();
  return <p className="muted">{dt('flows.endHelp')}</p>;
}
