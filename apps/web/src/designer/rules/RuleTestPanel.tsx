import type { EvalContext } from '@dougong/rules';
import { useEffect, useState } from 'react';
import { loadMe } from '../../api/session';
import { SAMPLE_SOURCE, TestSource, type TestSourceValue } from '../common/TestSource';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';

/** What a test of a rule says: whether it holds (or passes), and in words what that means. */
export interface RuleOutcome {
  readonly ok: boolean;
  readonly text: string;
}

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
  const { doc } = useDesigner();
  const entity = doc.entities.find((e) => e.id === entityId);
  const [against, setAgainst] = useState<TestSourceValue>(SAMPLE_SOURCE);
  const [outcome, setOutcome] = useState<RuleOutcome | null>(null);
  const [userId, setUserId] = useState<string | undefined>(undefined);

  useEffect(() => {
    me ??= loadMe().then((m) => m?.user.id);
    void me.then(setUserId);
  }, []);

  const run = () => {
    const record = against.source === 'record' ? (against.picked ?? {}) : against.sample;
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
      <TestSource
        entity={entity}
        value={against}
        onChange={setAgainst}
        records={entity.kind !== 'child'}
        byId
        searchLabel={dt('rules.searchOrId')}
        legendHidden
        testIds={{ record: 'rule-test-record', sample: 'rule-test-sample', pick: 'rule-test-pick' }}
      />
      <button
        type="button"
        className="primary"
        data-testid="rule-test-run"
        disabled={against.source === 'record' && !against.picked}
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
