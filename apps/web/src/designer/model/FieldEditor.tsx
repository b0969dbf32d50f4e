import { DESIGNER_FIELD_TYPES, FIELD_TYPE_LABELS, type FieldPatch, fieldProps } from '@dougong/designer';
import type { Entity, Field, FieldType } from '@dougong/schema';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { BilingualInput } from '../common/BilingualInput';
import { ItemIssues } from '../common/IssueList';
import { issuesUnder, useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { PropInput } from './PropInput';

// Shown at the top, in this order; the remaining properties of the type follow.
const HEAD = new Set(['key', 'label', 'description', 'help', 'placeholder']);
const FLAGS = new Set(['required', 'unique', 'index', 'trackChanges', 'integer']);

/**
 * Every property of a field, for any field type: type (with conversion), key, labels in both languages,
 * texts, flags, limits and the type's own properties (options, reference target, sub-table child entity,
 * auto-number pattern, formula …), read from the metadata schema through `fieldProps`.
 */
export function FieldEditor({ entity, field, compact }: { entity: Entity; field: Field; compact?: boolean }) {
  const { doc, dispatch, seal, issues } = useDesigner();
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const [keyDraft, setKeyDraft] = useState<string | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [typeError, setTypeError] = useState<string | null>(null);
  const entityIndex = doc.entities.indexOf(entity);
  const fieldIndex = entity.fields.indexOf(field);
  const base = `/entities/${entityIndex}/fields/${fieldIndex}`;
  const mine = issuesUnder(issues, base);
  const props = fieldProps(field.type);
  const flags = props.filter((p) => FLAGS.has(p));
  const rest = props.filter((p) => !HEAD.has(p) && !FLAGS.has(p));

  // biome-ignore lint/correctness/useExhaustiveDependencies: the drafts are reset when another field is shown
  useEffect(() => {
    setKeyDraft(null);
    setKeyError(null);
    setTypeError(null);
  }, [field.id]);

  const update = (patch: Record<string, unknown>) =>
    dispatch({ type: 'updateField', entityId: entity.id, fieldId: field.id, patch: patch as FieldPatch });
  const text = (prop: string) => (
    <BilingualInput
      key={prop}
      label={dt(`field.prop.${prop}` as 'field.prop.help')}
      value={(field as Record<string, unknown>)[prop] as { 'zh-CN'?: string; en?: string } | undefined}
      required={prop === 'label'}
      multiline={prop === 'description'}
      onChange={(next) => update({ [prop]: prop === 'label' || Object.keys(next).length > 0 ? next : null })}
      onBlur={seal}
      testId={`field-${prop}`}
    />
  );

  return (
    <aside
      className={compact ? 'field-editor compact' : 'field-editor'}
      aria-label={dt('field.editor')}
      data-testid="field-editor"
    >
      <header className="panel-header">
        <h3>
          {label(field.label)} <code>{field.key}</code>
        </h3>
        <button
          type="button"
          className="danger"
          onClick={() => dispatch({ type: 'removeField', entityId: entity.id, fieldId: field.id })}
          data-testid="remove-field"
        >
          {dt('field.remove')}
        </button>
      </header>
      <ItemIssues issues={mine} testId="field-issues" />
      <label>
        {dt('field.type')}
        <select
          value={field.type}
          onChange={(e) => {
            const refusal = dispatch({
              type: 'changeFieldType',
              entityId: entity.id,
              fieldId: field.id,
              fieldType: e.target.value as FieldType,
            });
            setTypeError(refusal ? refusal.message[locale] : null);
          }}
          aria-describedby={`type-hint-${field.id}`}
          data-testid="field-type"
        >
          {DESIGNER_FIELD_TYPES.map((t) => (
            <option key={t} value={t}>
              {FIELD_TYPE_LABELS[t][locale]}
            </option>
          ))}
        </select>
        <small id={`type-hint-${field.id}`} className={typeError ? 'field-error' : undefined}>
          {typeError ?? dt('field.typeHint')}
        </small>
      </label>
      <label>
        {dt('field.prop.key')}
        <input
          value={keyDraft ?? field.key}
          onChange={(e) => setKeyDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          }}
          onBlur={() => {
            if (keyDraft !== null && keyDraft !== field.key) {
              const refusal = update({ key: keyDraft });
              setKeyError(refusal ? refusal.message[locale] : null);
            }
            setKeyDraft(null);
          }}
          aria-invalid={keyError ? true : undefined}
          data-testid="field-key"
        />
        <small className={keyError ? 'field-error' : undefined}>
          {keyError ?? dt('field.keyHint')} <code>id: {field.id}</code>
        </small>
      </label>
      {text('label')}
      {props.includes('help') && text('help')}
      {!compact && props.includes('placeholder') && text('placeholder')}
      {!compact && props.includes('description') && text('description')}
      <fieldset className="flags">
        <legend>{dt('field.flags')}</legend>
        {flags.map((flag) => (
          <label key={flag} className="check">
            <input
              type="checkbox"
              checked={(field as Record<string, unknown>)[flag] === true}
              onChange={(e) => update({ [flag]: e.target.checked ? true : null })}
              data-testid={`field-${flag}`}
            />
            {dt(`field.prop.${flag}` as 'field.prop.required')}
          </label>
        ))}
      </fieldset>
      {rest.map((prop) => (
        <PropInput
          key={prop}
          entity={entity}
          field={field}
          prop={prop}
          issues={issuesUnder(issues, `${base}/${prop}`)}
          onChange={(value) => update({ [prop]: value })}
        />
      ))}
    </aside>
  );
}
