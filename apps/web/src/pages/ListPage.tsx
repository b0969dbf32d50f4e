import type { AppDocument, Entity, Field } from '@dougong/schema';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from '../api/client';
import { appDocument } from '../api/session';
import { navigate } from '../app/router';
import { FieldInput } from '../components/FieldInput';
import { FilterBuilder } from '../components/FilterBuilder';
import { useI18n } from '../i18n/i18n';
import {
  type Condition,
  conditionToRule,
  type DisplayContext,
  displayValue,
  plainValue,
} from '../lib/fields';
import {
  csvCell,
  defaultColumns,
  entityByKey,
  listRecords,
  loadLabels,
  type Page,
  type RecordJson,
  recordsUrl,
} from '../lib/records';
import { useMedia } from '../lib/use-media';

interface ListState {
  columns: string[];
  sort: string;
  q: string;
  conditions: Condition[];
}

const viewKey = (app: string, entity: string) => `dougong.view.${app}.${entity}`;

interface SavedView {
  id: string;
  name: string;
  shared: boolean;
  definition: Record<string, unknown>;
}

/** A list of records: columns, sort, search, filter builder, keyset paging, bulk actions, CSV export. */
export function ListPage({
  app,
  entity: entityKey,
}: {
  app: string;
  entity: string;
  search: URLSearchParams;
}) {
  const { t, label } = useI18n();
  const [doc, setDoc] = useState<AppDocument | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<ListState | null>(null);
  const [page, setPage] = useState<Page | null>(null);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [showFilter, setShowFilter] = useState(false);
  const [showColumns, setShowColumns] = useState(false);
  const [searchText, setSearchText] = useState('');
  const [views, setViews] = useState<SavedView[]>([]);
  const [bulkField, setBulkField] = useState<string>('');
  const [bulkValue, setBulkValue] = useState<unknown>(null);
  const phone = useMedia('(max-width: 640px)');

  const entity: Entity | undefined = doc ? entityByKey(doc, entityKey) : undefined;

  useEffect(() => {
    appDocument(app).then(setDoc, () => setError(t('app.error')));
  }, [app, t]);

  useEffect(() => {
    if (!entity) return;
    const saved = localStorage.getItem(viewKey(app, entityKey));
    const parsed = saved ? (JSON.parse(saved) as ListState) : null;
    const known = new Set(entity.fields.map((f) => f.key));
    setState({
      columns: parsed?.columns.filter((c) => known.has(c)) ?? defaultColumns(entity),
      sort: parsed?.sort ?? '',
      q: '',
      conditions: parsed?.conditions.filter((c) => known.has(c.key)) ?? [],
    });
  }, [entity, app, entityKey]);

  const fieldsByKey = useMemo(() => new Map((entity?.fields ?? []).map((f) => [f.key, f])), [entity]);
  const columns = useMemo(
    () => (state?.columns ?? []).map((k) => fieldsByKey.get(k)).filter((f): f is Field => Boolean(f)),
    [state?.columns, fieldsByKey],
  );
  const cursor = cursors[cursors.length - 1] ?? null;

  const load = useCallback(async () => {
    if (!state || !entity) return;
    setError(null);
    const rules = state.conditions.flatMap((c) => {
      const field = fieldsByKey.get(c.key);
      return field ? [conditionToRule(field, c)] : [];
    });
    try {
      const result = await listRecords(app, entityKey, {
        filter: rules.length === 0 ? undefined : rules.length === 1 ? rules[0] : { and: rules },
        sort: state.sort || undefined,
        q: state.q || undefined,
        cursor,
        expand: columns.filter((f) => f.type === 'reference').map((f) => f.key),
      });
      await loadLabels(columns, result.items);
      setPage(result);
    } catch (e) {
      setPage(null);
      setError(
        e instanceof ApiError && e.details[0]
          ? `${e.message} ${e.details[0].path}: ${e.details[0].message}`
          : t('app.error'),
      );
    }
  }, [state, entity, fieldsByKey, app, entityKey, cursor, columns, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const loadViews = useCallback(() => {
    api<{ items: SavedView[] }>('GET', `/api/apps/${app}/entities/${entityKey}/views`).then(
      (r) => setViews(r.items),
      () => setViews([]),
    );
  }, [app, entityKey]);
  useEffect(loadViews, [loadViews]);

  const save = (next: ListState) => {
    setState(next);
    setCursors([null]);
    setSelected(new Set());
    localStorage.setItem(viewKey(app, entityKey), JSON.stringify({ ...next, q: '' }));
  };

  if (error && !page) {
    return (
      <section className="page">
        <p role="alert" className="error">
          {error}
        </p>
        <button type="button" onClick={() => void load()}>
          {t('app.retry')}
        </button>
      </section>
    );
  }
  if (!doc || !entity || !state) return <p className="loading">{t('app.loading')}</p>;

  const ctx: DisplayContext = { label, t, doc };
  const selectFields = entity.fields.filter((f) => f.type === 'singleSelect');
  const sortOf = (key: string) =>
    state.sort === key ? 'ascending' : state.sort === `-${key}` ? 'descending' : 'none';
  const toggleSort = (key: string) => save({ ...state, sort: state.sort === key ? `-${key}` : key });

  const exportCsv = () => {
    if (!page) return;
    const header = columns.map((f) => csvCell(label(f.label))).join(',');
    const lines = page.items.map((r) =>
      columns.map((f) => csvCell(plainValue(f, r[f.key], { ...ctx, expanded: r._expand ?? {} }))).join(','),
    );
    const blob = new Blob([`\ufeff${[header, ...lines].join('\r\n')}`], { type: 'text/csv;charset=utf-8' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${entity.key}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  const saveView = async () => {
    const name = window.prompt(t('list.viewName'));
    if (!name) return;
    await api('POST', `/api/apps/${app}/entities/${entityKey}/views`, {
      name,
      definition: { columns: state.columns, sort: state.sort, conditions: state.conditions },
    }).catch(() => undefined);
    loadViews();
  };

  const applyView = (id: string) => {
    const view = views.find((v) => v.id === id);
    if (!view) return;
    const d = view.definition as Partial<ListState>;
    save({ columns: d.columns ?? state.columns, sort: d.sort ?? '', q: '', conditions: d.conditions ?? [] });
  };

  const bulkEdit = async () => {
    if (!page || !bulkField) return;
    const failures: string[] = [];
    for (const record of page.items.filter((r) => selected.has(r.id))) {
      // Each record goes through the same validation and permissions as a form edit.
      await api('PATCH', `${recordsUrl(app, entityKey)}/${record.id}`, {
        version: record.version,
        [bulkField]: bulkValue,
      }).catch((e: unknown) =>
        failures.push(e instanceof ApiError ? `${e.details[0]?.message ?? e.message}` : String(e)),
      );
    }
    setSelected(new Set());
    setBulkField('');
    if (failures.length > 0) setError(failures.slice(0, 3).join('; '));
    void load();
  };

  const bulkDelete = async () => {
    if (!page || !window.confirm(t('list.confirmDelete', { count: selected.size }))) return;
    for (const record of page.items.filter((r) => selected.has(r.id))) {
      await api('DELETE', `${recordsUrl(app, entityKey)}/${record.id}`, undefined, {
        'if-match': `"${record.version}"`,
      }).catch(() => undefined);
    }
    setSelected(new Set());
    void load();
  };

  const open = (record: RecordJson) => navigate(`/apps/${app}/${entityKey}/${record.id}`);

  return (
    <section className="page" aria-labelledby="list-title">
      <div className="page-header">
        <h1 id="list-title">{label(entity.pluralLabel ?? entity.label)}</h1>
        <div className="toolbar">
          <form
            aria-label={t('list.search')}
            onSubmit={(e) => {
              e.preventDefault();
              save({ ...state, q: searchText.trim() });
            }}
          >
            <label htmlFor="quick-search" className="sr-only">
              {t('list.search')}
            </label>
            <input
              id="quick-search"
              type="search"
              placeholder={t('list.searchPlaceholder')}
              value={searchText}
              onChange={(e) => setSearchText(e.target.value)}
            />
          </form>
          <button
            type="button"
            aria-expanded={showFilter}
            onClick={() => setShowFilter(!showFilter)}
            data-testid="filter-toggle"
          >
            {t('list.filter')}
            {state.conditions.length > 0 ? ` (${state.conditions.length})` : ''}
          </button>
          <button type="button" aria-expanded={showColumns} onClick={() => setShowColumns(!showColumns)}>
            {t('list.columns')}
          </button>
          <label htmlFor="saved-views" className="sr-only">
            {t('list.savedViews')}
          </label>
          <select id="saved-views" value="" onChange={(e) => applyView(e.target.value)}>
            <option value="">{t('list.savedViews')}</option>
            {views.map((v) => (
              <option key={v.id} value={v.id}>
                {v.shared ? `★ ${v.name}` : v.name}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => void saveView()}>
            {t('list.saveView')}
          </button>
          {selectFields[0] && (
            <button
              type="button"
              onClick={() => navigate(`/apps/${app}/${entityKey}/kanban/${selectFields[0]!.key}`)}
              data-testid="kanban-link"
            >
              {t('list.kanban')}
            </button>
          )}
          {entity.pool && (
            <button
              type="button"
              onClick={() => navigate(`/apps/${app}/${entityKey}/pool`)}
              data-testid="pool-link"
            >
              {t('pool.link')}
            </button>
          )}
          <button type="button" onClick={exportCsv}>
            {t('list.export')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => navigate(`/apps/${app}/${entityKey}/new`)}
            data-testid="new-record"
          >
            {t('list.new')}
          </button>
        </div>
      </div>
      {showFilter && (
        <FilterBuilder
          entity={entity}
          initial={state.conditions}
          onApply={(conditions) => {
            save({ ...state, conditions });
            setShowFilter(false);
          }}
        />
      )}
      {showColumns && (
        <ColumnChooser
          entity={entity}
          columns={state.columns}
          onChange={(next) => save({ ...state, columns: next })}
        />
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {selected.size > 0 && (
        <section
          className="bulk"
          aria-live="polite"
          aria-label={t('list.selected', { count: selected.size })}
        >
          <span>{t('list.selected', { count: selected.size })}</span>
          <label htmlFor="bulk-field" className="sr-only">
            {t('list.bulkEdit')}
          </label>
          <select id="bulk-field" value={bulkField} onChange={(e) => setBulkField(e.target.value)}>
            <option value="">{t('list.bulkEdit')}</option>
            {entity.fields
              .filter((f) =>
                ['singleSelect', 'text', 'boolean', 'date', 'user', 'number', 'money'].includes(f.type),
              )
              .map((f) => (
                <option key={f.id} value={f.key}>
                  {label(f.label)}
                </option>
              ))}
          </select>
          {bulkField && fieldsByKey.get(bulkField) && (
            <>
              <FieldInput
                id="bulk-value"
                field={fieldsByKey.get(bulkField)!}
                value={bulkValue}
                onChange={setBulkValue}
                readOnly={false}
                invalid={false}
                doc={doc}
                app={app}
              />
              <button type="button" onClick={() => void bulkEdit()} data-testid="bulk-apply">
                {t('list.apply')}
              </button>
            </>
          )}
          <button type="button" onClick={() => void bulkDelete()}>
            {t('list.bulkDelete')}
          </button>
        </section>
      )}
      {!page ? (
        <p className="loading">{t('app.loading')}</p>
      ) : page.items.length === 0 ? (
        <p className="empty">{t('list.empty')}</p>
      ) : phone ? (
        <ul className="cards" data-testid="record-cards">
          {page.items.map((record) => (
            <li key={record.id}>
              <button type="button" className="card-button" onClick={() => open(record)}>
                <strong>
                  {displayValue(columns[0]!, record[columns[0]!.key], {
                    ...ctx,
                    expanded: record._expand ?? {},
                  })}
                </strong>
                <dl>
                  {columns.slice(1, 4).map((f) => (
                    <div key={f.id}>
                      <dt>{label(f.label)}</dt>
                      <dd>{displayValue(f, record[f.key], { ...ctx, expanded: record._expand ?? {} })}</dd>
                    </div>
                  ))}
                </dl>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <div className="table-wrap">
          <table data-testid="record-table">
            <thead>
              <tr>
                <th scope="col" className="check">
                  <input
                    type="checkbox"
                    aria-label={t('list.selected', { count: page.items.length })}
                    checked={selected.size === page.items.length}
                    onChange={(e) =>
                      setSelected(e.target.checked ? new Set(page.items.map((r) => r.id)) : new Set())
                    }
                  />
                </th>
                {columns.map((f) => (
                  <th key={f.id} scope="col" aria-sort={sortOf(f.key)}>
                    <button
                      type="button"
                      className="sort"
                      onClick={() => toggleSort(f.key)}
                      data-testid={`sort-${f.key}`}
                    >
                      {label(f.label)}
                      {sortOf(f.key) === 'ascending' ? ' ▲' : sortOf(f.key) === 'descending' ? ' ▼' : ''}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.items.map((record) => (
                <tr key={record.id}>
                  <td className="check">
                    <input
                      type="checkbox"
                      aria-label={String(record[columns[0]?.key ?? 'id'] ?? record.id)}
                      checked={selected.has(record.id)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.target.checked) next.add(record.id);
                        else next.delete(record.id);
                        setSelected(next);
                      }}
                    />
                  </td>
                  {columns.map((f, i) => (
                    <td key={f.id}>
                      {i === 0 ? (
                        <a
                          href={`/apps/${app}/${entityKey}/${record.id}`}
                          onClick={(e) => {
                            e.preventDefault();
                            open(record);
                          }}
                        >
                          {displayValue(f, record[f.key], { ...ctx, expanded: record._expand ?? {} })}
                        </a>
                      ) : (
                        displayValue(f, record[f.key], { ...ctx, expanded: record._expand ?? {} })
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && (
        <nav className="pager" aria-label={t('list.next')}>
          <span data-testid="total">
            {t(page.totalExact ? 'list.total' : 'list.totalEstimate', { total: page.total })}
          </span>
          <button
            type="button"
            disabled={cursors.length <= 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            {t('list.previous')}
          </button>
          <button
            type="button"
            disabled={!page.nextCursor}
            onClick={() => setCursors([...cursors, page.nextCursor])}
          >
            {t('list.next')}
          </button>
        </nav>
      )}
    </section>
  );
}

function ColumnChooser({
  entity,
  columns,
  onChange,
}: {
  entity: Entity;
  columns: string[];
  onChange: (columns: string[]) => void;
}) {
  const { t, label } = useI18n();
  const fields = entity.fields.filter((f) => f.type !== 'subTable');
  const move = (key: string, delta: number) => {
    const index = columns.indexOf(key);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= columns.length) return;
    const next = [...columns];
    [next[index], next[target]] = [next[target]!, next[index]!];
    onChange(next);
  };
  return (
    <fieldset className="columns">
      <legend>{t('list.columns')}</legend>
      <ul>
        {[
          ...columns.map((k) => fields.find((f) => f.key === k)!).filter(Boolean),
          ...fields.filter((f) => !columns.includes(f.key)),
        ].map((f) => (
          <li key={f.id}>
            <label>
              <input
                type="checkbox"
                checked={columns.includes(f.key)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...columns, f.key] : columns.filter((c) => c !== f.key))
                }
              />
              {label(f.label)}
            </label>
            {columns.includes(f.key) && (
              <>
                <button
                  type="button"
                  className="link"
                  aria-label={`${t('list.moveLeft')} ${label(f.label)}`}
                  onClick={() => move(f.key, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="link"
                  aria-label={`${t('list.moveRight')} ${label(f.label)}`}
                  onClick={() => move(f.key, 1)}
                >
                  ↓
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
