import type { Field } from '@dougong/schema';
import { useId } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { type StepPlace, ValueInput } from './FlowInputs';
import { RemoveButton, withoutKey } from './panel-kit';

const WRITABLE = new Set<Field['type']>([
  'text',
  'longText',
  'richText',
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
 * The values a step writes to a record: one row per field, each a fixed value (the field's own input) or a
 * variable picked from the tree; owner fields (`ownerId`) too.
 */
export function ValuesEditor({
  place,
  entityId,
  value,
  onChange,
  label,
  testId,
}: {
  place: StepPlace;
  entityId: string | undefined;
  value: Readonly<Record<string, unknown>> | undefined;
  onChange(next: Record<string, unknown>): void;
  label: string;
  testId?: string;
}) {
  const dt = useDesignerText();
  const id = useId();
  const { doc } = useDesigner();
  const i18n = useI18n();
  const entity = doc.entities.find((e) => e.id === entityId);
  const fields = (entity?.fields ?? []).filter((f) => WRITABLE.has(f.type));
  const values = value ?? {};
  const keys = Object.keys(values);
  const free = fields.filter((f) => !keys.includes(f.key));
  const name = (key: string) => {
    const field = fields.find((f) => f.key === key);
    return field ? i18n.label(field.label) : key === 'ownerId' ? dt('flows.owner') : key;
  };
  return (
    <fieldset className="values-editor" data-testid={testId}>
      <legend>{label}</legend>
      {keys.length === 0 && <p className="muted">{dt('flows.noValues')}</p>}
      {keys.map((key) => {
        const field = fields.find((f) => f.key === key);
        return (
          <div key={key} className="value-row" data-field={key}>
            <ValueInput
              place={place}
              label={name(key)}
              value={values[key]}
              {...(field ? { field } : {})}
              onChange={(v) => onChange({ ...values, [key]: v === undefined ? null : v })}
            />
            <RemoveButton
              label={`${dt('flows.removeValue')} ${name(key)}`}
              onRemove={() => onChange(withoutKey(values, key) ?? {})}
            />
          </div>
        );
      })}
      {entity && (free.length > 0 || !keys.includes('ownerId')) && (
        <div className="value-add">
          <label htmlFor={id}>{dt('flows.addValue')}</label>
          <select
            id={id}
            value=""
            data-testid={testId ? `${testId}-add` : undefined}
            onChange={(e) => e.target.value && onChange({ ...values, [e.target.value]: null })}
          >
            <option value="">{dt('rules.choose')}</option>
            {free.map((f) => (
              <option key={f.key} value={f.key}>
                {i18n.label(f.label)}
              </option>
            ))}
            {!keys.includes('ownerId') && <option value="ownerId">{dt('flows.owner')}</option>}
          </select>
        </div>
      )}
    </fieldset>
  );
}
