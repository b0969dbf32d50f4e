import { useId } from 'react';
import { useI18n } from '../../i18n/i18n';
import { JsonEditor } from '../common/JsonEditor';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { RuleBuilder } from '../rules/RuleBuilder';
import { ScoringEditor, type ScoringModelView } from '../rules/ScoringEditor';
import { EntitySelect, TemplateInput, ValueInput } from './FlowInputs';
import {
  Check,
  Choice,
  InlineCheck,
  issuesWithin,
  type PanelProps,
  RemoveButton,
  Row,
  triggerEntity,
  withoutKey,
} from './panel-kit';
import { ValuesEditor } from './ValuesEditor';

/** A number input row (empty removes the setting). */
function NumberRow({
  label,
  value,
  onChange,
  min,
  max,
}: {
  label: string;
  value: number | undefined;
  onChange(next: number | undefined): void;
  min?: number;
  max?: number;
}) {
  const id = useId();
  const { seal } = useDesigner();
  return (
    <Row label={label} htmlFor={id}>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Math.round(Number(e.target.value)))}
        onBlur={seal}
      />
    </Row>
  );
}

/** Sort keys as text: `-createdAt,name`. */
function SortRow({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange(next: string | undefined): void;
}) {
  const dt = useDesignerText();
  const id = useId();
  const { seal } = useDesigner();
  return (
    <Row label={dt('flows.sort')} htmlFor={id}>
      <input
        id={id}
        value={value ?? ''}
        placeholder="-createdAt"
        onChange={(e) => onChange(e.target.value || undefined)}
        onBlur={seal}
      />
    </Row>
  );
}

/** Finds records of an entity (a filter over its fields), for later steps. */
export function QueryRecordsPanel({ node, issues, patch }: PanelProps<'queryRecords'>) {
  const dt = useDesignerText();
  const { locale } = useI18n();
  return (
    <div className="panel-section">
      <EntitySelect
        label={dt('flows.entity')}
        value={node.entity}
        onChange={(entity) => entity && patch({ entity, filter: undefined })}
      />
      <span className="section-label">{dt('flows.filter')}</span>
      <RuleBuilder
        entityId={node.entity}
        context="filter"
        value={node.filter}
        issues={issuesWithin(issues, '/filter', locale)}
        onChange={(filter) => patch({ filter: filter === true ? undefined : filter })}
      />
      <SortRow value={node.sort} onChange={(sort) => patch({ sort })} />
      <NumberRow
        label={dt('flows.limit')}
        min={1}
        max={500}
        value={node.limit}
        onChange={(limit) => patch({ limit })}
      />
    </div>
  );
}

/** Creates a record with values. */
export function CreateRecordPanel({ node, place, patch }: PanelProps<'createRecord'>) {
  const dt = useDesignerText();
  return (
    <div className="panel-section">
      <EntitySelect
        label={dt('flows.entity')}
        value={node.entity}
        onChange={(entity) => entity && patch({ entity, values: {} })}
      />
      <ValuesEditor
        place={place}
        entityId={node.entity}
        label={dt('flows.values')}
        value={node.values}
        testId="node-values"
        onChange={(values) => patch({ values })}
      />
    </div>
  );
}

/** Updates the trigger record (or another record by id) with values. */
export function UpdateRecordPanel({ flow, node, place, patch }: PanelProps<'updateRecord'>) {
  const dt = useDesignerText();
  const { doc } = useDesigner();
  const own = triggerEntity(doc, flow);
  return (
    <div className="panel-section">
      <EntitySelect
        label={dt('flows.entity')}
        value={node.entity}
        onChange={(entity) => entity && patch({ entity, values: {} })}
      />
      <ValueInput
        place={place}
        label={dt('flows.whichRecord')}
        value={node.record}
        placeholder={node.entity === own ? dt('flows.triggerRecord') : ''}
        onChange={(record) => patch({ record })}
      />
      <ValuesEditor
        place={place}
        entityId={node.entity}
        label={dt('flows.values')}
        value={node.values}
        testId="node-values"
        onChange={(values) => patch({ values })}
      />
    </div>
  );
}

/** Updates every record matching a filter. */
export function UpdateRecordsPanel({ node, place, issues, patch }: PanelProps<'updateRecords'>) {
  const dt = useDesignerText();
  const { locale } = useI18n();
  return (
    <div className="panel-section">
      <EntitySelect
        label={dt('flows.entity')}
        value={node.entity}
        onChange={(entity) => entity && patch({ entity, filter: false, values: {} })}
      />
      <span className="section-label">{dt('flows.filter')}</span>
      <RuleBuilder
        entityId={node.entity}
        context="filter"
        value={node.filter}
        issues={issuesWithin(issues, '/filter', locale)}
        onChange={(filter) => patch({ filter })}
      />
      <ValuesEditor
        place={place}
        entityId={node.entity}
        label={dt('flows.values')}
        value={node.values}
        onChange={(values) => patch({ values })}
      />
      <NumberRow
        label={dt('flows.limit')}
        min={1}
        max={1000}
        value={node.limit}
        onChange={(limit) => patch({ limit })}
      />
    </div>
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Calls an HTTP endpoint; headers may come from encrypted secrets; response values become variables. */
export function HttpRequestPanel({ node, place, patch }: PanelProps<'httpRequest'>) {
  const dt = useDesignerText();
  const { seal } = useDesigner();
  const headers = node.headers ?? {};
  const responseMap = node.responseMap ?? {};
  return (
    <div className="panel-section">
      <Choice
        label={dt('flows.method')}
        value={node.method}
        choices={METHODS.map((m) => ({ value: m, label: m }))}
        onChange={(method) => patch({ method })}
      />
      <TemplateInput
        place={place}
        label={dt('flows.url')}
        value={node.url}
        onChange={(url) => patch({ url })}
      />
      <fieldset className="pairs">
        <legend>{dt('flows.headers')}</legend>
        {Object.entries(headers).map(([name, value]) => (
          <div key={name} className="pair">
            <code>{name}</code>
            <input
              aria-label={name}
              value={typeof value === 'string' ? value : value.secret}
              onChange={(e) =>
                patch({
                  headers: {
                    ...headers,
                    [name]: typeof value === 'string' ? e.target.value : { secret: e.target.value },
                  },
                })
              }
              onBlur={seal}
            />
            <label className="flow-check">
              <input
                type="checkbox"
                checked={typeof value !== 'string'}
                onChange={(e) =>
                  patch({ headers: { ...headers, [name]: e.target.checked ? { secret: '' } : '' } })
                }
              />
              {dt('flows.secret')}
            </label>
            <RemoveButton
              label={`${dt('flows.removeValue')} ${name}`}
              onRemove={() => patch({ headers: withoutKey(headers, name) })}
            />
          </div>
        ))}
        <AddName
          label={dt('flows.addHeader')}
          pattern="^[A-Za-z0-9-]{1,64}$"
          onAdd={(name) => patch({ headers: { ...headers, [name]: '' } })}
        />
      </fieldset>
      {node.method !== 'GET' && (
        <JsonEditor
          label={dt('flows.body')}
          value={node.body}
          onChange={(body) => patch({ body })}
          rows={5}
        />
      )}
      <fieldset className="pairs">
        <legend>{dt('flows.responseMap')}</legend>
        {Object.entries(responseMap).map(([name, pointer]) => (
          <div key={name} className="pair">
            <code>vars.{name}</code>
            <input
              aria-label={`vars.${name}`}
              value={pointer}
              placeholder="/data/id"
              onChange={(e) => patch({ responseMap: { ...responseMap, [name]: e.target.value } })}
              onBlur={seal}
            />
            <RemoveButton
              label={`${dt('flows.removeValue')} ${name}`}
              onRemove={() => patch({ responseMap: withoutKey(responseMap, name) })}
            />
          </div>
        ))}
        <AddName
          label={dt('flows.addVariable')}
          pattern="^[a-z][a-zA-Z0-9]{0,62}$"
          onAdd={(name) => patch({ responseMap: { ...responseMap, [name]: '/' } })}
        />
      </fieldset>
      <NumberRow
        label={dt('flows.timeoutMs')}
        min={100}
        max={60000}
        value={node.timeoutMs}
        onChange={(timeoutMs) => patch({ timeoutMs })}
      />
    </div>
  );
}

/** A name typed and added (header names, response variables). */
function AddName({ label, pattern, onAdd }: { label: string; pattern: string; onAdd(name: string): void }) {
  const id = useId();
  return (
    <form
      className="add-name"
      onSubmit={(e) => {
        e.preventDefault();
        const input = (e.currentTarget.elements.namedItem('name') as HTMLInputElement | null) ?? null;
        if (input && new RegExp(pattern).test(input.value)) {
          onAdd(input.value);
          input.value = '';
        }
      }}
    >
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input id={id} name="name" pattern={pattern} placeholder={label} />
      <button type="submit">+</button>
    </form>
  );
}

/** Recomputes a score: the entity's scoring, or a model of attribute conditions and grades. */
export function RecomputeScorePanel({ flow, node, issues, patch }: PanelProps<'recomputeScore'>) {
  const dt = useDesignerText();
  const { locale, label } = useI18n();
  const { doc } = useDesigner();
  const entityId = node.entity ?? triggerEntity(doc, flow);
  const entity = doc.entities.find((e) => e.id === entityId);
  const numbers = (entity?.fields ?? []).filter(
    (f) => f.type === 'number' || f.type === 'money' || f.type === 'percent',
  );
  const texts = (entity?.fields ?? []).filter((f) => f.type === 'text' || f.type === 'singleSelect');
  const model = node.model as ScoringModelView | undefined;
  return (
    <div className="panel-section">
      <Check
        label={dt('flows.ownModel')}
        checked={model !== undefined}
        onChange={(own) =>
          patch(
            own
              ? {
                  model: { attributes: [], behaviours: [], grades: [] },
                  scoreField: node.scoreField ?? numbers[0]?.key,
                }
              : { model: undefined },
          )
        }
      />
      {model === undefined && !entity?.scoring && <p className="rule-issue">{dt('flows.noEntityScoring')}</p>}
      <InlineCheck flow={flow} node={node} issues={issues} label={dt('flows.inlineScore')} patch={patch} />
      <Choice
        label={dt('flows.scoreField')}
        value={node.scoreField}
        choices={numbers.map((f) => ({ value: f.key, label: label(f.label) }))}
        onChange={(scoreField) => patch({ scoreField })}
      />
      <Choice
        label={dt('flows.gradeField')}
        value={node.gradeField}
        choices={texts.map((f) => ({ value: f.key, label: label(f.label) }))}
        onChange={(gradeField) => patch({ gradeField })}
      />
      {model && entityId && (
        <ScoringEditor
          entityId={entityId}
          model={model}
          issues={issuesWithin(issues, '/model', locale)}
          onChange={(next) => patch({ model: next })}
        />
      )}
    </div>
  );
}
