import { FLOW_NODE_KINDS } from '@dougong/designer';
import type { Flow } from '@dougong/schema';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { SAMPLE_SOURCE, TestSource, type TestSourceValue } from '../common/TestSource';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { type TestRun, testFlow } from './flow-api';
import { triggerEntity } from './panel-kit';

/** A finished test run with the flow it ran (to tell when the flow changed since). */
export interface TestOutcome {
  readonly run: TestRun;
  readonly flowJson: string;
}

/**
 * Test run from the designer: the flow as drawn (saved or not) runs on the server in test mode against
 * sample values or a real record; the path taken and each step's output are shown (and highlighted on the
 * canvas). Nothing is sent or written: e-mails, calls and record writes are captured.
 */
export function FlowTestPanel({
  flow,
  outcome,
  onOutcome,
}: {
  flow: Flow;
  outcome: TestOutcome | null;
  onOutcome(outcome: TestOutcome | null): void;
}) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { doc, app } = useDesigner();
  const entity = doc.entities.find((e) => e.id === triggerEntity(doc, flow));
  const [against, setAgainst] = useState<TestSourceValue>(SAMPLE_SOURCE);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const input = !entity
        ? {}
        : against.source === 'record'
          ? { recordId: against.picked?.id ?? '' }
          : {
              record: Object.fromEntries(
                Object.entries(against.sample).filter(([, v]) => v !== null && v !== undefined),
              ),
            };
      const result = await testFlow(app, flow, input as never);
      onOutcome({ run: result, flowJson: JSON.stringify(flow) });
    } catch (e) {
      onOutcome(null);
      if (e instanceof ApiError)
        setError([e.message, ...e.details.map((d) => `${d.path} ${d.message}`)].join('\n'));
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const stale = outcome !== null && outcome.flowJson !== JSON.stringify(flow);
  const nodeName = (nodeId: string) => {
    const node = flow.nodes.find((n) => n.id === nodeId);
    if (!node) return nodeId;
    return node.label ? label(node.label) : label(FLOW_NODE_KINDS[node.kind].label);
  };

  return (
    <section className="node-panel flow-test" data-testid="flow-test" aria-label={dt('flows.testRun')}>
      <header>
        <h3>{dt('flows.testRun')}</h3>
      </header>
      <p className="muted">{dt('flows.testHelp')}</p>
      {entity && (
        <TestSource
          entity={entity}
          value={against}
          onChange={setAgainst}
          records
          searchLabel={dt('rules.searchRecords')}
          testIds={{ record: 'test-source-record', sample: 'test-sample', pick: 'test-record' }}
        />
      )}
      <button
        type="button"
        className="primary"
        disabled={busy || (against.source === 'record' && !!entity && !against.picked)}
        data-testid="run-test"
        onClick={() => void run()}
      >
        {busy ? dt('flows.running') : dt('flows.runTest')}
      </button>
      {error && (
        <pre className="rule-issue" role="alert" data-testid="test-error">
          {error}
        </pre>
      )}
      {outcome && (
        <div className="test-result" data-testid="test-result" data-status={outcome.run.status}>
          <p
            className={`rule-result ${outcome.run.status === 'succeeded' ? 'yes' : 'no'}`}
            data-testid="test-status"
          >
            {outcome.run.status === 'succeeded' ? dt('flows.testSucceeded') : dt('flows.testFailed')}
            {outcome.run.error ? `: ${outcome.run.error}` : ''}
          </p>
          {stale && <p className="muted">{dt('flows.testStale')}</p>}
          <ol className="test-steps">
            {outcome.run.steps.map((step, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a step of a parallel branch may repeat a node id
              <li key={`${step.nodeId}:${step.branch}:${i}`} data-testid={`test-step-${step.nodeId}`}>
                <strong>{nodeName(step.nodeId)}</strong> <code>{step.nodeId}</code>
                {step.effect && (
                  <span className="tag">{dt('flows.captured', { kind: step.effect.kind })}</span>
                )}
                <details open={i === outcome.run.steps.length - 1 || outcome.run.steps.length <= 4}>
                  <summary>{dt('flows.output')}</summary>
                  <pre className="output" data-testid={`test-output-${step.nodeId}`}>
                    {JSON.stringify(step.output, null, 2)}
                  </pre>
                  {step.effect && (
                    <pre className="output effect" data-testid={`test-effect-${step.nodeId}`}>
                      {JSON.stringify(step.effect, null, 2)}
                    </pre>
                  )}
                </details>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
