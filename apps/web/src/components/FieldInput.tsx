import type { AppDocument, Field, FieldType } from '@dougong/schema';
import { type ReactNode, useEffect, useState } from 'react';
import { uploadFile } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { departmentName, loadDepartmentNames, searchUsers, userName } from '../lib/directory';
import { recordTitle } from '../lib/fields';
import { listRecords } from '../lib/records';

/** Props every field widget gets. */
export interface InputProps<F extends Field = Field> {
  id: string;
  field: F;
  value: unknown;
  onChange: (value: unknown) => void;
  readOnly: boolean;
  invalid: boolean;
  describedBy?: string;
  doc: AppDocument;
  app: string;
  placeholder?: string;
}

type Widget<K extends FieldType> = (props: InputProps<Extract<Field, { type: K }>>) => ReactNode;

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const orNull = (v: string) => (v === '' ? null : v);

/** A select of choices with an empty "choose…" entry: one shell for selects, users, departments, references. */
function ChoiceSelect({
  id,
  value,
  onChange,
  readOnly,
  invalid,
  describedBy,
  choices,
}: Pick<InputProps, 'id' | 'value' | 'onChange' | 'readOnly' | 'invalid' | 'describedBy'> & {
  choices: Array<{ value: string; label: string }>;
}) {
  const { t } = useI18n();
  const current = str(value);
  // A stored value not among the loaded choices stays selectable (and shown) rather than silently lost.
  const all =
    current && !choices.some((c) => c.value === current)
      ? [{ value: current, label: current }, ...choices]
      : choices;
  return (
    <select
      id={id}
      value={current}
      disabled={readOnly}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      onChange={(e) => onChange(orNull(e.target.value))}
    >
      <option value="">{t('value.select')}</option>
      {all.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

function TextInput({
  id,
  value,
  onChange,
  readOnly,
  invalid,
  describedBy,
  type = 'text',
  inputMode,
  placeholder,
}: InputProps & { type?: string; inputMode?: 'decimal' | 'numeric' | 'tel' | 'email' | 'url' }) {
  return (
    <input
      id={id}
      type={type}
      inputMode={inputMode}
      value={str(value)}
      readOnly={readOnly}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      placeholder={placeholder}
      onChange={(e) => onChange(orNull(e.target.value))}
    />
  );
}

function Area(props: InputProps) {
  return (
    <textarea
      id={props.id}
      rows={3}
      value={str(props.value)}
      readOnly={props.readOnly}
      aria-invalid={props.invalid}
      aria-describedby={props.describedBy}
      onChange={(e) => props.onChange(orNull(e.target.value))}
    />
  );
}

function SelectInput(props: InputProps<Extract<Field, { type: 'singleSelect' }>>) {
  const { label } = useI18n();
  return (
    <ChoiceSelect
      {...props}
      choices={props.field.options.map((o) => ({ value: o.id, label: label(o.label) }))}
    />
  );
}

function MultiInput({
  id,
  field,
  value,
  onChange,
  readOnly,
  describedBy,
}: InputProps<Extract<Field, { type: 'multiSelect' }>>) {
  const { label } = useI18n();
  const current = Array.isArray(value) ? (value as string[]) : [];
  return (
    <fieldset id={id} aria-describedby={describedBy} className="checks">
      {field.options.map((o) => (
        <label key={o.id}>
          <input
            type="checkbox"
            disabled={readOnly}
            checked={current.includes(o.id)}
            onChange={(e) =>
              onChange(e.target.checked ? [...current, o.id] : current.filter((c) => c !== o.id))
            }
          />
          {label(o.label)}
        </label>
      ))}
    </fieldset>
  );
}

function UserInput(props: InputProps) {
  const [options, setOptions] = useState<Array<{ id: string; name: string }>>([]);
  useEffect(() => {
    void searchUsers('').then(setOptions, () => setOptions([]));
  }, []);
  const current = typeof props.value === 'string' ? props.value : '';
  const choices = options.map((u) => ({ value: u.id, label: u.name }));
  if (current && !options.some((o) => o.id === current))
    choices.unshift({ value: current, label: userName(current) ?? current });
  return <ChoiceSelect {...props} choices={choices} />;
}

function DepartmentInput(props: InputProps) {
  const [ids, setIds] = useState<string[] | null>(null);
  useEffect(() => {
    void import('../api/client').then(({ api }) =>
      api<{ items: Array<{ id: string }> }>('GET', '/api/departments').then((r) =>
        loadDepartmentNames().then(() => setIds(r.items.map((d) => d.id))),
      ),
    );
  }, []);
  return (
    <ChoiceSelect
      {...props}
      readOnly={props.readOnly || ids === null}
      choices={(ids ?? []).map((d) => ({ value: d, label: departmentName(d) ?? d }))}
    />
  );
}

function ReferenceInput({
  id,
  field,
  value,
  onChange,
  readOnly,
  invalid,
  describedBy,
  doc,
  app,
}: InputProps<Extract<Field, { type: 'reference' }>>) {
  const { t } = useI18n();
  const target = doc.entities.find((e) => e.id === field.target);
  const [options, setOptions] = useState<
    Array<{ id: string; title: string; record: Record<string, unknown> }>
  >([]);
  const [q, setQ] = useState('');
  useEffect(() => {
    if (!target) return;
    const handle = setTimeout(() => {
      void listRecords(app, target.key, { q: q || undefined, limit: 50 }).then(
        (page) =>
          setOptions(page.items.map((r) => ({ id: r.id, title: recordTitle(doc, target, r), record: r }))),
        () => setOptions([]),
      );
    }, 200);
    return () => clearTimeout(handle);
  }, [app, target, doc, q]);
  return (
    <div className="reference">
      {!readOnly && (
        <input
          type="search"
          aria-label={t('list.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('list.searchPlaceholder')}
        />
      )}
      <ChoiceSelect
        id={id}
        value={value}
        onChange={onChange}
        readOnly={readOnly}
        invalid={invalid}
        {...(describedBy ? { describedBy } : {})}
        choices={options.map((o) => ({ value: o.id, label: o.title }))}
      />
    </div>
  );
}

function DateTimeInput({ id, value, onChange, readOnly, invalid, describedBy }: InputProps) {
  // The API returns instants in the app's zone (…+08:00); the input edits that local time.
  const shown = typeof value === 'string' ? value.slice(0, 16) : '';
  const offset = typeof value === 'string' && value.length > 19 ? value.slice(-6) : '+08:00';
  return (
    <input
      id={id}
      type="datetime-local"
      value={shown}
      readOnly={readOnly}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      onChange={(e) => onChange(e.target.value ? `${e.target.value}:00${offset}` : null)}
    />
  );
}

function AttachmentInput({ id, value, onChange, readOnly, describedBy }: InputProps) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const files = Array.isArray(value)
    ? (value as Array<{ id: string; name: string; size: number; mimeType: string }>)
    : [];
  return (
    <div className="attachments" aria-describedby={describedBy}>
      <ul>
        {files.map((f) => (
          <li key={f.id}>
            <a href={`/api/files/${f.id}`}>{f.name}</a>{' '}
            <span className="muted">{Math.ceil(f.size / 1024)} KiB</span>
            {!readOnly && (
              <button
                type="button"
                className="link"
                aria-label={`${t('record.removeRow')} ${f.name}`}
                onClick={() => onChange(files.filter((x) => x.id !== f.id))}
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
      {!readOnly && (
        <input
          id={id}
          type="file"
          multiple
          disabled={busy}
          onChange={async (e) => {
            const chosen = [...(e.target.files ?? [])];
            setBusy(true);
            setError(null);
            try {
              const uploaded = [];
              for (const file of chosen) uploaded.push(await uploadFile(file));
              onChange([...files, ...uploaded]);
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
            } finally {
              setBusy(false);
              e.target.value = '';
            }
          }}
        />
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function ReadOnlyValue({ id, value }: InputProps) {
  return (
    <output id={id} className="computed">
      {str(value)}
    </output>
  );
}

/** One input widget per field type; a new type without a widget fails to compile. */
const WIDGETS: { [K in FieldType]: Widget<K> } = {
  text: (p) => <TextInput {...p} />,
  longText: (p) => <Area {...p} />,
  richText: (p) => <Area {...p} />,
  number: (p) => (
    <TextInput
      {...p}
      inputMode="decimal"
      onChange={(v) =>
        p.onChange(v === null ? null : p.field.integer && /^-?\d+$/.test(String(v)) ? Number(v) : v)
      }
    />
  ),
  money: (p) => <TextInput {...p} inputMode="decimal" />,
  percent: (p) => <TextInput {...p} inputMode="decimal" />,
  boolean: (p) => (
    <input
      id={p.id}
      type="checkbox"
      checked={p.value === true}
      disabled={p.readOnly}
      aria-describedby={p.describedBy}
      onChange={(e) => p.onChange(e.target.checked)}
    />
  ),
  date: (p) => <TextInput {...p} type="date" />,
  datetime: (p) => <DateTimeInput {...p} />,
  singleSelect: (p) => <SelectInput {...p} />,
  multiSelect: (p) => <MultiInput {...p} />,
  email: (p) => <TextInput {...p} type="email" inputMode="email" />,
  phone: (p) => <TextInput {...p} type="tel" inputMode="tel" />,
  url: (p) => <TextInput {...p} type="url" inputMode="url" />,
  user: (p) => <UserInput {...p} />,
  department: (p) => <DepartmentInput {...p} />,
  reference: (p) => <ReferenceInput {...p} />,
  subTable: (p) => <ReadOnlyValue {...p} />,
  attachment: (p) => <AttachmentInput {...p} />,
  autoNumber: (p) => <ReadOnlyValue {...p} />,
  formula: (p) => <ReadOnlyValue {...p} />,
  region: (p) => <TextInput {...p} inputMode="numeric" />,
};

/** The input for a field. */
export function FieldInput(props: InputProps) {
  return (WIDGETS[props.field.type] as (p: InputProps) => ReactNode)(props);
}
