import { type OperatorValue, RULE_OPERATORS, type RuleField, type RuleOperator } from '@dougong/designer';
import type { AppDocument, Field } from '@dougong/schema';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { searchUsers } from '../../lib/directory';
import { recordTitle } from '../../lib/fields';
import { listRecords } from '../../lib/records';
import { useDesignerText } from '../designer-i18n';

/** What a value input needs: the field, the operator, the value, where to look up pickers. */
export interface RuleValueProps {
  readonly id: string;
  readonly field: RuleField;
  readonly operator: RuleOperator;
  readonly value: unknown;
  onChange(value: unknown): void;
  readonly app: string;
  readonly doc: AppDocument;
  /** The schema field behind the rule field, when known (reference targets). */
  readonly schemaField?: Field;
  readonly invalid?: boolean;
}

type Choice = { value: string; label: string; color?: string };

// Directory lists are loaded once per page.
let usersOnce: Promise<Choice[]> | null = null;
let departmentsOnce: Promise<Choice[]> | null = null;

function useChoices(kind: 'user' | 'department' | null): Choice[] {
  const [choices, setChoices] = useState<Choice[]>([]);
  useEffect(() => {
    if (kind === null) return;
    if (kind === 'user')
      usersOnce ??= searchUsers('').then((items) => items.map((u) => ({ value: u.id, label: u.name })));
    else
      departmentsOnce ??= api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/departments').then(
        (r) => r.items.map((d) => ({ value: d.id, label: d.name })),
      );
    const load = (kind === 'user' ? usersOnce : departmentsOnce)!;
    let live = true;
    load.then(
      (items) => live && setChoices(items),
      () => {
        if (kind === 'user') usersOnce = null;
        else departmentsOnce = null;
      },
    );
    return () => {
      live = false;
    };
  }, [kind]);
  return choices;
}

function useRecordChoices(app: string, doc: AppDocument, field: Field | undefined, q: string): Choice[] {
  const [choices, setChoices] = useState<Choice[]>([]);
  const target = field?.type === 'reference' ? doc.entities.find((e) => e.id === field.target) : undefined;
  useEffect(() => {
    if (!target) return;
    const handle = setTimeout(() => {
      void listRecords(app, target.key, { q: q || undefined, limit: 50 }).then(
        (page) => setChoices(page.items.map((r) => ({ value: r.id, label: recordTitle(doc, target, r) }))),
        () => setChoices([]),
      );
    }, 200);
    return () => clearTimeout(handle);
  }, [app, doc, target, q]);
  return choices;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** A number as typed: integers become numbers, anything else stays text (the checker reports it). */
function numberValue(raw: string, integer: boolean): unknown {
  if (raw.trim() === '') return null;
  if (integer && /^-?\d+$/.test(raw.trim())) return Number(raw.trim());
  return raw.trim();
}

/** One scalar value of a field's type. */
function ScalarInput({
  id,
  field,
  value,
  onChange,
  choices,
  invalid,
  label,
}: {
  id: string;
  field: RuleField;
  value: unknown;
  onChange(v: unknown): void;
  choices: Choice[] | null;
  invalid: boolean;
  label: string;
}) {
  const dt = useDesignerText();
  if (choices) {
    const current = text(value);
    const all =
      current && !choices.some((c) => c.value === current)
        ? [{ value: current, label: current }, ...choices]
        : choices;
    return (
      <select
        id={id}
        aria-label={label}
        aria-invalid={invalid}
        value={current}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">{dt('rules.choose')}</option>
        {all.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    );
  }
  switch (field.type) {
    case 'integer':
    case 'decimal':
      return (
        <input
          id={id}
          aria-label={label}
          aria-invalid={invalid}
          inputMode="decimal"
          value={text(value)}
          onChange={(e) => onChange(numberValue(e.target.value, field.type === 'integer'))}
        />
      );
    case 'date':
      return (
        <input
          id={id}
          type="date"
          aria-label={label}
          aria-invalid={invalid}
          value={text(value)}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
    case 'datetime':
      return (
        <input
          id={id}
          type="date"
          aria-label={label}
          aria-invalid={invalid}
          value={text(value).slice(0, 10)}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
    default:
      return (
        <input
          id={id}
          aria-label={label}
          aria-invalid={invalid}
          value={text(value)}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        />
      );
  }
}

/** Option chips with their colours: one chosen (radio) or several (checkboxes). */
function OptionChips({
  id,
  field,
  value,
  onChange,
  multiple,
  label,
}: {
  id: string;
  field: RuleField;
  value: unknown;
  onChange(v: unknown): void;
  multiple: boolean;
  label: string;
}) {
  const i18n = useI18n();
  const chosen = multiple ? (Array.isArray(value) ? value.map(String) : []) : [text(value)];
  return (
    <fieldset id={id} className="option-chips" aria-label={label}>
      {(field.options ?? []).map((o) => {
        const on = chosen.includes(o.id);
        return (
          <label
            key={o.id}
            className={on ? 'chip on' : 'chip'}
            style={o.color ? { borderColor: o.color } : undefined}
          >
            <input
              type={multiple ? 'checkbox' : 'radio'}
              name={id}
              checked={on}
              onChange={(e) => {
                if (!multiple) onChange(o.id);
                else onChange(e.target.checked ? [...chosen, o.id] : chosen.filter((c) => c !== o.id));
              }}
            />
            {o.color && <span className="swatch" style={{ background: o.color }} aria-hidden="true" />}
            {i18n.label(o.label)}
          </label>
        );
      })}
    </fieldset>
  );
}

/** A list of people, departments or records: checkboxes over the loaded choices. */
function ChoiceList({
  id,
  choices,
  value,
  onChange,
  label,
}: {
  id: string;
  choices: Choice[];
  value: unknown;
  onChange(v: unknown): void;
  label: string;
}) {
  const chosen = Array.isArray(value) ? value.map(String) : [];
  const all = [
    ...chosen.filter((c) => !choices.some((x) => x.value === c)).map((c) => ({ value: c, label: c })),
    ...choices,
  ];
  return (
    <fieldset id={id} className="option-chips" aria-label={label}>
      {all.map((c) => (
        <label key={c.value} className={chosen.includes(c.value) ? 'chip on' : 'chip'}>
          <input
            type="checkbox"
            checked={chosen.includes(c.value)}
            onChange={(e) =>
              onChange(e.target.checked ? [...chosen, c.value] : chosen.filter((x) => x !== c.value))
            }
          />
          {c.label}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The value input of a condition, by the operator's value shape and the field's type: option chips with
 * colours, user and department pickers from the directory, a record picker for references, date pickers
 * (relative dates are operators: today, last / next N days, this week …), numbers, text; two inputs for a
 * range, a day count for "last / next N days".
 */
export function RuleValueInput(props: RuleValueProps) {
  const dt = useDesignerText();
  const { id, field, operator, value, onChange, invalid = false } = props;
  const shape: OperatorValue = RULE_OPERATORS[operator].value;
  const people = field.type === 'user' ? 'user' : field.type === 'department' ? 'department' : null;
  const directory = useChoices(shape === 'none' ? null : people);
  const [q, setQ] = useState('');
  const records = useRecordChoices(props.app, props.doc, shape === 'none' ? undefined : props.schemaField, q);
  const isReference = props.schemaField?.type === 'reference';
  const choices: Choice[] | null = people ? directory : isReference ? records : null;
  const label = dt('rules.value');

  switch (shape) {
    case 'none':
      return null;
    case 'days':
      return (
        <span className="rule-days">
          <input
            id={id}
            type="number"
            min={0}
            aria-label={dt('rules.days')}
            aria-invalid={invalid}
            value={text(value)}
            onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
          />{' '}
          {dt('rules.daysUnit')}
        </span>
      );
    case 'two': {
      const [from, to] = Array.isArray(value) ? value : [null, null];
      return (
        <span className="rule-range">
          <ScalarInput
            id={id}
            field={field}
            value={from}
            choices={null}
            invalid={invalid}
            label={dt('rules.from')}
            onChange={(v) => onChange([v, to ?? null])}
          />
          <span aria-hidden="true">–</span>
          <ScalarInput
            id={`${id}-to`}
            field={field}
            value={to}
            choices={null}
            invalid={invalid}
            label={dt('rules.to')}
            onChange={(v) => onChange([from ?? null, v])}
          />
        </span>
      );
    }
    case 'list':
      if (field.options)
        return <OptionChips id={id} field={field} value={value} onChange={onChange} multiple label={label} />;
      if (choices)
        return <ChoiceList id={id} choices={choices} value={value} onChange={onChange} label={label} />;
      return (
        <input
          id={id}
          aria-label={label}
          aria-invalid={invalid}
          placeholder={dt('rules.commaSeparated')}
          value={Array.isArray(value) ? value.join(', ') : ''}
          onChange={(e) =>
            onChange(
              e.target.value
                .split(/[,，]/)
                .map((s) => s.trim())
                .filter(Boolean),
            )
          }
        />
      );
    case 'one':
      if (field.options)
        return (
          <OptionChips
            id={id}
            field={field}
            value={value}
            onChange={onChange}
            multiple={false}
            label={label}
          />
        );
      return (
        <span className="rule-one">
          {isReference && (
            <input
              type="search"
              aria-label={dt('rules.searchRecords')}
              placeholder={dt('rules.searchRecords')}
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
          )}
          <ScalarInput
            id={id}
            field={field}
            value={value}
            onChange={onChange}
            choices={choices}
            invalid={invalid}
            label={label}
          />
        </span>
      );
  }
}

/** A user or department chosen from the directory (`/api/directory/users`, `/api/departments`). */
export function DirectorySelect({
  kind,
  label,
  value,
  onChange,
  testId,
}: {
  kind: 'user' | 'department';
  label: string;
  value: string | undefined;
  onChange(next: string | undefined): void;
  testId?: string;
}) {
  const dt = useDesignerText();
  const choices = useChoices(kind);
  const all =
    value && !choices.some((c) => c.value === value) ? [{ value, label: value }, ...choices] : choices;
  return (
    <select
      aria-label={label}
      value={value ?? ''}
      data-testid={testId}
      onChange={(e) => onChange(e.target.value || undefined)}
    >
      <option value="">{dt('rules.choose')}</option>
      {all.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/** Several users or departments chosen from the directory. */
export function DirectoryList({
  kind,
  label,
  value,
  onChange,
}: {
  kind: 'user' | 'department';
  label: string;
  value: readonly string[];
  onChange(next: string[]): void;
}) {
  const choices = useChoices(kind);
  return (
    <ChoiceList
      id={`dir-${kind}`}
      choices={choices}
      value={[...value]}
      onChange={(v) => onChange(v as string[])}
      label={label}
    />
  );
}
