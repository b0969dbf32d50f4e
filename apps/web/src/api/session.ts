import type { AppDocument } from '@dougong/schema';
import { api, setCsrfToken } from './client';

/** The signed-in user as the app needs it. */
export interface Me {
  user: { id: string; login: string; name: string; locale: 'zh-CN' | 'en' };
  csrfToken: string | null;
  roles: Record<string, string[]>;
  rights: string[];
}

/** Who is signed in, or null. */
export async function loadMe(): Promise<Me | null> {
  try {
    const me = await api<Me>('GET', '/api/auth/me');
    setCsrfToken(me.csrfToken);
    return me;
  } catch {
    return null;
  }
}

/** Signs in; the session cookie is set by the server. */
export async function signIn(username: string, password: string): Promise<void> {
  const result = await api<{ csrfToken: string }>('POST', '/api/auth/login', { username, password });
  setCsrfToken(result.csrfToken);
}

/** Signs out. */
export async function signOut(): Promise<void> {
  await api('POST', '/api/auth/logout');
  setCsrfToken(null);
}

const documents = new Map<string, Promise<AppDocument>>();

/** The published document of an app (cached for the page's life). */
export function appDocument(app: string): Promise<AppDocument> {
  let doc = documents.get(app);
  if (!doc) {
    doc = api<{ document: AppDocument }>('GET', `/api/apps/${app}`).then((r) => r.document);
    doc.catch(() => documents.delete(app));
    documents.set(app, doc);
  }
  return doc;
}

/** Apps the user may use. */
export async function listApps(): Promise<Array<{ key: string; label: { 'zh-CN'?: string; en?: string } }>> {
  return (
    await api<{ items: Array<{ key: string; label: { 'zh-CN'?: string; en?: string } }> }>('GET', '/api/apps')
  ).items;
}
