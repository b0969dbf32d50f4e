import { FIELD_TYPE_GROUPS, FIELD_TYPE_LABELS } from '@dougong/designer';
import type { Entity, FieldType } from '@dougong/schema';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { BilingualInput } from '../common/BilingualInput';
import { ItemIssues } from '../common/IssueList';
import { SortableList } from '../common/SortableList';
import { issuesUnder, useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';

/** Icon names offered for entities (the icon set's names, as the templates use; any short name is accepted). */
const ICONS = [
  'building',
  'user',
  'user-plus',
  'users',
  'target',
  'briefcase',
  'megaphone',
  'calendar',
  'package',
  'file-text',
  'receipt',
  'star',
];

/** The selected entity: names, key, icon, description, title field, default sort, and its field list. */
export function EntityPanel({ entity, index }: { entity: Entity; index: number }) {
  const { dispatch, seal, select, selection, issues } = useDesigner();
  const dt = useDesignerText();
  const { label, locale } = useI18n();
  const [keyDraft, setKeyDraft] = useState<string | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const base = `/entities/${index}`;
  const own = issues.filter(
    (i) => i.path === base || (i.path.startsWith(`${base}/`) && !i.path.startsWith(`${base}/fields/`)),
  );
  const sortKey = entity.defaultSort?.[0];
  const sortable = entity.fields.filter(
    (f) => f.type !== 'subTable' && f.type !== 'multiSelect' && f.type !== 'attachment',
  );
  const selectedField =
    selection?.kind === 'field' || selection?.kind === 'option' ? selection.fieldId : null;

  return (
    <section className="entity-panel" aria-label={label(entity.label)} data-testid="entity-panel">
      <header className="panel-header">
        <h2>
          {label(entity.label)} {entity.icon && <small className="icon-name">{entity.icon}</small>}
        </h2>
        <button
          type="button"
          className="danger"
          onClick={() => dispatch({ type: 'removeEntity', entityId: entity.id })}
          data-testid="remove-entity"
        >
          {dt('model.removeEntity')}
        </button>
      </header>
      <ItemIssues issues={own} testId="entity-issues" />
      <details className="entity-props" open>
        <summary>{dt('model.entityProps')}</summary>
        <BilingualInput
          label={dt('model.entityLabel')}
          value={entity.label}
          required
          onChange={(next) => dispatch({ type: 'renameEntity', entityId: entity.id, label: next })}
          onBlur={seal}
          testId="entity-label"
        />
        <BilingualInput
          label={dt('model.pluralLabel')}
          value={entity.pluralLabel}
          onChange={(next) =>
            dispatch({
              type: 'renameEntity',
              entityId: entity.id,
              pluralLabel: Object.keys(next).length > 0 ? next : null,
            })
          }
          onBlur={seal}
        />
        <label>
          {dt('model.key')}
          <input
            value={keyDraft ?? entity.key}
            onChange={(e) => setKeyDraft(e.target.value)}
            onBlur={() => {
              if (keyDraft !== null && keyDraft !== entity.key) {
                const refusal = dispatch({ type: 'renameEntity', entityId: entity.id, key: keyDraft });
                setKeyError(refusal ? refusal.message[locale] : null);
              }
              setKeyDraft(null);
            }}
            aria-describedby={`entity-key-hint-${entity.id}`}
            data-testid="entity-key"
          />
          <small id={`entity-key-hint-${entity.id}`}>
            {keyError ?? dt('model.keyHint')} <code>id: {entity.id}</code>
          </small>
        </label>
        <label>
          {dt('model.icon')}
          <span className="icon-picker">
            <input
              value={entity.icon ?? ''}
              maxLength={60}
              onChange={(e) =>
                dispatch({ type: 'describeEntity', entityId: entity.id, icon: e.target.value || null })
              }
              onBlur={seal}
              data-testid="entity-icon"
            />
            {ICONS.map((icon) => (
              <button
                key={icon}
                type="button"
                className={entity.icon === icon ? 'icon selected' : 'icon'}
                aria-pressed={entity.icon === icon}
                onClick={() => dispatch({ type: 'describeEntity', entityId: entity.id, icon })}
              >
                {icon}
              </button>
            ))}
          </span>
        </label>
        <BilingualInput
          label={dt('model.description')}
          value={entity.description}
          multiline
          onChange={(next) =>
            dispatch({
              type: 'describeEntity',
              entityId: entity.id,
              description: Object.keys(next).length > 0 ? next : null,
            })
          }
          onBlur={seal}
        />
        {entity.kind !== 'child' && (
          <div className="row">
            <label>
              {dt('model.titleField')}
              <select
                value={entity.titleField ?? ''}
                onChange={(e) =>
                  dispatch({
                    type: 'describeEntity',
                    entityId: entity.id,
                    titleField: e.target.value || null,
                  })
                }
                data-testid="entity-title-field"
              >
                <option value="">—</option>
                {entity.fields.map((f) => (
                  <option key={f.id} value={f.id}>
                    {label(f.label)} ({f.key})
                  </option>
                ))}
              </select>
            </label>
            <label>
              {dt('model.defaultSort')}
              <select
                value={sortKey?.field ?? ''}
                onChange={(e) =>
                  dispatch({
                    type: 'describeEntity',
                    entityId: entity.id,
                    defaultSort: e.target.value
                      ? [{ field: e.target.value, ...(sortKey?.desc ? { desc: true } : {}) }]
                      : null,
                  })
                }
                data-testid="entity-default-sort"
              >
                <option value="">—</option>
                {sortable.map((f) => (
                  <option key={f.id} value={f.id}>
                    {label(f.label)} ({f.key})
                  </option>
                ))}
                <option value="createdAt">{dt('model.system.createdAt')}</option>
                <option value="updatedAt">{dt('model.system.updatedAt')}</option>
              </select>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={sortKey?.desc === true}
                disabled={!sortKey}
                onChange={(e) =>
                  sortKey &&
                  dispatch({
                    type: 'describeEntity',
                    entityId: entity.id,
                    defaultSort: [{ field: sortKey.field, ...(e.target.checked ? { desc: true } : {}) }],
                  })
                }
              />
              {dt('model.descending')}
            </label>
          </div>
        )}
      </details>

      <h3>{dt('model.fields')}</h3>
      <SortableList
        items={entity.fields}
        name={(f) => label(f.label)}
        testId="field-list"
        itemTestId={(f) => `field-${f.key}`}
        onMove={(fieldId, to) =>
          dispatch({ type: 'moveField', entityId: entity.id, fieldId, target: { index: to } })
        }
        render={(f, i) => {
          const count = issuesUnder(issues, `${base}/fields/${i}`).length;
          return (
            <button
              type="button"
              className={f.id === selectedField ? 'field-item selected' : 'field-item'}
              aria-pressed={f.id === selectedField}
              onClick={() => select({ kind: 'field', entityId: entity.id, fieldId: f.id })}
            >
              <span className="field-name">{label(f.label)}</span> <code>{f.key}</code>{' '}
              <small className="type">{FIELD_TYPE_LABELS[f.type][locale]}</small>
              {f.required && <small className="req"> *</small>}
              {entity.titleField === f.id && <small> · {dt('model.title')}</small>}
              {count > 0 && <span className="badge">{count}</span>}
            </button>
          );
        }}
      />
      <AddField entity={entity} />
    </section>
  );
}

function AddField({ entity }: { entity: Entity }) {
  const { dispatch } = useDesigner();
  const dt = useDesignerText();
  const { locale } = useI18n();
  const [type, setType] = useState<FieldType>('text');
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="add-field"
      data-testid="add-field"
      onSubmit={(event) => {
        event.preventDefault();
        const labelValue = {
          ...(zh.trim() ? { 'zh-CN': zh.trim() } : {}),
          ...(en.trim() ? { en: en.trim() } : {}),
        };
        const refusal = dispatch({
          type: 'addField',
          entityId: entity.id,
          fieldType: type,
          ...(Object.keys(labelValue).length > 0 ? { label: labelValue } : {}),
        });
        setError(refusal ? refusal.message[locale] : null);
        if (!refusal) {
          setZh('');
          setEn('');
        }
      }}
    >
      <h4>{dt('model.addField')}</h4>
      <label>
        {dt('model.fieldType')}
        <select
          value={type}
          onChange={(e) => setType(e.target.value as FieldType)}
          data-testid="add-field-type"
        >
          {FIELD_TYPE_GROUPS.map((g) => (
            <optgroup key={g.id} label={g.label[locale]}>
              {g.types.map((t) => (
                <option key={t} value={t}>
                  {FIELD_TYPE_LABELS[t][locale]}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label>
        {dt('model.labelZh')}
        <input value={zh} onChange={(e) => setZh(e.target.value)} data-testid="add-field-zh" />
      </label>
      <label>
        {dt('model.labelEn')}
        <input value={en} onChange={(e) => setEn(e.target.value)} data-testid="add-field-en" />
      </label>
      <button type="submit" data-testid="add-field-submit">
        + {dt('model.addField')}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
