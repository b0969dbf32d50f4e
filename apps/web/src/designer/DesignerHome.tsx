import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import { navigate } from '../app/router';
import { useI18n } from '../i18n/i18n';
import { APP_KEY } from './designer-api';
import { useDesignerText } from './designer-i18n';
import { TemplatesPanel } from './TemplatesPanel';
import './designer.css';

interface AppRow {
  key: string;
  label: { 'zh-CN'?: string; en?: string };
  publishedVersion: number;
  draftRevision: number;
}

/**
 * The designer's start page: the apps, "new app" (which starts from an empty draft) and the bundled
 * templates to install or upgrade (installing needs the `publish` right).
 */
export default function DesignerHome({ canPublish = false }: { canPublish?: boolean }) {
  const dt = useDesignerText();
  const { label } = useI18n();
  const [apps, setApps] = useState<AppRow[]>([]);
  const [creating, setCreating] = useState(false);
  const [key, setKey] = useState('');
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [error, setError] = useState<{ path: string; message: string } | null>(null);

  const refreshApps = useCallback(async () => {
    setApps((await api<{ items: AppRow[] }>('GET', '/api/apps')).items);
  }, []);
  useEffect(() => {
    void refreshApps();
  }, [refreshApps]);

  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!APP_KEY.test(key)) {
      setError({ path: '/key', message: dt('designer.appKeyHint') });
      return;
    }
    if (apps.some((a) => a.key === key)) {
      setError({ path: '/key', message: 'exists' });
      return;
    }
    try {
      await api('PUT', `/api/apps/${key}/draft`, {
        schemaVersion: 1,
        key,
        label: { 'zh-CN': zh || key, ...(en ? { en } : {}) },
        entities: [],
      });
      navigate(`/design/${key}/model`);
    } catch (e) {
      const detail = e instanceof ApiError ? e.details[0] : undefined;
      setError(detail ?? { path: '', message: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <section className="designer-home">
      <h2>{dt('designer.apps')}</h2>
      <ul className="app-cards">
        {apps.map((a) => (
          <li key={a.key}>
            <a
              href={`/design/${a.key}/model`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/design/${a.key}/model`);
              }}
            >
              <strong>{label(a.label)}</strong> <code>{a.key}</code> <small>v{a.publishedVersion}</small>
            </a>
          </li>
        ))}
      </ul>
      {creating ? (
        <form className="new-app" onSubmit={create} data-testid="new-app-form">
          <label>
            {dt('designer.appKey')}
            <input
              value={key}
              onChange={(e) => setKey(e.target.value.trim())}
              aria-describedby="app-key-hint"
            />
          </label>
          <small id="app-key-hint">{dt('designer.appKeyHint')}</small>
          <label>
            {dt('designer.appLabelZh')}
            <input value={zh} onChange={(e) => setZh(e.target.value)} />
          </label>
          <label>
            {dt('designer.appLabelEn')}
            <input value={en} onChange={(e) => setEn(e.target.value)} />
          </label>
          {error && (
            <p className="error" role="alert">
              <code>{error.path}</code> {error.message}
            </p>
          )}
          <button type="submit" className="primary">
            {dt('designer.create')}
          </button>
          <button type="button" onClick={() => setCreating(false)}>
            {dt('designer.cancel')}
          </button>
        </form>
      ) : (
        <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="new-app">
          {dt('designer.newApp')}
        </button>
      )}
      <TemplatesPanel canPublish={canPublish} onChanged={() => void refreshApps()} />
    </section>
  );
}
