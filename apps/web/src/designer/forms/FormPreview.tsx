import { createFormEngine, type FormEngine } from '@dougong/forms';
import type { Entity, Field, Form } from '@dougong/schema';
import { useEffect, useMemo, useState } from 'react';
import { FormView } from '../../components/FormView';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';

type Values = Record<string, unknown>;

/** A plausible value of a field for the preview (none for fields that need other records or files). */
function sample(field: Field, locale: 'zh-CN' | 'en', today: string): unknown {
  const zh = locale === 'zh-CN';
  switch (field.type) {
    case 'text':
      return field.key === 'name' ? (zh ? '示例记录' : 'Sample record') : zh ? '示例文本' : 'Sample text';
    case 'longText':
      return zh ? '这是一段示例说明。' : 'A few lines of sample notes.';
    case 'number':
      return field.integer ? 12 : '12.5';
    case 'money':
      return '12800.00';
    case 'percent':
      return '35';
    case 'boolean':
      return true;
    case 'date':
      return today;
    case 'email':
      return 'li.na@example.com';
    case 'phone':
      return '13800138000';
    case 'url':
      return 'https://example.com';
    case 'singleSelect':
      return field.options[0]?.id ?? null;
    case 'multiSelect':
      return field.options.slice(0, 1).map((o) => o.id);
    default:
      return undefined;
  }
}

/**
 * The form as the runtime renders it — the runtime's own FormView and form engine, so linkage rules,
 * formulas and required marks behave as they will — filled with sample data, at desktop width or at a
 * 375 px phone width. The sample values can be edited to try the rules.
 */
export function FormPreview({ form, entity }: { form: Form; entity: Entity }) {
  const { doc, app } = useDesigner();
  const dt = useDesignerText();
  const { locale } = useI18n();
  const [width, setWidth] = useState<'desktop' | 'phone'>('desktop');
  const [edits, setEdits] = useState<Values>({});
  const today = new Date().toISOString().slice(0, 10);

  const built = useMemo((): { engine: FormEngine } | { error: string } => {
    try {
      return { engine: createFormEngine(doc, form, { now: new Date(), locale }) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [doc, form, locale]);

  const samples = useMemo(() => {
    const out: Values = {};
    for (const field of entity.fields) {
      const value = sample(field, locale, today);
      if (value !== undefined) out[field.key] = value;
    }
    return out;
  }, [entity, locale, today]);

  // Edits of fields that no longer exist are dropped.
  useEffect(() => {
    setEdits((current) => {
      const keys = new Set(entity.fields.map((f) => f.key));
      const kept = Object.fromEntries(Object.entries(current).filter(([k]) => keys.has(k)));
      return Object.keys(kept).length === Object.keys(current).length ? current : kept;
    });
  }, [entity]);

  const evaluated = useMemo(() => {
    if (!('engine' in built)) return null;
    try {
      const values = { ...built.engine.initialValues(null), ...samples, ...edits };
      return built.engine.evaluate(values);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [built, samples, edits]);

  return (
    <section className="form-preview" aria-label={dt('preview.title')} data-testid="form-preview">
      <header>
        <h3>{dt('preview.title')}</h3>
        <fieldset className="preview-widths">
          <legend className="sr-only">{dt('preview.width')}</legend>
          <button
            type="button"
            aria-pressed={width === 'desktop'}
            onClick={() => setWidth('desktop')}
            data-testid="preview-desktop"
          >
            {dt('preview.desktop')}
          </button>
          <button
            type="button"
            aria-pressed={width === 'phone'}
            onClick={() => setWidth('phone')}
            data-testid="preview-phone"
          >
            {dt('preview.phone')}
          </button>
          <button type="button" className="link" onClick={() => setEdits({})}>
            {dt('preview.reset')}
          </button>
        </fieldset>
      </header>
      <div className={`preview-frame preview-${width}`} data-testid={`preview-frame-${width}`}>
        {'error' in built ? (
          <p className="error">{dt('preview.unavailable', { reason: built.error })}</p>
        ) : !evaluated || 'error' in evaluated ? (
          <p className="error">{dt('preview.unavailable', { reason: evaluated?.error ?? '' })}</p>
        ) : (
          <FormView
            engine={built.engine}
            doc={doc}
            app={app}
            entity={entity}
            evaluation={evaluated}
            editing
            errors={{}}
            onChange={(key, value) => setEdits((current) => ({ ...current, [key]: value }))}
          />
        )}
      </div>
    </section>
  );
}
