import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { ItemIssues } from '../common/IssueList';
import { useDesigner } from '../designer-context';
import { useDesignerText } from '../designer-i18n';
import { EntityPanel } from './EntityPanel';
import { FieldEditor } from './FieldEditor';

/**
 * The data model: the app's entities (create, select), the selected entity with its fields, and the
 * selected field's editor.
 */
export default function ModelArea({ item }: { item?: string | undefined }) {
  const { doc, selection, select, issues } = useDesigner();
  const dt = useDesignerText();
  const { label } = useI18n();

  // A link to /design/<app>/model/<entity id> opens that entity.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the link changes; later selections are the analyst's
  useEffect(() => {
    if (item && doc.entities.some((e) => e.id === item)) select({ kind: 'entity', entityId: item });
  }, [item]);

  const selectedEntity =
    selection && 'entityId' in selection ? selection.entityId : (doc.entities[0]?.id ?? null);
  const entity = doc.entities.find((e) => e.id === selectedEntity);
  const fieldId = selection?.kind === 'field' || selection?.kind === 'option' ? selection.fieldId : null;
  const field = entity?.fields.find((f) => f.id === fieldId);
  const entityIndex = entity ? doc.entities.indexOf(entity) : -1;

  return (
    <div className="model-area" data-testid="model-area">
      <aside className="entity-list" aria-label={dt('model.entities')}>
        <h2>{dt('model.entities')}</h2>
        <ul>
          {doc.entities.map((e, index) => {
            const count = issues.filter((i) => i.path.startsWith(`/entities/${index}/`)).length;
            return (
              <li key={e.id}>
                <button
                  type="button"
                  className={e.id === entity?.id ? 'entity-item selected' : 'entity-item'}
                  aria-pressed={e.id === entity?.id}
                  onClick={() => select({ kind: 'entity', entityId: e.id })}
                  data-testid={`entity-${e.key}`}
                >
                  <span className="icon" aria-hidden="true">
                    {e.kind === 'child' ? '↳' : '▦'}
                  </span>{' '}
                  {label(e.label)} <code>{e.key}</code>
                  {e.kind === 'child' && <small> {dt('model.child')}</small>}
                  {count > 0 && (
                    <span className="badge" title={dt('designer.invalid', { count })}>
                      {count}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
        <NewEntity />
      </aside>
      {entity ? (
        <EntityPanel entity={entity} index={entityIndex} />
      ) : (
        <p className="empty">{dt('model.noEntities')}</p>
      )}
      {entity && field ? (
        <FieldEditor entity={entity} field={field} />
      ) : (
        <aside className="field-editor empty">
          {entity && (
            <ItemIssues
              issues={issues.filter((i) => i.path === `/entities/${entityIndex}` || i.path === '')}
            />
          )}
          <p>{dt('model.pickField')}</p>
        </aside>
      )}
    </div>
  );
}

function NewEntity() {
  const { dispatch } = useDesigner();
  const dt = useDesignerText();
  const [open, setOpen] = useState(false);
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [child, setChild] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { locale } = useI18n();
  if (!open)
    return (
      <button type="button" className="primary" onClick={() => setOpen(true)} data-testid="new-entity">
        + {dt('model.newEntity')}
      </button>
    );
  return (
    <form
      className="new-entity"
      data-testid="new-entity-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!zh.trim() && !en.trim()) {
          setError(dt('model.labelRequired'));
          return;
        }
        const refusal = dispatch({
          type: 'addEntity',
          label: { ...(zh.trim() ? { 'zh-CN': zh.trim() } : {}), ...(en.trim() ? { en: en.trim() } : {}) },
          ...(child ? { kind: 'child' as const } : {}),
        });
        if (refusal) setError(refusal.message[locale]);
        else {
          setOpen(false);
          setZh('');
          setEn('');
          setChild(false);
          setError(null);
        }
      }}
    >
      <label>
        {dt('model.labelZh')}
        <input value={zh} onChange={(e) => setZh(e.target.value)} data-testid="new-entity-zh" />
      </label>
      <label>
        {dt('model.labelEn')}
        <input value={en} onChange={(e) => setEn(e.target.value)} data-testid="new-entity-en" />
      </label>
      <small>{dt('model.keyFromEn')}</small>
      <label className="check">
        <input type="checkbox" checked={child} onChange={(e) => setChild(e.target.checked)} />
        {dt('model.childEntity')}
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" data-testid="new-entity-create">
        {dt('designer.create')}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        {dt('designer.cancel')}
      </button>
    </form>
  );
}
