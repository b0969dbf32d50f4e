import { flattenVariables, flowVariables, variableExpression, variableTemplate } from '@dougong/designer';
import type { Field } from '@dougong/schema';
import { useId, useMemo, useRef } from 'react';
import { FieldInput } from '../../components/FieldInput';
import { useI18n } from '../../i18n/i18n';
import { JsonEditor } from '../common/JsonEditor';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { VariablePicker } from './VariablePicker';

/** Where a flow input is: the flow and the step whose variables it may read. */
export interface StepPlace {
  readonly flowId: string;
  readonly nodeId: string | null;
}

const isVar = (v: unknown): v is { var: string } =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof (v as { var?: unknown }).var === 'string' &&
  Object.keys(v).length === 1;

/** The label of a variable at a step, else its path. */
export function useVariableName(place: StepPlace): (path: string) => string {
  const { doc } = useDesigner();
  const { label } = useI18n();
  const all = useMemo(
    () => flattenVariables(flowVariables(doc, place.flowId, place.nodeId)),
    [doc, place.flowId, place.nodeId],
  );
  return (path) => {
    const found = all.find((v) => v.path === path);
    return found ? label(found.label) : path;
  };
}

/**
 * A handlebars template (subject, body, title, URL): typed text, with variables inserted at the cursor
 * from the variables tree as `{{path}}`.
 */
export function TemplateInput({
  place,
  label,
  value,
  onChange,
  multiline,
  testId,
}: {
  place: StepPlace;
  label: string;
  value: string | undefined;
  onChange(next: string): void;
  multiline?: boolean;
  testId?: string;
}) {
  const id = useId();
  const { seal } = useDesigner();
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const text = value ?? '';
  const Input = multiline ? 'textarea' : 'input';
  return (
    <div className="flow-input">
      <label htmlFor={id}>{label}</label>
      <Input
        id={id}
        ref={ref}
        value={text}
        rows={multiline ? 5 : undefined}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value)}
        onBlur={seal}
      />
      <VariablePicker
        flowId={place.flowId}
        nodeId={place.nodeId}
        {...(testId ? { testId: `${testId}-variable` } : {})}
        onPick={(v) => {
          const el = ref.current;
          const at = el?.selectionStart ?? text.length;
          const end = el?.selectionEnd ?? at;
          onChange(text.slice(0, at) + variableTemplate(v.path) + text.slice(end));
          seal();
        }}
      />
    </div>
  );
}

/**
 * A value of a step: a fixed value (typed with the field's own input when the field is known) or a
 * variable picked from the tree (`{"var": path}`, shown by its name); other expressions as JSON.
 */
export function ValueInput({
  place,
  label,
  value,
  onChange,
  field,
  placeholder,
  testId,
}: {
  place: StepPlace;
  label: string;
  value: unknown;
  onChange(next: unknown): void;
  field?: Field;
  placeholder?: string;
  testId?: string;
}) {
  const dt = useDesignerText();
  const id = useId();
  const { doc, app, seal } = useDesigner();
  const name = useVariableName(place);
  const expression = value !== null && typeof value === 'object' && !Array.isArray(value) && !isVar(value);
  return (
    <div className="flow-input" data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      {isVar(value) ? (
        <span className="variable-chip" id={id} data-variable={value.var}>
          {name(value.var)} <code>{value.var}</code>
          <button
            type="button"
            className="link"
            aria-label={dt('flows.clearVariable')}
            onClick={() => onChange(undefined)}
          >
            ✕
          </button>
        </span>
      ) : expression ? (
        <JsonEditor label={dt('flows.expression')} value={value} onChange={onChange} />
      ) : field ? (
        <FieldInput
          id={id}
          field={field}
          value={value ?? null}
          onChange={(v) => onChange(v === null ? undefined : v)}
          readOnly={false}
          invalid={false}
          doc={doc}
          app={app}
        />
      ) : (
        <input
          id={id}
          value={value === undefined || value === null ? '' : String(value)}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          onBlur={seal}
        />
      )}
      <VariablePicker
        flowId={place.flowId}
        nodeId={place.nodeId}
        label={dt('flows.useVariable')}
        {...(testId ? { testId: `${testId}-variable` } : {})}
        onPick={(v) => onChange(variableExpression(v.path))}
      />
    </div>
  );
}

/** A whole number of minutes, edited in minutes, hours or days. */
export function MinutesInput({
  label,
  value,
  onChange,
  optional,
  testId,
}: {
  label: string;
  value: number | undefined;
  onChange(next: number | undefined): void;
  optional?: boolean;
  testId?: string;
}) {
  const dt = useDesignerText();
  const id = useId();
  const { seal } = useDesigner();
  const unit =
    value === undefined || value === 0 ? 60 : value % 1440 === 0 ? 1440 : value % 60 === 0 ? 60 : 1;
  const shown = value === undefined ? '' : String(value / unit);
  return (
    <div className="flow-input minutes">
      <label htmlFor={id}>{label}</label>
      <span>
        <input
          id={id}
          type="number"
          min={0}
          value={shown}
          data-testid={testId}
          onChange={(e) => {
            if (e.target.value === '') return onChange(optional ? undefined : 0);
            onChange(Math.max(0, Math.round(Number(e.target.value) * unit)));
          }}
          onBlur={seal}
        />
        <select
          aria-label={dt('flows.unit')}
          value={unit}
          onChange={(e) => value !== undefined && onChange((value / unit) * Number(e.target.value))}
        >
          <option value={1}>{dt('flows.minutes')}</option>
          <option value={60}>{dt('flows.hours')}</option>
          <option value={1440}>{dt('flows.days')}</option>
        </select>
      </span>
    </div>
  );
}

/** The entity picker of a step (standard entities). */
export function EntitySelect({
  label,
  value,
  onChange,
  optional,
  testId,
}: {
  label: string;
  value: string | undefined;
  onChange(next: string | undefined): void;
  optional?: boolean;
  testId?: string;
}) {
  const dt = useDesignerText();
  const id = useId();
  const { doc } = useDesigner();
  const { label: name } = useI18n();
  return (
    <div className="flow-input">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value ?? ''}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        {(optional || !value) && <option value="">{dt('rules.choose')}</option>}
        {doc.entities
          .filter((e) => e.kind !== 'child')
          .map((e) => (
            <option key={e.id} value={e.id}>
              {name(e.label)}
            </option>
          ))}
      </select>
    </div>
  );
}
