import { FLOW_NODE_KINDS } from '@dougong/designer';
import type { Flow } from '@dougong/schema';
import { useEffect, useId, useState } from 'react';
import { ApiError } from '../../api/client';
import { FieldInput } from '../../components/FieldInput';
import { useI18n } from '../../i18n/i18n';
import { recordTitle } from '../../lib/fields';
import { listRecords } from '../../lib/records';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { type TestRun, testFlow } from './flow-api';
import { triggerEntity } from './panel-kit';

/** A finished test run with the flow it ran (to tell when the flow changed since). */
export interface TestOutcome {
  readonly run: TestRun;
  readonly flowJson: string;
}

const SAMPLE_TYPES = new Set([
  'text',
  'longText',
  'number',
  'money',
  'percent',
  'boolean',
  'date',
  'datetime',
  'singleSelect',
  'multiSelect',
  'email',
  'phone',
  'url',
  'user',
  'department',
  'reference',
  'region',
]);

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
  const id = useId();
  const entity = doc.entities.find((e) => e.id === triggerEntity(doc, flow));
  const [source, setSource] = useState<'sample' | 'record'>('sample');
  const [sample, setSample] = useState<Record<string, unknown>>({});
  const [q, setQ] = useState('');
  const [records, setRecords] = useState<Array<{ id: string; title: string }>>([]);
  const [recordId, setRecordId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!entity || source !== 'record') return;
    const handle = setTimeout(() => {
      void listRecords(app, entity.key, { q: q || undefined, limit: 20 }).then(
        (page) => setRecords(page.items.map((r) => ({ id: r.id, title: recordTitle(doc, entity, r) }))),
        () => setRecords([]),
      );
    }, 200);
    return () => clearTimeout(handle);
  }, [app, doc, entity, q, source]);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const input = !entity
        ? {}
        : source === 'record'
          ? { recordId }
          : {
              record: Object.fromEntries(
                Object.entries(sample).filter(([, v]) => v !== null && v !== undefined),
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
        <fieldset className="test-source">
          <legend>{dt('flows.testAgainst')}</legend>
          <label>
            <input
              type="radio"
              name={`${id}-src`}
              checked={source === 'sample'}
              onChange={() => setSource('sample')}
            />
            {dt('flows.sampleValues')}
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-src`}
              checked={source === 'record'}
              data-testid="test-source-record"
              onChange={() => setSource('record')}
            />
            {dt('flows.realRecord')}
          </label>
        </fieldset>
      )}
      {entity && source === 'sample' && (
        <div className="sample" data-testid="test-sample">
          {entity.fields
            .filter((f) => SAMPLE_TYPES.has(f.type))
            .map((f) => (
              <div key={f.id} className="flow-input" data-field={f.key}>
                <label htmlFor={`${id}-${f.id}`}>{label(f.label)}</label>
                <FieldInput
                  id={`${id}-${f.id}`}
                  field={f}
                  value={sample[f.key] ?? null}
                  onChange={(v) => setSample({ ...sample, [f.key]: v })}
                  readOnly={false}
                  invalid={false}
                  doc={doc}
                  app={app}
                />
              </div>
            ))}
        </div>
      )}
      {entity && source === 'record' && (
        <div className="test-record">
          <input
            type="search"
            aria-label={dt('rules.searchRecords')}
            placeholder={dt('rules.searchRecords')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <select
            aria-label={dt('flows.realRecord')}
            value={recordId}
            data-testid="test-record"
            onChange={(e) => setRecordId(e.target.value)}
          >
            <option value="">{dt('rules.choose')}</option>
            {records.map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
          </select>
        </div>
      )}
      <button
        type="button"
        className="primary"
        disabled={busy || (source === 'record' && !!entity && !recordId)}
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
