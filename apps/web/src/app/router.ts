import { useEffect, useState } from 'react';

/** The pages of the runtime app, parsed from the URL path. */
export type Route =
  | { page: 'login' }
  | { page: 'home' }
  | { page: 'app'; app: string }
  | { page: 'list'; app: string; entity: string }
  | { page: 'kanban'; app: string; entity: string; field: string }
  | { page: 'pool'; app: string; entity: string }
  | { page: 'new'; app: string; entity: string }
  | { page: 'record'; app: string; entity: string; id: string }
  | { page: 'public'; app: string; form: string }
  | { page: 'designHome' }
  | { page: 'design'; app: string; area: DesignArea; item?: string };

/** The areas of the designer. */
export type DesignArea = 'model' | 'forms' | 'rules' | 'flows' | 'publish';
const DESIGN_AREAS: readonly DesignArea[] = ['model', 'forms', 'rules', 'flows', 'publish'];

const seg = '([a-zA-Z0-9_-]+)';
const PATTERNS: Array<[RegExp, (m: string[]) => Route]> = [
  [/^\/login$/, () => ({ page: 'login' })],
  [/^\/design\/?$/, () => ({ page: 'designHome' })],
  [
    new RegExp(`^/design/${seg}(?:/(model|forms|rules|flows|publish)(?:/${seg})?)?/?$`),
    (m) => ({
      page: 'design',
      app: m[1]!,
      area: DESIGN_AREAS.includes(m[2] as DesignArea) ? (m[2] as DesignArea) : 'model',
      ...(m[3] ? { item: m[3] } : {}),
    }),
  ],
  [new RegExp(`^/f/${seg}/${seg}$`), (m) => ({ page: 'public', app: m[1]!, form: m[2]! })],
  [
    new RegExp(`^/apps/${seg}/${seg}/kanban/${seg}$`),
    (m) => ({ page: 'kanban', app: m[1]!, entity: m[2]!, field: m[3]! }),
  ],
  [new RegExp(`^/apps/${seg}/${seg}/new$`), (m) => ({ page: 'new', app: m[1]!, entity: m[2]! })],
  [new RegExp(`^/apps/${seg}/${seg}/pool$`), (m) => ({ page: 'pool', app: m[1]!, entity: m[2]! })],
  [
    new RegExp(`^/apps/${seg}/${seg}/([0-9a-f-]{36})$`),
    (m) => ({ page: 'record', app: m[1]!, entity: m[2]!, id: m[3]! }),
  ],
  [new RegExp(`^/apps/${seg}/${seg}$`), (m) => ({ page: 'list', app: m[1]!, entity: m[2]! })],
  [new RegExp(`^/apps/${seg}/?$`), (m) => ({ page: 'app', app: m[1]! })],
];

/** Parses a path into a route (unknown paths go home). */
export function parseRoute(path: string): Route {
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return build(match as unknown as string[]);
  }
  return { page: 'home' };
}

/** The path of a route. */
export function routePath(route: Route): string {
  switch (route.page) {
    case 'login':
      return '/login';
    case 'home':
      return '/';
    case 'app':
      return `/apps/${route.app}`;
    case 'list':
      return `/apps/${route.app}/${route.entity}`;
    case 'kanban':
      return `/apps/${route.app}/${route.entity}/kanban/${route.field}`;
    case 'new':
      return `/apps/${route.app}/${route.entity}/new`;
    case 'pool':
      return `/apps/${route.app}/${route.entity}/pool`;
    case 'record':
      return `/apps/${route.app}/${route.entity}/${route.id}`;
    case 'public':
      return `/f/${route.app}/${route.form}`;
    case 'designHome':
      return '/design';
    case 'design':
      return `/design/${route.app}/${route.area}${route.item ? `/${route.item}` : ''}`;
  }
}

/** Goes to a route (pushes history; the query string is kept when given). */
export function navigate(route: Route | string, search = ''): void {
  const path = typeof route === 'string' ? route : routePath(route);
  window.history.pushState(null, '', path + search);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current route, following history changes. */
export function useRoute(): { route: Route; search: URLSearchParams } {
  const [state, setState] = useState(readLocation);
  useEffect(() => {
    const onChange = () => setState(readLocation());
    window.addEventListener('popstate', onChange);
    return () => window.removeEventListener('popstate', onChange);
  }, []);
  return state;
}

function readLocation(): { route: Route; search: URLSearchParams } {
  return { route: parseRoute(window.location.pathname), search: new URLSearchParams(window.location.search) };
}
