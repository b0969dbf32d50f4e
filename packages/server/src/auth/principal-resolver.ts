import type { Principal, SystemRight } from '@dougong/access';
import { SYSTEM_RIGHTS } from '@dougong/access';
import type { ApiKeyInfo, IdentityStore, SessionPolicy } from '@dougong/db';
import type { FastifyRequest } from 'fastify';

/** How a request proved who it is. */
export interface Authentication {
  principal: Principal;
  method: 'session' | 'apiKey';
  /** The session's CSRF token (session auth only). */
  csrfToken?: string;
  /** The session token from the cookie (session auth only). */
  sessionToken?: string;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'dg_session';

const CACHE_MS = 2000;
// Sessions and keys are re-checked against the database at least once a second (other processes may
// revoke them); revocations in this process take effect at once.
const CREDENTIAL_CACHE_MS = 1000;

/**
 * Turns a request's cookie or bearer key into a principal. User grants are cached for two seconds per
 * user and dropped at once when this process changes them (`forget`).
 */
export class PrincipalResolver {
  private readonly cache = new Map<string, { at: number; principal: Principal }>();
  private readonly sessions = new Map<string, { at: number; userId: string; csrfToken: string }>();
  private readonly keys = new Map<string, { at: number; key: ApiKeyInfo }>();

  constructor(
    private readonly identity: IdentityStore,
    private readonly policy: SessionPolicy,
    private readonly now: () => Date,
  ) {}

  /** Drops cached grants and sessions of a user (or of everyone), and every cached API key. */
  forget(userId?: string): void {
    this.keys.clear();
    if (!userId) {
      this.cache.clear();
      this.sessions.clear();
      return;
    }
    this.cache.delete(userId);
    for (const [token, entry] of this.sessions) if (entry.userId === userId) this.sessions.delete(token);
  }

  /** Drops one cached session (logout). */
  forgetSession(token: string): void {
    this.sessions.delete(token);
  }

  private fresh(at: number): boolean {
    const now = this.now().getTime();
    return now >= at && now - at < CREDENTIAL_CACHE_MS;
  }

  /** Authenticates a request; undefined when it carries no valid credentials. */
  async authenticate(request: FastifyRequest): Promise<Authentication | undefined> {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const presented = header.slice(7).trim();
      const cachedKey = this.keys.get(presented);
      let key = cachedKey && this.fresh(cachedKey.at) ? cachedKey.key : undefined;
      if (!key) {
        key = await this.identity.verifyApiKey(presented, this.now());
        if (!key) return undefined;
        if (this.keys.size > 10_000) this.keys.clear();
        this.keys.set(presented, { at: this.now().getTime(), key });
      }
      const base = await this.principal(key.userId);
      // A key acts for its creator but only with its one role, only in its apps, and never as an admin.
      const roles: Record<string, string[]> = {};
      for (const app of key.appKeys) roles[app] = [key.roleKey];
      return {
        method: 'apiKey',
        principal: { ...base, kind: 'apiKey', roles, rights: new Set<SystemRight>(), appKeys: key.appKeys },
      };
    }
    const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (!token) return undefined;
    const cached = this.sessions.get(token);
    let session = cached && this.fresh(cached.at) ? cached : undefined;
    if (!session) {
      const found = await this.identity.session(token, this.policy, this.now());
      if (!found) {
        this.sessions.delete(token);
        return undefined;
      }
      session = { at: this.now().getTime(), userId: found.userId, csrfToken: found.csrfToken };
      if (this.sessions.size > 50_000) this.sessions.clear();
      this.sessions.set(token, session);
    }
    return {
      method: 'session',
      principal: await this.principal(session.userId),
      csrfToken: session.csrfToken,
      sessionToken: token,
    };
  }

  /** The principal of a user, from cache when fresh. */
  async principal(userId: string): Promise<Principal> {
    const cached = this.cache.get(userId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.principal;
    const grants = await this.identity.grants(userId);
    const principal: Principal = {
      kind: 'user',
      userId,
      departmentIds: grants.departmentIds,
      departmentTreeIds: grants.departmentTreeIds,
      primaryDepartmentId: grants.primaryDepartmentId,
      roles: grants.roles,
      rights: new Set(
        grants.user.rights.filter((r): r is SystemRight => (SYSTEM_RIGHTS as readonly string[]).includes(r)),
      ),
    };
    this.cache.set(userId, { at: Date.now(), principal });
    return principal;
  }
}

/** Reads one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}
