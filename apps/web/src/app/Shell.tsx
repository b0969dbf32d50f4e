import type { AppDocument } from '@dougong/schema';
import { type ReactNode, useEffect, useState } from 'react';
import { appDocument, type Me, signOut } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { navigate, type Route } from './router';

/** The frame around pages: header with user, locale switch, sign-out; navigation built from metadata. */
export function Shell({
  me,
  route,
  children,
  onSignedOut,
}: {
  me: Me;
  route: Route;
  children: ReactNode;
  onSignedOut: () => void;
}) {
  const { t, label, locale, setLocale } = useI18n();
  const appKey = 'app' in route ? route.app : undefined;
  const [doc, setDoc] = useState<AppDocument | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    if (appKey) void appDocument(appKey).then(setDoc, () => setDoc(null));
  }, [appKey]);

  const entities = (doc?.entities ?? []).filter((e) => e.kind !== 'child');
  const current = 'entity' in route ? route.entity : undefined;
  const designing = route.page === 'design' || route.page === 'designHome';
  const canDesign = me.rights.includes('editMetadata');
  return (
    <div className="shell">
      <header className="topbar">
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          ☰ <span className="sr-only">{t('nav.menu')}</span>
        </button>
        <strong className="brand">{doc ? label(doc.label) : t('app.name')}</strong>
        <span className="spacer" />
        {canDesign && (
          <a
            className="link"
            href={designing ? `/apps/${appKey ?? ''}` : `/design/${appKey ?? ''}`}
            data-testid="designer-link"
            onClick={(event) => {
              event.preventDefault();
              navigate(
                designing
                  ? appKey
                    ? `/apps/${appKey}`
                    : '/'
                  : appKey
                    ? `/design/${appKey}/model`
                    : '/design',
              );
            }}
          >
            {designing ? t('nav.runtime') : t('nav.designer')}
          </a>
        )}
        <span className="user" data-testid="user-name">
          {me.user.name}
        </span>
        <button
          type="button"
          className="link"
          onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}
          data-testid="locale-switch"
        >
          {t('locale.switch')}
        </button>
        <button
          type="button"
          className="link"
          onClick={async () => {
            await signOut();
            onSignedOut();
            navigate('/login');
          }}
        >
          {t('auth.logout')}
        </button>
      </header>
      <div className="body">
        <nav id="nav" className={menuOpen ? 'nav open' : 'nav'} aria-label={t('nav.menu')} hidden={designing}>
          <ul>
            {entities.map((e) => (
              <li key={e.id}>
                <a
                  href={`/apps/${appKey}/${e.key}`}
                  aria-current={current === e.key ? 'page' : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    setMenuOpen(false);
                    navigate(`/apps/${appKey}/${e.key}`);
                  }}
                >
                  {label(e.pluralLabel ?? e.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
