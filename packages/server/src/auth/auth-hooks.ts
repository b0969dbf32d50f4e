import type { Principal, SystemRight } from '@dougong/access';
import { DougongError } from '@dougong/schema';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authentication, PrincipalResolver } from './principal-resolver.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for authenticated requests. */
    auth?: Authentication;
  }
}

const PUBLIC = [
  /^\/api\/health$/,
  /^\/api\/auth\/login$/,
  /^\/api\/docs(\/static\/.*|\/?)$/,
  /^\/api\/public\//,
];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authenticates every `/api` request except the public ones (401 otherwise), and requires the session's
 * CSRF token in `X-CSRF-Token` for cookie-authenticated writes (403 otherwise). Bearer keys need no token:
 * browsers never send them on their own.
 */
export function installAuthHooks(app: FastifyInstance, resolver: PrincipalResolver): void {
  app.decorateRequest('auth', undefined);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || PUBLIC.some((re) => re.test(path))) {
      // Public routes still see who is signed in, when someone is.
      if (path.startsWith('/api/'))
        request.auth = await resolver.authenticate(request).catch(() => undefined);
      return;
    }
    const auth = await resolver.authenticate(request);
    if (!auth) throw new DougongError('UNAUTHENTICATED');
    if (auth.method === 'session' && UNSAFE.has(request.method)) {
      const token = request.headers['x-csrf-token'];
      if (typeof token !== 'string' || token !== auth.csrfToken) {
        throw new DougongError('FORBIDDEN', 'Missing or wrong CSRF token (send X-CSRF-Token).', [
          { path: '/headers/x-csrf-token', message: 'must be the session’s CSRF token' },
        ]);
      }
    }
    request.auth = auth;
  });
}

/** The principal of an authenticated request (the hooks guarantee one on non-public routes). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.auth) throw new DougongError('UNAUTHENTICATED');
  return request.auth.principal;
}

/** Requires a system right; 403 otherwise. */
export function requireRight(request: FastifyRequest, right: SystemRight): Principal {
  const principal = principalOf(request);
  if (!principal.rights.has(right)) throw new DougongError('FORBIDDEN', `This needs the "${right}" right.`);
  return principal;
}

/** Requires that an API key (if that is how the request authenticated) covers the app; 404 otherwise. */
export function requireAppAccess(request: FastifyRequest, appKey: string): Principal {
  const principal = principalOf(request);
  if (principal.appKeys && !principal.appKeys.includes(appKey))
    throw new DougongError('NOT_FOUND', 'No such app.');
  return principal;
}

/**
 * A fixed-window limiter per key (in process), for public endpoints such as login: past `limit` calls
 * in `windowMs` it answers 429 with Retry-After.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a call; throws RATE_LIMITED with `retryAfter` seconds when over the limit. */
  hit(key: string, now = Date.now()): void {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 50_000) this.prune(now);
    }
    window.count += 1;
    if (window.count > this.limit) {
      throw new DougongError('RATE_LIMITED', undefined, [], {
        retryAfter: Math.ceil((window.start + this.windowMs - now) / 1000),
      });
    }
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
