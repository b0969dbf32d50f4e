import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { appDocument, listApps, loadMe, type Me } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { ListPage } from '../pages/ListPage';
import { LoginPage } from '../pages/LoginPage';
import { navigate, useRoute } from './router';
import { Shell } from './Shell';

// Pages other than the list are loaded on demand, keeping the first load small.
const KanbanPage = lazy(() => import('../pages/KanbanPage'));
const RecordPage = lazy(() => import('../pages/RecordPage'));
const PoolPage = lazy(() => import('../pages/PoolPage'));
const PublicFormPage = lazy(() => import('../pages/PublicFormPage'));
// The designer is its own chunk: users without the designer right never load it.
const DesignerHome = lazy(() => import('../designer/DesignerHome'));
const DesignerPage = lazy(() => import('../designer/DesignerPage'));

/** The runtime app: session, routing and the shell around pages. */
export function App() {
  const { route, search } = useRoute();
  const { t, setLocale } = useI18n();
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    const current = await loadMe();
    setMe(current);
    return current;
  }, []);

  useEffect(() => {
    if (route.page !== 'public') void refresh();
  }, [refresh, route.page]);

  // Home goes to the first app; an app goes to its first entity's list.
  const appKey = route.page === 'app' ? route.app : undefined;
  useEffect(() => {
    if (!me) return;
    if (route.page === 'home') {
      void listApps().then((apps) => {
        const first = apps[0];
        if (first) navigate(`/apps/${first.key}`);
      });
    } else if (appKey) {
      void appDocument(appKey).then((doc) => {
        const first = doc.entities.find((e) => e.kind !== 'child');
        if (first) navigate(`/apps/${appKey}/${first.key}`);
      });
    }
  }, [route.page, appKey, me]);

  if (route.page === 'public') {
    return (
      <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
        <PublicFormPage app={route.app} form={route.form} search={search} />
      </Suspense>
    );
  }
  if (me === undefined) return <p className="loading">{t('app.loading')}</p>;
  if (me === null || route.page === 'login') {
    return (
      <LoginPage
        onSignedIn={async () => {
          const current = await refresh();
          if (current) {
            if (!localStorage.getItem('dougong.locale')) setLocale(current.user.locale);
            navigate(route.page === 'login' ? '/' : window.location.pathname, window.location.search);
          }
        }}
      />
    );
  }
  return (
    <Shell me={me} route={route} onSignedOut={() => setMe(null)}>
      <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
        {route.page === 'list' && (
          <ListPage
            key={`${route.app}/${route.entity}`}
            app={route.app}
            entity={route.entity}
            search={search}
          />
        )}
        {route.page === 'kanban' && (
          <KanbanPage
            key={`${route.app}/${route.entity}/${route.field}`}
            app={route.app}
            entity={route.entity}
            field={route.field}
          />
        )}
        {route.page === 'pool' && (
          <PoolPage key={`${route.app}/${route.entity}/pool`} app={route.app} entity={route.entity} />
        )}
        {route.page === 'new' && (
          <RecordPage
            key={`${route.app}/${route.entity}/new`}
            app={route.app}
            entity={route.entity}
            search={search}
          />
        )}
        {route.page === 'record' && (
          <RecordPage key={route.id} app={route.app} entity={route.entity} id={route.id} search={search} />
        )}
        {route.page === 'designHome' && <DesignerHome canPublish={me.rights.includes('publish')} />}
        {route.page === 'design' && (
          <DesignerPage key={route.app} app={route.app} area={route.area} item={route.item} />
        )}
        {(route.page === 'home' || route.page === 'app') && <p className="loading">{t('app.loading')}</p>}
      </Suspense>
    </Shell>
  );
}
