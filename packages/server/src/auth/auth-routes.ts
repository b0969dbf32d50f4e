import type { IdentityStore, SessionPolicy } from '@dougong/db';
import { DougongError } from '@dougong/schema';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalOf, WindowLimiter } from './auth-hooks.js';
import { checkPasswordPolicy, dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import { type PrincipalResolver, SESSION_COOKIE } from './principal-resolver.js';

/** What the auth routes need. */
export interface AuthRouteContext {
  identity: IdentityStore;
  resolver: PrincipalResolver;
  policy: SessionPolicy;
  now: () => Date;
}

const loginBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 100 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

function tooMany(reply: FastifyReply, until: Date, now: Date): never {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  void reply.header('Retry-After', String(seconds));
  throw new DougongError('RATE_LIMITED', 'Too many failed sign-ins; retry later.', [], {
    retryAfter: seconds,
  });
}

/**
 * `POST /api/auth/login`, `POST /api/auth/logout`, `POST /api/auth/logout-all`, `GET /api/auth/me`,
 * `POST /api/auth/password`. Part of the public contract.
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: AuthRouteContext): void {
  const perIp = new WindowLimiter(60, 60_000);

  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    { schema: { body: loginBody } },
    async (request, reply) => {
      const now = ctx.now();
      const ip = request.ip;
      try {
        perIp.hit(`login:${ip}`, now.getTime());
      } catch (error) {
        void reply.header('Retry-After', String((error as DougongError).extra.retryAfter ?? 60));
        throw error;
      }
      const username = request.body.username.trim();
      const throttleKey = `login:${ip}:${username.toLowerCase()}`;
      const accountKey = `login-account:${username.toLowerCase()}`;
      for (const key of [throttleKey, accountKey]) {
        const blocked = await ctx.identity.blockedUntil(key, now);
        if (blocked) tooMany(reply, blocked, now);
      }
      const found = await ctx.identity.credentials(username);
      const ok = found?.passwordHash
        ? await verifyPassword(found.passwordHash, request.body.password)
        : await verifyPassword(await dummyPasswordHash(), request.body.password).then(() => false);
      if (!found || !ok || found.user.status !== 'active') {
        const until = await ctx.identity.registerFailure(throttleKey, now);
        // The account-wide counter backs off more slowly, so attackers rotating IPs are slowed too.
        await ctx.identity.registerFailure(accountKey, now);
        await ctx.identity.audit('auth.login_failed', {
          actorId: found?.user.id ?? null,
          target: username.slice(0, 100),
          ip,
        });
        if (until) tooMany(reply, until, now);
        throw new DougongError('UNAUTHENTICATED', 'Wrong user name or password.');
      }
      await ctx.identity.clearFailures(throttleKey);
      await ctx.identity.clearFailures(accountKey);
      const session = await ctx.identity.createSession(found.user.id, ctx.policy, {
        userAgent: request.headers['user-agent'] ?? '',
        ip,
        now,
      });
      await ctx.identity.audit('auth.login', { actorId: found.user.id, target: found.user.id, ip });
      void reply.header(
        'Set-Cookie',
        sessionCookie(request, session.token, Math.floor(ctx.policy.absoluteMs / 1000)),
      );
      return { user: found.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.post('/api/auth/logout', async (request, reply) => {
    const auth = request.auth;
    if (auth?.sessionToken) {
      await ctx.identity.revokeSession(auth.sessionToken);
      ctx.resolver.forgetSession(auth.sessionToken);
    }
    await ctx.identity.audit('auth.logout', { actorId: auth?.principal.userId ?? null, ip: request.ip });
    void reply.header('Set-Cookie', sessionCookie(request, '', 0));
    return { ok: true };
  });

  app.post('/api/auth/logout-all', async (request, reply) => {
    const principal = principalOf(request);
    const revoked = await ctx.identity.revokeAllSessions(principal.userId);
    ctx.resolver.forget(principal.userId);
    await ctx.identity.audit('auth.logout_all', {
      actorId: principal.userId,
      target: principal.userId,
      ip: request.ip,
      details: { sessions: revoked },
    });
    void reply.header('Set-Cookie', sessionCookie(request, '', 0));
    return { ok: true, sessions: revoked };
  });

  app.get('/api/auth/me', async (request) => {
    const principal = principalOf(request);
    const user = await ctx.identity.user(principal.userId);
    return {
      user,
      method: request.auth?.method,
      csrfToken: request.auth?.csrfToken ?? null,
      departmentIds: principal.departmentIds,
      primaryDepartmentId: principal.primaryDepartmentId,
      managerId: await ctx.identity.managerOf(principal.userId),
      roles: principal.roles,
      rights: [...principal.rights],
    };
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/auth/password',
    {
      schema: {
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: {
            currentPassword: { type: 'string', maxLength: 1024 },
            newPassword: { type: 'string', maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== 'user') throw new DougongError('FORBIDDEN', 'API keys cannot change passwords.');
      const hash = await ctx.identity.passwordHash(principal.userId);
      if (!hash || !(await verifyPassword(hash, request.body.currentPassword))) {
        throw new DougongError('FORBIDDEN', 'The current password is wrong.', [
          { path: '/currentPassword', message: 'is wrong' },
        ]);
      }
      const next = checkPasswordPolicy(request.body.newPassword, '/newPassword');
      await ctx.identity.setPasswordHash(principal.userId, await hashPassword(next));
      await ctx.identity.revokeAllSessions(principal.userId);
      ctx.resolver.forget(principal.userId);
      const session = await ctx.identity.createSession(principal.userId, ctx.policy, {
        ip: request.ip,
        now: ctx.now(),
      });
      await ctx.identity.audit('auth.password_changed', {
        actorId: principal.userId,
        target: principal.userId,
        ip: request.ip,
      });
      void reply.header(
        'Set-Cookie',
        sessionCookie(request, session.token, Math.floor(ctx.policy.absoluteMs / 1000)),
      );
      return { csrfToken: session.csrfToken };
    },
  );
}
