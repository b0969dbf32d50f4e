import { defaultTrigger, FLOW_TRIGGER_KINDS } from '@dougong/designer';
import type { DesignerIssue } from '@dougong/designer/check';
import type { Flow, FlowTrigger } from '@dougong/schema';
import { useId } from 'react';
import { useI18n } from '../../i18n/i18n';
import { BilingualInput } from '../common/BilingualInput';
import { ItemIssues } from '../common/IssueList';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { RuleBuilder } from '../rules/RuleBuilder';
import { EntitySelect } from './FlowInputs';
import { Choice, Row } from './panel-kit';

const CRON_PRESETS = [
  { cron: '0 9 * * *', key: 'flows.cron.daily' },
  { cron: '0 9 * * 1', key: 'flows.cron.weekly' },
  { cron: '0 9 1 * *', key: 'flows.cron.monthly' },
  { cron: '0 * * * *', key: 'flows.cron.hourly' },
] as const;

/** The flow's settings and what starts it: the trigger kind and its entity, fields, condition, schedule. */
export function TriggerPanel({ flow, issues }: { flow: Flow; issues: readonly DesignerIssue[] }) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { doc, dispatch, seal } = useDesigner();
  const id = useId();
  const t = flow.trigger;
  const setTrigger = (trigger: FlowTrigger) =>
    dispatch({ type: 'updateFlowMeta', flowId: flow.id, patch: { trigger } });
  const entity = 'entity' in t ? doc.entities.find((e) => e.id === t.entity) : undefined;
  const triggerIssues = issues.filter((i) => i.target.within.startsWith('/trigger'));
  return (
    <section className="node-panel" data-testid="trigger-panel" aria-label={dt('flows.trigger')}>
      <header>
        <h3>{dt('flows.settings')}</h3>
      </header>
      <BilingualInput
        label={dt('flows.flowName')}
        value={flow.label}
        onChange={(next) => dispatch({ type: 'updateFlowMeta', flowId: flow.id, patch: { label: next } })}
        onBlur={seal}
        required
      />
      <BilingualInput
        label={dt('flows.description')}
        value={flow.description}
        multiline
        onChange={(next) =>
          dispatch({
            type: 'updateFlowMeta',
            flowId: flow.id,
            patch: { description: Object.keys(next).length ? next : null },
          })
        }
        onBlur={seal}
      />
      <h4>{dt('flows.trigger')}</h4>
      <Choice
        label={dt('flows.triggerKind')}
        value={t.kind}
        testId="trigger-kind"
        choices={(Object.keys(FLOW_TRIGGER_KINDS) as Array<FlowTrigger['kind']>).map((k) => ({
          value: k,
          label: label(FLOW_TRIGGER_KINDS[k]),
        }))}
        onChange={(kind) => setTrigger(defaultTrigger(kind, doc))}
      />
      {'entity' in t && (
        <EntitySelect
          label={dt('flows.entity')}
          value={t.entity}
          optional={t.kind === 'manual' || t.kind === 'recordEvent'}
          testId="trigger-entity"
          onChange={(entityId) => {
            if (t.kind === 'manual' || t.kind === 'recordEvent') {
              const { entity: _, ...rest } = t;
              setTrigger(entityId ? ({ ...rest, entity: entityId } as FlowTrigger) : (rest as FlowTrigger));
            } else if (entityId) {
              const base = { ...t, entity: entityId } as FlowTrigger & {
                condition?: unknown;
                changed?: unknown;
              };
              delete base.condition;
              delete base.changed;
              setTrigger(
                t.kind === 'dateRelative'
                  ? { kind: 'dateRelative', entity: entityId, field: '', offsetMinutes: t.offsetMinutes }
                  : base,
              );
            }
          }}
        />
      )}
      {t.kind === 'recordUpdated' && entity && (
        <fieldset className="pairs">
          <legend>{dt('flows.changedFields')}</legend>
          {(t.changed ?? []).map((c, i) => (
            <div key={c.field} className="pair">
              <span>{label(entity.fields.find((f) => f.key === c.field)?.label) || c.field}</span>
              <button
                type="button"
                className="link danger"
                aria-label={dt('flows.removeValue')}
                onClick={() => {
                  const changed = (t.changed ?? []).filter((_, j) => j !== i);
                  const { changed: _, ...rest } = t;
                  setTrigger(changed.length ? { ...rest, changed } : rest);
                }}
              >
                ✕
              </button>
            </div>
          ))}
          <select
            aria-label={dt('flows.addChangedField')}
            value=""
            onChange={(e) =>
              e.target.value &&
              setTrigger({ ...t, changed: [...(t.changed ?? []), { field: e.target.value }] })
            }
          >
            <option value="">{dt('flows.addChangedField')}</option>
            {entity.fields
              .filter((f) => !(t.changed ?? []).some((c) => c.field === f.key))
              .map((f) => (
                <option key={f.key} value={f.key}>
                  {label(f.label)}
                </option>
              ))}
          </select>
        </fieldset>
      )}
      {t.kind === 'dateRelative' && entity && (
        <>
          <Choice
            label={dt('flows.dateField')}
            value={t.field || undefined}
            choices={entity.fields
              .filter((f) => f.type === 'date' || f.type === 'datetime')
              .map((f) => ({ value: f.key, label: label(f.label) }))}
            onChange={(field) => setTrigger({ ...t, field })}
          />
          <Row label={dt('flows.offsetDays')} htmlFor={`${id}-off`}>
            <input
              id={`${id}-off`}
              type="number"
              value={t.offsetMinutes / 1440}
              onChange={(e) => setTrigger({ ...t, offsetMinutes: Math.round(Number(e.target.value) * 1440) })}
            />
          </Row>
        </>
      )}
      {(t.kind === 'recordCreated' || t.kind === 'recordUpdated' || t.kind === 'dateRelative') && entity && (
        <>
          <span className="section-label">{dt('flows.triggerCondition')}</span>
          <RuleBuilder
            entityId={entity.id}
            context="trigger"
            value={t.condition}
            onChange={(condition) => {
              const { condition: _, ...rest } = t;
              setTrigger(condition === true ? rest : { ...rest, condition });
            }}
          />
        </>
      )}
      {t.kind === 'scheduled' && (
        <Row label={dt('flows.cron')} htmlFor={`${id}-cron`}>
          <input
            id={`${id}-cron`}
            value={t.cron}
            onChange={(e) => setTrigger({ ...t, cron: e.target.value })}
            onBlur={seal}
          />
          <span className="presets">
            {CRON_PRESETS.map((p) => (
              <button
                key={p.cron}
                type="button"
                className="link"
                onClick={() => setTrigger({ ...t, cron: p.cron })}
              >
                {dt(p.key)}
              </button>
            ))}
          </span>
        </Row>
      )}
      {t.kind === 'formSubmitted' && (
        <Choice
          label={dt('flows.publicForm')}
          value={t.form || undefined}
          choices={(doc.forms ?? [])
            .filter((f) => f.kind === 'public')
            .map((f) => ({ value: f.id, label: label(f.label) }))}
          onChange={(form) => setTrigger({ ...t, form })}
        />
      )}
      {t.kind === 'linkClicked' && (
        <Row label={dt('flows.linkLabel')} htmlFor={`${id}-link`}>
          <input
            id={`${id}-link`}
            value={t.label ?? ''}
            onChange={(e) =>
              setTrigger(e.target.value ? { ...t, label: e.target.value } : { kind: 'linkClicked' })
            }
          />
        </Row>
      )}
      {t.kind === 'recordEvent' && (
        <Row label={dt('flows.eventType')} htmlFor={`${id}-ev`}>
          <input
            id={`${id}-ev`}
            value={t.eventType ?? ''}
            placeholder="emailOpened"
            onChange={(e) => {
              const { eventType: _, ...rest } = t;
              setTrigger(e.target.value ? { ...rest, eventType: e.target.value } : rest);
            }}
          />
        </Row>
      )}
      {t.kind === 'webhook' && <p className="muted">{dt('flows.webhookHelp')}</p>}
      <ItemIssues issues={triggerIssues} testId="trigger-issues" />
      <h4>{dt('flows.advanced')}</h4>
      <Row label={dt('flows.expectedEvery')} htmlFor={`${id}-every`}>
        <input
          id={`${id}-every`}
          value={flow.expectedEvery ?? ''}
          placeholder="P3D"
          onChange={(e) =>
            dispatch({
              type: 'updateFlowMeta',
              flowId: flow.id,
              patch: { expectedEvery: e.target.value || null },
            })
          }
          onBlur={seal}
        />
      </Row>
      <Row label={dt('flows.retries')} htmlFor={`${id}-retry`}>
        <input
          id={`${id}-retry`}
          type="number"
          min={1}
          max={20}
          value={flow.retry?.maxAttempts ?? ''}
          placeholder="5"
          onChange={(e) =>
            dispatch({
              type: 'updateFlowMeta',
              flowId: flow.id,
              patch: {
                retry: e.target.value ? { ...(flow.retry ?? {}), maxAttempts: Number(e.target.value) } : null,
              },
            })
          }
        />
      </Row>
    </section>
  );
}
