import type { EvalContext } from '@dougong/rules';
import { useEffect, useId, useState } from 'react';
import { loadMe } from '../../api/session';
import { FieldInput } from '../../components/FieldInput';
import { useI18n } from '../../i18n/i18n';
import { recordTitle } from '../../lib/fields';
import { listRecords, type RecordJson } from '../../lib/records';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';

/** What a test of a rule says: whether it holds (or passes), and in words what that means. */
export interface RuleOutcome {
  readonly ok: boolean;
  readonly text: string;
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

let me: Promise<string | undefined> | undefined;

/**
 * "Test this rule": sample values typed into the entity's own inputs, or a real record picked by search
 * or id (read through the records API), evaluated with the rule engine in the browser — the same engine
 * the server runs — with the signed-in user and the app's time zone.
 */
export function RuleTestPanel({
  entityId,
  test,
}: {
  entityId: string | undefined;
  /** Evaluates the rule on a record (field keys → values). */
  test(record: Record<string, unknown>, ctx: EvalContext): RuleOutcome;
}) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { doc, app } = useDesigner();
  const id = useId();
  const entity = doc.entities.find((e) => e.id === entityId);
  const [source, setSource] = useState<'sample' | 'record'>('sample');
  const [sample, setSample] = useState<Record<string, unknown>>({});
  const [q, setQ] = useState('');
  const [records, setRecords] = useState<RecordJson[]>([]);
  const [picked, setPicked] = useState<RecordJson | null>(null);
  const [outcome, setOutcome] = useState<RuleOutcome | null>(null);
  const [userId, setUserId] = useState<string | undefined>(undefined);

  useEffect(() => {
    me ??= loadMe().then((m) => m?.user.id);
    void me.then(setUserId);
  }, []);

  useEffect(() => {
    if (!entity || entity.kind === 'child' || source !== 'record') return;
    const handle = setTimeout(() => {
      const byId = /^[0-9a-f-]{36}$/i.test(q.trim());
      void listRecords(
        app,
        entity.key,
        byId ? { filter: { '==': [{ var: 'id' }, q.trim()] } } : { q: q || undefined, limit: 20 },
      ).then(
        (page) => setRecords(page.items),
        () => setRecords([]),
      );
    }, 200);
    return () => clearTimeout(handle);
  }, [app, entity, q, source]);

  const run = () => {
    const record = source === 'record' ? (picked ?? {}) : sample;
    try {
      setOutcome(
        test(record, {
          now: new Date(),
          timeZone: doc.timeZone ?? 'Asia/Shanghai',
          ...(userId ? { user: { id: userId } } : {}),
        }),
      );
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    }
  };

  if (!entity) return null;
  return (
    <section className="rule-test" data-testid="rule-test" aria-label={dt('rules.test')}>
      <h3>{dt('rules.test')}</h3>
      {entity.kind !== 'child' && (
        <fieldset className="test-source">
          <legend className="sr-only">{dt('flows.testAgainst')}</legend>
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
              data-testid="rule-test-record"
              onChange={() => setSource('record')}
            />
            {dt('flows.realRecord')}
          </label>
        </fieldset>
      )}
      {source === 'sample' ? (
        <div className="sample" data-testid="rule-test-sample">
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
      ) : (
        <div className="test-record">
          <input
            type="search"
            aria-label={dt('rules.searchOrId')}
            placeholder={dt('rules.searchOrId')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <select
            aria-label={dt('flows.realRecord')}
            value={picked?.id ?? ''}
            data-testid="rule-test-pick"
            onChange={(e) => setPicked(records.find((r) => r.id === e.target.value) ?? null)}
          >
            <option value="">{dt('rules.choose')}</option>
            {records.map((r) => (
              <option key={r.id} value={r.id}>
                {recordTitle(doc, entity, r)}
              </option>
            ))}
          </select>
        </div>
      )}
      <button
        type="button"
        className="primary"
        data-testid="rule-test-run"
        disabled={source === 'record' && !picked}
        onClick={run}
      >
        {dt('rules.runTest')}
      </button>
      {outcome && (
        <p
          className={`rule-result ${outcome.ok ? 'yes' : 'no'}`}
          role="status"
          data-testid="rule-test-result"
          data-ok={outcome.ok}
        >
          {outcome.text}
        </p>
      )}
    </section>
  );
}
