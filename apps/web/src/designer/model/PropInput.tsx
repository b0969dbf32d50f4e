import type { DesignerIssue } from '@dougong/designer/check';
import type { Entity, Field } from '@dougong/schema';
import { useId } from 'react';
import { useI18n } from '../../i18n/i18n';
import { BilingualInput } from '../common/BilingualInput';
import { ItemIssues } from '../common/IssueList';
import { JsonEditor } from '../common/JsonEditor';
import { useDesigner } from '../designer-context';
import { type DesignerMessageKey, useDesignerText } from '../designer-i18n';
import { FormulaEditor } from './FormulaEditor';
import { OptionsEditor } from './OptionsEditor';

const INTEGER_PROPS = new Set([
  'minLength',
  'maxLength',
  'precision',
  'scale',
  'maxItems',
  'maxRows',
  'maxFiles',
]);
const PHONE_KINDS = ['mobile', 'landline', 'international'] as const;
const RESULT_TYPES = ['text', 'integer', 'decimal', 'boolean', 'date'] as const;
const REGION_LEVELS = ['province', 'city', 'district'] as const;

/** `''` → null (remove the property), else the integer typed. */
const intOrNull = (text: string) => (text.trim() === '' ? null : Math.trunc(Number(text)));

/**
 * The input of one field property other than the common texts and flags: limits, defaults, patterns,
 * options, reference targets, sub-table children, phone kinds, accepted files, formulas, region levels.
 * A property it does not know is edited as JSON, so a property added to the schema is never out of reach.
 */
export function PropInput({
  entity,
  field,
  prop,
  issues,
  onChange,
}: {
  entity: Entity;
  field: Field;
  prop: string;
  issues: readonly DesignerIssue[];
  onChange(value: unknown): void;
}) {
  const { doc, seal } = useDesigner();
  const dt = useDesignerText();
  const { label } = useI18n();
  const id = useId();
  const value = (field as Record<string, unknown>)[prop];
  const name = dt(`field.prop.${prop}` as DesignerMessageKey);
  const testId = `field-${prop}`;
  const wrap = (input: React.ReactNode, hint?: string) => (
    <div className="prop">
      <label htmlFor={id}>{name}</label>
      {input}
      {hint && <small>{hint}</small>}
      <ItemIssues issues={issues} />
    </div>
  );

  if (INTEGER_PROPS.has(prop))
    return wrap(
      <input
        id={id}
        type="number"
        step={1}
        min={0}
        value={typeof value === 'number' ? value : ''}
        onChange={(e) => onChange(intOrNull(e.target.value))}
        onBlur={seal}
        data-testid={testId}
      />,
    );

  switch (prop) {
    case 'min':
    case 'max':
      if (field.type === 'number')
        return wrap(
          <input
            id={id}
            type="number"
            value={typeof value === 'number' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
            onBlur={seal}
            data-testid={testId}
          />,
        );
      if (field.type === 'date')
        return wrap(
          <input
            id={id}
            type="date"
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value || null)}
            data-testid={testId}
          />,
        );
      return wrap(
        <input
          id={id}
          inputMode="decimal"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value.trim() || null)}
          onBlur={seal}
          data-testid={testId}
        />,
        dt('field.decimalHint'),
      );
    case 'default':
      return <DefaultInput field={field} id={id} name={name} issues={issues} onChange={onChange} />;
    case 'pattern':
      return wrap(
        <input
          id={id}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value || (field.type === 'autoNumber' ? '' : null))}
          onBlur={seal}
          data-testid={testId}
          spellCheck={false}
        />,
        field.type === 'autoNumber' ? dt('field.autoNumberHint') : dt('field.patternHint'),
      );
    case 'patternMessage':
      return (
        <BilingualInput
          label={name}
          value={value as { 'zh-CN'?: string; en?: string } | undefined}
          onChange={(next) => onChange(Object.keys(next).length > 0 ? next : null)}
          onBlur={seal}
        />
      );
    case 'currency':
      return wrap(
        <input
          id={id}
          value={typeof value === 'string' ? value : ''}
          maxLength={3}
          placeholder="CNY"
          onChange={(e) => onChange(e.target.value.toUpperCase() || null)}
          onBlur={seal}
          data-testid={testId}
        />,
      );
    case 'options':
      return <OptionsEditor entity={entity} field={field as Extract<Field, { options: unknown }>} />;
    case 'target':
      return wrap(
        <select
          id={id}
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        >
          {doc.entities
            .filter((e) => e.kind !== 'child')
            .map((e) => (
              <option key={e.id} value={e.id}>
                {label(e.label)} ({e.key})
              </option>
            ))}
        </select>,
      );
    case 'childEntity':
      return wrap(
        <select
          id={id}
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        >
          {doc.entities
            .filter((e) => e.kind === 'child')
            .map((e) => (
              <option key={e.id} value={e.id}>
                {label(e.label)} ({e.key})
              </option>
            ))}
        </select>,
        dt('field.childHint'),
      );
    case 'kinds': {
      const kinds = Array.isArray(value) ? (value as string[]) : [];
      return (
        <fieldset className="prop">
          <legend>{name}</legend>
          {PHONE_KINDS.map((kind) => (
            <label key={kind} className="check">
              <input
                type="checkbox"
                checked={kinds.length === 0 || kinds.includes(kind)}
                onChange={(e) => {
                  const current = kinds.length === 0 ? [...PHONE_KINDS] : kinds;
                  const next = e.target.checked ? [...current, kind] : current.filter((k) => k !== kind);
                  const ordered = PHONE_KINDS.filter((k) => next.includes(k));
                  onChange(ordered.length === PHONE_KINDS.length || ordered.length === 0 ? null : ordered);
                }}
              />
              {dt(`field.phone.${kind}`)}
            </label>
          ))}
          <ItemIssues issues={issues} />
        </fieldset>
      );
    }
    case 'accept':
      return wrap(
        <input
          id={id}
          value={Array.isArray(value) ? (value as string[]).join(', ') : ''}
          placeholder=".pdf, image/*"
          onChange={(e) => {
            const list = e.target.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
            onChange(list.length > 0 ? list : null);
          }}
          onBlur={seal}
          data-testid={testId}
        />,
        dt('field.acceptHint'),
      );
    case 'resultType':
      return wrap(
        <select
          id={id}
          value={String(value ?? 'text')}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        >
          {RESULT_TYPES.map((t) => (
            <option key={t} value={t}>
              {dt(`field.result.${t}`)}
            </option>
          ))}
        </select>,
      );
    case 'expression':
      return (
        <FormulaEditor
          entity={entity}
          field={field as Extract<Field, { type: 'formula' }>}
          issues={issues}
          onChange={onChange}
        />
      );
    case 'level':
      return wrap(
        <select
          id={id}
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value || null)}
          data-testid={testId}
        >
          <option value="">{dt('field.region.any')}</option>
          {REGION_LEVELS.map((l) => (
            <option key={l} value={l}>
              {dt(`field.region.${l}`)}
            </option>
          ))}
        </select>,
      );
    default:
      return (
        <JsonEditor label={name} value={value} onChange={(next) => onChange(next ?? null)} issues={issues} />
      );
  }
}

function DefaultInput({
  field,
  id,
  name,
  issues,
  onChange,
}: {
  field: Field;
  id: string;
  name: string;
  issues: readonly DesignerIssue[];
  onChange(value: unknown): void;
}) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { seal } = useDesigner();
  const value = (field as Record<string, unknown>).default;
  let input: React.ReactNode;
  switch (field.type) {
    case 'boolean':
      input = (
        <select
          id={id}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value === 'true')}
          data-testid="field-default"
        >
          <option value="">—</option>
          <option value="true">{dt('field.yes')}</option>
          <option value="false">{dt('field.no')}</option>
        </select>
      );
      break;
    case 'date':
      input = (
        <span className="row">
          <label className="check">
            <input
              type="checkbox"
              checked={value === 'today'}
              onChange={(e) => onChange(e.target.checked ? 'today' : null)}
            />
            {dt('field.today')}
          </label>
          <input
            id={id}
            type="date"
            disabled={value === 'today'}
            value={typeof value === 'string' && value !== 'today' ? value : ''}
            onChange={(e) => onChange(e.target.value || null)}
            data-testid="field-default"
          />
        </span>
      );
      break;
    case 'datetime':
      input = (
        <label className="check">
          <input
            id={id}
            type="checkbox"
            checked={value === 'now'}
            onChange={(e) => onChange(e.target.checked ? 'now' : null)}
            data-testid="field-default"
          />
          {dt('field.now')}
        </label>
      );
      break;
    case 'singleSelect':
      input = (
        <select
          id={id}
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value || null)}
          data-testid="field-default"
        >
          <option value="">—</option>
          {field.options.map((o) => (
            <option key={o.id} value={o.id}>
              {label(o.label)}
            </option>
          ))}
        </select>
      );
      break;
    case 'multiSelect': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      input = (
        <span className="checks" id={id}>
          {field.options.map((o) => (
            <label key={o.id} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(o.id)}
                onChange={(e) => {
                  const next = e.target.checked ? [...chosen, o.id] : chosen.filter((c) => c !== o.id);
                  onChange(next.length > 0 ? next : null);
                }}
              />
              {label(o.label)}
            </label>
          ))}
        </span>
      );
      break;
    }
    case 'number':
      input = (
        <input
          id={id}
          type="number"
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
          onBlur={seal}
          data-testid="field-default"
        />
      );
      break;
    default:
      input = (
        <input
          id={id}
          inputMode={field.type === 'money' || field.type === 'percent' ? 'decimal' : undefined}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
          onBlur={seal}
          data-testid="field-default"
        />
      );
  }
  return (
    <div className="prop">
      <label htmlFor={id}>{name}</label>
      {input}
      <ItemIssues issues={issues} />
    </div>
  );
}
