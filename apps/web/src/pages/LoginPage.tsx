import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../api/client';
import { signIn } from '../api/session';
import { useI18n } from '../i18n/i18n';

/** The sign-in page. */
export function LoginPage({ onSignedIn }: { onSignedIn: () => void | Promise<void> }) {
  const { t, locale, setLocale } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const userId = useId();
  const passwordId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      await onSignedIn();
    } catch (e) {
      if (e instanceof ApiError && e.status === 429)
        setError(t('auth.throttled', { seconds: String(e.body.retryAfter ?? 60) }));
      else if (e instanceof ApiError && e.status === 0) setError(t('error.network'));
      else setError(t('auth.failed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form onSubmit={submit} className="card" aria-labelledby="login-title">
        <h1 id="login-title">{t('auth.title')}</h1>
        <label htmlFor={userId}>{t('auth.username')}</label>
        <input id={userId} name="username" autoComplete="username" required />
        <label htmlFor={passwordId}>{t('auth.password')}</label>
        <input id={passwordId} name="password" type="password" autoComplete="current-password" required />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('auth.submit')}
        </button>
        <button type="button" className="link" onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}>
          {t('locale.switch')}
        </button>
      </form>
    </main>
  );
}
