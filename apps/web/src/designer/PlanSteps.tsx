import { useI18n } from '../i18n/i18n';
import type { PlanView } from './designer-api';
import { useDesignerText } from './designer-i18n';

/**
 * The steps of a migration plan, each with its checks against live data (blocking ones marked, with
 * the failing records and, for conversions, their values and reasons). Shown by a publish preview and
 * a template install or upgrade preview.
 */
export function PlanSteps({ plan }: { plan: Pick<PlanView, 'plan' | 'checks'> }) {
  const dt = useDesignerText();
  const { locale } = useI18n();
  return (
    <ol className="plan-steps">
      {plan.plan.steps.map((step, index) => {
        const checks = plan.checks.filter((c) => c.step === index);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional and never reordered
          <li key={index} className={checks.some((c) => c.blocking) ? 'blocked' : undefined}>
            <span className={`step-kind step-${step.kind}`}>{step.kind}</span> {step.text[locale]}
            {checks.map((check, i) => (
              <div
                // biome-ignore lint/suspicious/noArrayIndexKey: checks of one step keep their order
                key={i}
                className={check.blocking ? 'check blocking' : 'check'}
                data-testid="plan-check"
              >
                {check.message[locale]}
                {check.failing > 0 && <span> · {dt('publish.failing', { count: check.failing })}</span>}
                {check.recordIds.length > 0 && (
                  <ul className="record-ids" aria-label={dt('publish.records')}>
                    {check.samples && check.samples.length > 0
                      ? check.samples.map((s) => (
                          <li key={s.id} data-testid="failing-record">
                            <code>{s.id}</code> {JSON.stringify(s.value)} — {s.reason}
                          </li>
                        ))
                      : check.recordIds.map((id) => (
                          <li key={id} data-testid="failing-record">
                            <code>{id}</code>
                          </li>
                        ))}
                  </ul>
                )}
              </div>
            ))}
          </li>
        );
      })}
    </ol>
  );
}
