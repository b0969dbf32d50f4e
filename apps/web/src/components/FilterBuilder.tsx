import type { Entity, Field } from '@dougong/schema';
import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { type Condition, type FilterOp, operatorsFor } from '../lib/fields';

const NO_VALUE: FilterOp[] = ['empty', 'notEmpty'];

/** Builds AND-ed conditions with operators suited to each field's type. */
export function FilterBuilder({
  entity,
  initial,
  onApply,
}: {
  entity: Entity;
  initial: Condition[];
  onApply: (conditions: Condition[]) => void;
}) {
  const { t, label } = useI18n();
  const fields = entity.fields.filter((f) => operatorsFor(f).length > 0);
  const [conditions, setConditions] = useState<Condition[]>(initial);
  const baseId = useId();
  const first = fields[0];
  const fieldOf = (key: string): Field | undefined => fields.find((f) => f.key === key);

  const update = (index: number, patch: Partial<Condition>) =>
    setConditions(conditions.map((c, i) => (i === index ? { ...c, ...patch } : c)));

  return (
    <fieldset className="filter-builder">
      <legend>{t('list.filter')}</legend>
      {conditions.map((condition, index) => {
        const field = fieldOf(condition.key);
        const ops = field ? operatorsFor(field) : [];
        const id = `${baseId}-${index}`;
        return (
          <div className="condition" key={id}>
            <label htmlFor={`${id}-f`} className="sr-only">
              {t('filter.field')}
            </label>
            <select
              id={`${id}-f`}
              value={condition.key}
              onChange={(e) =>
                update(index, {
                  key: e.target.value,
                  op: operatorsFor(fieldOf(e.target.value)!)[0]!,
                  value: '',
                })
              }
            >
              {fields.map((f) => (
                <option key={f.id} value={f.key}>
                  {label(f.label)}
                </option>
              ))}
            </select>
            <label htmlFor={`${id}-o`} className="sr-only">
              {t('filter.operator')}
            </label>
            <select
              id={`${id}-o`}
              value={condition.op}
              onChange={(e) => update(index, { op: e.target.value as FilterOp })}
            >
              {ops.map((op) => (
                <option key={op} value={op}>
                  {t(`op.${op}` as MessageKey)}
                </option>
              ))}
            </select>
            {!NO_VALUE.includes(condition.op) && field && (
              <ValueInput
                id={`${id}-v`}
                field={field}
                value={condition.value}
                onChange={(value) => update(index, { value })}
              />
            )}
            <button
              type="button"
              className="link"
              aria-label={t('filter.remove')}
              onClick={() => setConditions(conditions.filter((_, i) => i !== index))}
            >
              ✕
            </button>
          </div>
        );
      })}
      <div className="actions">
        {first && (
          <button
            type="button"
            onClick={() =>
              setConditions([...conditions, { key: first.key, op: operatorsFor(first)[0]!, value: '' }])
            }
          >
            {t('list.addCondition')}
          </button>
        )}
        <button
          type="button"
          className="primary"
          onClick={() => onApply(conditions)}
          data-testid="filter-apply"
        >
          {t('list.apply')}
        </button>
        <button
          type="button"
          onClick={() => {
            setConditions([]);
            onApply([]);
          }}
        >
          {t('list.clear')}
        </button>
      </div>
    </fieldset>
  );
}

function ValueInput({
  id,
  field,
  value,
  onChange,
}: {
  id: string;
  field: Field;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t, label } = useI18n();
  const labelEl = (
    <label htmlFor={id} className="sr-only">
      {t('filter.value')}
    </label>
  );
  if (field.type === 'singleSelect') {
    return (
      <>
        {labelEl}
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('value.select')}</option>
          {field.options.map((o) => (
            <option key={o.id} value={o.id}>
              {label(o.label)}
            </option>
          ))}
        </select>
      </>
    );
  }
  if (field.type === 'boolean') {
    return (
      <>
        {labelEl}
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="true">{t('value.yes')}</option>
          <option value="false">{t('value.no')}</option>
        </select>
      </>
    );
  }
  const type =
    field.type === 'date' || field.type === 'datetime'
      ? 'date'
      : field.type === 'number' || field.type === 'money' || field.type === 'percent'
        ? 'number'
        : 'text';
  return (
    <>
      {labelEl}
      <input id={id} type={type} step="any" value={value} onChange={(e) => onChange(e.target.value)} />
    </>
  );
}
