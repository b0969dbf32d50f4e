import type { AppDocument } from '@dougong/schema';
import { useEffect, useId, useState } from 'react';
import { FieldInput } from '../../components/FieldInput';
import { useI18n } from '../../i18n/i18n';
import { recordTitle } from '../../lib/fields';
import { listRecords, type RecordJson } from '../../lib/records';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';

/** Field types a test can take sample values of. */
const SAMPLE_TYPES = new Set([
  'text',
  'longText',
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

/** What a test runs against: sample values, or a real record (the one picked, if any). */
export interface TestSourceValue {
  readonly source: 'sample' | 'record';
  readonly sample: Readonly<Record<string, unknown>>;
  readonly picked: RecordJson | null;
}

export const SAMPLE_SOURCE: TestSourceValue = { source: 'sample', sample: {}, picked: null };

/**
 * The "test against" part of a test panel: sample values typed into the entity's own inputs, or a real
 * record found by search (and, with `byId`, by its id) through the records API.
 */
export function TestSource({
  entity,
  value,
  onChange,
  records: allowRecords,
  byId = false,
  searchLabel,
  legendHidden = false,
  testIds,
}: {
  entity: AppDocument['entities'][number];
  value: TestSourceValue;
  onChange(next: TestSourceValue): void;
  /** Whether a real record can be picked (not for child entities). */
  records: boolean;
  byId?: boolean;
  searchLabel: string;
  legendHidden?: boolean;
  testIds: { record: string; sample: string; pick: string };
}) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const { doc, app } = useDesigner();
  const id = useId();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<RecordJson[]>([]);
  const { source, sample, picked } = value;

  useEffect(() => {
    if (!allowRecords || source !== 'record') return;
    const handle = setTimeout(() => {
      const asId = byId && /^[0-9a-f-]{36}$/i.test(q.trim());
      void listRecords(
        app,
        entity.key,
        asId ? { filter: { '==': [{ var: 'id' }, q.trim()] } } : { q: q || undefined, limit: 20 },
      ).then(
        (page) => setFound(page.items),
        () => setFound([]),
      );
    }, 200);
    return () => clearTimeout(handle);
  }, [app, entity, q, source, allowRecords, byId]);

  return (
    <>
      {allowRecords && (
        <fieldset className="test-source">
          <legend className={legendHidden ? 'sr-only' : undefined}>{dt('flows.testAgainst')}</legend>
          <label>
            <input
              type="radio"
              name={`${id}-src`}
              checked={source === 'sample'}
              onChange={() => onChange({ ...value, source: 'sample' })}
            />
            {dt('flows.sampleValues')}
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-src`}
              checked={source === 'record'}
              data-testid={testIds.record}
              onChange={() => onChange({ ...value, source: 'record' })}
            />
            {dt('flows.realRecord')}
          </label>
        </fieldset>
      )}
      {source === 'sample' ? (
        <div className="sample" data-testid={testIds.sample}>
          {entity.fields
            .filter((f) => SAMPLE_TYPES.has(f.type))
            .map((f) => (
              <div key={f.id} className="flow-input" data-field={f.key}>
                <label htmlFor={`${id}-${f.id}`}>{label(f.label)}</label>
                <FieldInput
                  id={`${id}-${f.id}`}
                  field={f}
                  value={sample[f.key] ?? null}
                  onChange={(v) => onChange({ ...value, sample: { ...sample, [f.key]: v } })}
                  readOnly={false}
                  invalid={false}
                  doc={doc}
                  app={app}
                />
              </div>
            ))}
        </div>
      ) : (
        <div className="test-record">
          <input
            type="search"
            aria-label={searchLabel}
            placeholder={searchLabel}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <select
            aria-label={dt('flows.realRecord')}
            value={picked?.id ?? ''}
            data-testid={testIds.pick}
            onChange={(e) =>
              onChange({ ...value, picked: found.find((r) => r.id === e.target.value) ?? null })
            }
          >
            <option value="">{dt('rules.choose')}</option>
            {found.map((r) => (
              <option key={r.id} value={r.id}>
                {recordTitle(doc, entity, r)}
              </option>
            ))}
          </select>
        </div>
      )}
    </>
  );
}
