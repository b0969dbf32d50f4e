import { createFormEngine, type FormDefinition } from '@dougong/forms';
import type { AppDocument, Label } from '@dougong/schema';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from '../api/client';
import { FormView } from '../components/FormView';
import { useI18n } from '../i18n/i18n';

interface PublicDefinition {
  document: AppDocument;
  form: FormDefinition;
  title: Label;
  description?: Label;
  thankYou: Label;
  prefill: string[];
}

/** The honeypot's name: people never see or fill it; form-filling bots do. */
const HONEYPOT = 'website_url';

/**
 * A public form (webinar sign-up, trade-show registration): anonymous, only its own fields; the
 * submission carries the query string (UTM parameters, campaign) and the referrer for attribution.
 */
export default function PublicFormPage({
  app,
  form: formId,
  search,
}: {
  app: string;
  form: string;
  search: URLSearchParams;
}) {
  const { t, label, locale, setLocale } = useI18n();
  const [definition, setDefinition] = useState<PublicDefinition | null>(null);
  const [missing, setMissing] = useState(false);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState<Label | null>(null);
  const [honeypot, setHoneypot] = useState('');

  useEffect(() => {
    api<PublicDefinition>('GET', `/api/public/forms/${app}/${formId}`).then(setDefinition, () =>
      setMissing(true),
    );
  }, [app, formId]);

  const engine = useMemo(
    () =>
      definition ? createFormEngine(definition.document, definition.form, { now: new Date(), locale }) : null,
    [definition, locale],
  );

  useEffect(() => {
    if (!engine || !definition) return;
    const prefill: Record<string, unknown> = {};
    for (const key of definition.prefill) {
      const value = search.get(key);
      if (value !== null) prefill[key] = value;
    }
    setValues(engine.initialValues(null, prefill));
  }, [engine, definition, search]);

  if (missing) return <p className="error public">{t('public.notFound')}</p>;
  if (!definition || !engine) return <p className="loading">{t('app.loading')}</p>;
  const entity = definition.document.entities[0]!;
  const evaluation = engine.evaluate(values);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!engine) return;
    const issues = engine.validate(evaluation.values, { mode: 'create' });
    if (issues.length > 0) {
      setErrors(Object.fromEntries(issues.map((i) => [i.path, i.message])));
      setMessage(t('record.fixErrors'));
      return;
    }
    try {
      const result = await api<{ ok: boolean; thankYou: Label }>(
        'POST',
        `/api/public/forms/${app}/${formId}/submissions`,
        {
          values: engine.payload(evaluation.values, { mode: 'create' }),
          referrer: document.referrer || undefined,
          query: Object.fromEntries(search.entries()),
          ...(honeypot ? { [HONEYPOT]: honeypot } : {}),
        },
      );
      setDone(result.thankYou);
    } catch (error) {
      if (error instanceof ApiError && error.details.length > 0) {
        setErrors(Object.fromEntries(error.details.map((d) => [d.path.replace(/^\/values/, ''), d.message])));
        setMessage(t('record.fixErrors'));
      } else setMessage(error instanceof ApiError ? error.message : t('error.network'));
    }
  }

  return (
    <main className="public">
      <div className="toolbar">
        <button type="button" className="link" onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}>
          {t('locale.switch')}
        </button>
      </div>
      <h1>{label(definition.title)}</h1>
      {definition.description && <p>{label(definition.description)}</p>}
      {done ? (
        <p role="status" className="thanks" data-testid="public-thanks">
          {label(done) || t('public.thanks')}
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <FormView
            engine={engine}
            doc={definition.document}
            app={app}
            entity={entity}
            evaluation={evaluation}
            editing
            errors={errors}
            onChange={(key, value) => {
              setValues({ ...values, [key]: value });
              if (errors[`/${key}`])
                setErrors(Object.fromEntries(Object.entries(errors).filter(([p]) => p !== `/${key}`)));
            }}
          />
          <div className="honeypot" aria-hidden="true">
            <label htmlFor="hp-website">Website</label>
            <input
              id="hp-website"
              name={HONEYPOT}
              tabIndex={-1}
              autoComplete="off"
              value={honeypot}
              onChange={(e) => setHoneypot(e.target.value)}
            />
          </div>
          <p role="status" aria-live="polite" className="status">
            {message}
          </p>
          <button type="submit" className="primary" data-testid="public-submit">
            {t('public.submit')}
          </button>
        </form>
      )}
    </main>
  );
}
