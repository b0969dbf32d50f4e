import { FORM_KIND_LABELS } from '@dougong/designer';
import { FORM_KINDS, type FormKind } from '@dougong/schema';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { FormDesigner } from './FormDesigner';

/** The form of a selection, if it is about a form. */
function formOf(selection: ReturnType<typeof useDesigner>['selection']): string | null {
  return selection && 'formId' in selection ? selection.formId : null;
}

/**
 * Forms: per entity, its forms (full, quick create, public) — create, pick, remove — and the designer of
 * the picked form.
 */
export default function FormsArea({ item }: { item?: string | undefined }) {
  const { doc, selection, select, dispatch } = useDesigner();
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const entities = doc.entities.filter((e) => e.kind !== 'child');
  // The open form stays open while a field of it is selected (editing a field selects the field).
  const [openForm, setOpenForm] = useState<string | null>(null);
  const selectedForm = formOf(selection);
  useEffect(() => {
    if (selectedForm) setOpenForm(selectedForm);
  }, [selectedForm]);
  const form = doc.forms?.find((f) => f.id === (selectedForm ?? openForm));
  const [entityId, setEntityId] = useState<string | null>(form?.entity ?? entities[0]?.id ?? null);
  const [kind, setKind] = useState<FormKind>('full');
  const [start, setStart] = useState<'default' | 'empty'>('empty');
  const [error, setError] = useState<string | null>(null);

  // /design/<app>/forms/<form id> opens that form.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the link changes; later selections are the analyst's
  useEffect(() => {
    if (item && doc.forms?.some((f) => f.id === item)) select({ kind: 'form', formId: item });
  }, [item]);
  useEffect(() => {
    if (form && form.entity !== entityId) setEntityId(form.entity);
  }, [form, entityId]);

  const entity = entities.find((e) => e.id === entityId) ?? entities[0];
  const forms = (doc.forms ?? []).filter((f) => f.entity === entity?.id);

  return (
    <div className="forms-area" data-testid="forms-area">
      <aside className="form-list" aria-label={dt('forms.list')}>
        <label>
          {dt('forms.entity')}
          <select
            value={entity?.id ?? ''}
            onChange={(e) => {
              setEntityId(e.target.value);
              setOpenForm(null);
              select(null);
            }}
            data-testid="forms-entity"
          >
            {entities.map((e) => (
              <option key={e.id} value={e.id}>
                {label(e.label)}
              </option>
            ))}
          </select>
        </label>
        <ul>
          {forms.map((f) => (
            <li key={f.id}>
              <button
                type="button"
                className={f.id === form?.id ? 'form-item selected' : 'form-item'}
                aria-pressed={f.id === form?.id}
                onClick={() => select({ kind: 'form', formId: f.id })}
                data-testid={`form-${f.id}`}
              >
                {label(f.label)} <small>{FORM_KIND_LABELS[f.kind][locale]}</small>
              </button>
            </li>
          ))}
        </ul>
        {forms.length === 0 && entity && <p className="muted">{dt('forms.none')}</p>}
        {entity && (
          <form
            className="new-form"
            onSubmit={(event) => {
              event.preventDefault();
              const refusal = dispatch({ type: 'addForm', entityId: entity.id, kind, layout: start });
              setError(refusal ? refusal.message[locale] : null);
            }}
          >
            <label>
              {dt('forms.kind')}
              <select
                value={kind}
                onChange={(e) => setKind(e.target.value as FormKind)}
                data-testid="new-form-kind"
              >
                {FORM_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {FORM_KIND_LABELS[k][locale]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {dt('forms.start')}
              <select
                value={start}
                onChange={(e) => setStart(e.target.value as 'default' | 'empty')}
                data-testid="new-form-start"
              >
                <option value="empty">{dt('forms.startEmpty')}</option>
                <option value="default">{dt('forms.startDefault')}</option>
              </select>
            </label>
            <button type="submit" className="primary" data-testid="new-form">
              + {dt('forms.new')}
            </button>
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
          </form>
        )}
        {!entity && <p className="empty">{dt('forms.noEntities')}</p>}
      </aside>
      {form && entity ? (
        <FormDesigner key={form.id} form={form} entity={entity} />
      ) : (
        <p className="empty">{dt('forms.pick')}</p>
      )}
    </div>
  );
}
