import { mayGrantRole, type Principal, SYSTEM_RIGHTS } from '@dougong/access';
import type { AppStore, IdentityStore } from '@dougong/db';
import { DougongError } from '@dougong/schema';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf, requireRight } from './auth-hooks.js';
import { checkPasswordPolicy, hashPassword } from './password.js';
import type { PrincipalResolver } from './principal-resolver.js';

/** What the identity routes need. */
export interface IdentityRouteContext {
  identity: IdentityStore;
  store: AppStore;
  resolver: PrincipalResolver;
}

const uuid = { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } as const;
const rightsSchema = {
  type: 'array',
  uniqueItems: true,
  maxItems: 10,
  items: { type: 'string', enum: [...SYSTEM_RIGHTS] },
} as const;
const userProps = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  email: { type: ['string', 'null'], maxLength: 254, format: 'email' },
  mobile: { type: ['string', 'null'], maxLength: 40 },
  locale: { type: 'string', enum: ['zh-CN', 'en'] },
} as const;

function notSelf(actor: Principal, userId: string, what: string): void {
  if (actor.userId === userId) throw new DougongError('FORBIDDEN', `You cannot change your own ${what}.`);
}

function grantableRights(actor: Principal, rights: readonly string[], path: string): void {
  const missing = rights.filter((r) => !actor.rights.has(r as never));
  if (missing.length > 0)
    throw new DougongError('FORBIDDEN', 'You cannot grant rights you do not hold.', [
      { path, message: `you do not hold ${missing.join(', ')}` },
    ]);
}

async function checkRoles(
  ctx: IdentityRouteContext,
  actor: Principal,
  appKey: string,
  roles: readonly string[],
  current: readonly string[],
): Promise<void> {
  const { model } = await ctx.store.publishedModel(appKey);
  const known = new Set((model.document.roles ?? []).map((r) => r.key));
  roles.forEach((role, i) => {
    if (!known.has(role))
      throw new DougongError('VALIDATION_FAILED', undefined, [
        { path: `/roles/${i}`, message: `"${role}" is not a role of ${appKey}` },
      ]);
  });
  // Adding and removing both need the role: nobody hands out, or takes away, a right they do not hold.
  const changed = [
    ...roles.filter((r) => !current.includes(r)),
    ...current.filter((r) => !roles.includes(r)),
  ];
  for (const role of changed) {
    if (!mayGrantRole(actor, model.document, role)) {
      throw new DougongError('FORBIDDEN', `You cannot grant or remove the role "${role}".`, [
        { path: '/roles', message: `needs manageUsers and the role ${role}` },
      ]);
    }
  }
}

/**
 * Users, departments, role assignments, API keys and the audit log:
 * `/api/users`, `/api/departments`, `/api/api-keys`, `/api/audit`.
 */
export function registerIdentityRoutes(app: FastifyInstance, ctx: IdentityRouteContext): void {
  const audit = (
    request: FastifyRequest,
    action: string,
    target: string | null,
    details: Record<string, unknown> = {},
  ) =>
    ctx.identity.audit(action, {
      actorId: request.auth?.principal.userId ?? null,
      target,
      ip: request.ip,
      details,
    });

  app.get<{ Querystring: { q?: string; limit?: number } }>(
    '/api/users',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (request) => {
      requireRight(request, 'manageUsers');
      return { items: await ctx.identity.listUsers(request.query) };
    },
  );

  app.post<{
    Body: {
      login: string;
      name: string;
      email?: string | null;
      mobile?: string | null;
      locale?: string;
      password?: string;
      rights?: string[];
    };
  }>(
    '/api/users',
    {
      schema: {
        body: {
          type: 'object',
          required: ['login', 'name'],
          additionalProperties: false,
          properties: {
            login: { type: 'string', pattern: '^[A-Za-z0-9._@-]{2,64}$' },
            password: { type: 'string', maxLength: 1024 },
            rights: rightsSchema,
            ...userProps,
          },
        },
      },
    },
    async (request, reply) => {
      const actor = requireRight(request, 'manageUsers');
      grantableRights(actor, request.body.rights ?? [], '/rights');
      const passwordHash =
        request.body.password === undefined
          ? null
          : await hashPassword(checkPasswordPolicy(request.body.password, '/password'));
      const user = await ctx.identity.createUser({ ...request.body, passwordHash });
      await audit(request, 'user.created', user.id, { login: user.login, rights: user.rights });
      void reply.status(201);
      return user;
    },
  );

  app.get<{ Params: { id: string } }>('/api/users/:id', async (request) => {
    const actor = principalOf(request);
    if (actor.userId !== request.params.id) requireRight(request, 'manageUsers');
    const grants = await ctx.identity.grants(request.params.id);
    return {
      ...grants.user,
      departmentIds: grants.departmentIds,
      primaryDepartmentId: grants.primaryDepartmentId,
      roles: grants.roles,
    };
  });

  app.patch<{
    Params: { id: string };
    Body: {
      name?: string;
      email?: string | null;
      mobile?: string | null;
      locale?: string;
      status?: 'active' | 'disabled';
      rights?: string[];
    };
  }>(
    '/api/users/:id',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...userProps,
            status: { type: 'string', enum: ['active', 'disabled'] },
            rights: rightsSchema,
          },
        },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      const self = actor.userId === request.params.id;
      const { status, rights, ...profile } = request.body;
      if (!self || status !== undefined || rights !== undefined) requireRight(request, 'manageUsers');
      if (status !== undefined) notSelf(actor, request.params.id, 'status');
      if (rights !== undefined) {
        notSelf(actor, request.params.id, 'rights');
        const before = (await ctx.identity.user(request.params.id)).rights;
        const changed = [
          ...rights.filter((r) => !before.includes(r)),
          ...before.filter((r) => !rights.includes(r)),
        ];
        grantableRights(actor, changed, '/rights');
      }
      const user = await ctx.identity.updateUser(request.params.id, {
        ...profile,
        ...(status ? { status } : {}),
        ...(rights ? { rights } : {}),
      });
      if (status === 'disabled') await ctx.identity.revokeAllSessions(user.id);
      ctx.resolver.forget(user.id);
      await audit(
        request,
        rights !== undefined || status !== undefined ? 'user.access_changed' : 'user.updated',
        user.id,
        { status, rights },
      );
      return user;
    },
  );

  app.post<{ Params: { id: string }; Body: { newPassword: string } }>(
    '/api/users/:id/reset-password',
    {
      schema: {
        body: {
          type: 'object',
          required: ['newPassword'],
          additionalProperties: false,
          properties: { newPassword: { type: 'string', maxLength: 1024 } },
        },
      },
    },
    async (request) => {
      const actor = requireRight(request, 'manageUsers');
      notSelf(actor, request.params.id, 'password here (use /api/auth/password)');
      await ctx.identity.user(request.params.id);
      await ctx.identity.setPasswordHash(
        request.params.id,
        await hashPassword(checkPasswordPolicy(request.body.newPassword, '/newPassword')),
      );
      const sessions = await ctx.identity.revokeAllSessions(request.params.id);
      ctx.resolver.forget(request.params.id);
      await audit(request, 'user.password_reset', request.params.id, { sessions });
      return { ok: true };
    },
  );

  app.put<{
    Params: { id: string };
    Body: { memberships: Array<{ departmentId: string; primary?: boolean }> };
  }>(
    '/api/users/:id/departments',
    {
      schema: {
        body: {
          type: 'object',
          required: ['memberships'],
          additionalProperties: false,
          properties: {
            memberships: {
              type: 'array',
              maxItems: 50,
              items: {
                type: 'object',
                required: ['departmentId'],
                additionalProperties: false,
                properties: { departmentId: uuid, primary: { type: 'boolean' } },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const actor = requireRight(request, 'manageUsers');
      notSelf(actor, request.params.id, 'departments');
      await ctx.identity.setMemberships(request.params.id, request.body.memberships);
      ctx.resolver.forget(request.params.id);
      await audit(request, 'user.departments_changed', request.params.id, {
        memberships: request.body.memberships,
      });
      return { ok: true };
    },
  );

  app.put<{ Params: { id: string; app: string }; Body: { roles: string[] } }>(
    '/api/users/:id/roles/:app',
    {
      schema: {
        body: {
          type: 'object',
          required: ['roles'],
          additionalProperties: false,
          properties: {
            roles: {
              type: 'array',
              uniqueItems: true,
              maxItems: 50,
              items: { type: 'string', maxLength: 63 },
            },
          },
        },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      notSelf(actor, request.params.id, 'roles');
      requireRight(request, 'manageUsers');
      const current = (await ctx.identity.grants(request.params.id)).roles[request.params.app] ?? [];
      await checkRoles(ctx, actor, request.params.app, request.body.roles, current);
      await ctx.identity.setRoles(request.params.id, request.params.app, request.body.roles);
      ctx.resolver.forget(request.params.id);
      await audit(request, 'user.roles_changed', request.params.id, {
        app: request.params.app,
        before: current,
        after: request.body.roles,
      });
      return { roles: request.body.roles };
    },
  );

  // Names for display and pickers: every signed-in user may see who their colleagues are.
  app.get<{ Querystring: { ids?: string; q?: string } }>(
    '/api/directory/users',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ids: { type: 'string', maxLength: 4000 }, q: { type: 'string', maxLength: 100 } },
        },
      },
    },
    async (request) => {
      principalOf(request);
      const ids = (request.query.ids ?? '')
        .split(',')
        .filter((id) => /^[0-9a-f-]{36}$/i.test(id))
        .slice(0, 100);
      const users =
        ids.length > 0
          ? await ctx.identity.usersByIds(ids)
          : await ctx.identity.listUsers({ ...(request.query.q ? { q: request.query.q } : {}), limit: 50 });
      return {
        items: users
          .filter((u) => u.status === 'active' || ids.length > 0)
          .map((u) => ({ id: u.id, name: u.name, login: u.login })),
      };
    },
  );

  app.get('/api/departments', async (request) => {
    principalOf(request);
    return { items: await ctx.identity.departments() };
  });

  const departmentBody = {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100 },
      parentId: { anyOf: [uuid, { type: 'null' }] },
      headUserId: { anyOf: [uuid, { type: 'null' }] },
      sortOrder: { type: 'integer', minimum: 0, maximum: 100000 },
    },
  } as const;

  app.post<{
    Body: { name: string; parentId?: string | null; headUserId?: string | null; sortOrder?: number };
  }>(
    '/api/departments',
    { schema: { body: { ...departmentBody, required: ['name'] } } },
    async (request, reply) => {
      requireRight(request, 'manageUsers');
      if (request.body.headUserId) await ctx.identity.user(request.body.headUserId);
      const department = await ctx.identity.createDepartment(request.body);
      ctx.resolver.forget();
      await audit(request, 'department.created', department.id, { ...department });
      void reply.status(201);
      return department;
    },
  );

  app.patch<{
    Params: { id: string };
    Body: { name?: string; parentId?: string | null; headUserId?: string | null; sortOrder?: number };
  }>('/api/departments/:id', { schema: { body: departmentBody } }, async (request) => {
    requireRight(request, 'manageUsers');
    if (request.body.headUserId) await ctx.identity.user(request.body.headUserId);
    const department = await ctx.identity.updateDepartment(request.params.id, request.body);
    ctx.resolver.forget();
    await audit(request, 'department.updated', department.id, { ...request.body });
    return department;
  });

  app.get<{ Querystring: { all?: boolean } }>('/api/api-keys', async (request) => {
    const actor = principalOf(request);
    const all = request.query.all === true || String(request.query.all) === 'true';
    if (all) requireRight(request, 'manageUsers');
    return { items: await ctx.identity.apiKeys(all ? undefined : actor.userId) };
  });

  app.post<{ Body: { name: string; appKeys: string[]; roleKey: string } }>(
    '/api/api-keys',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'appKeys', 'roleKey'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            appKeys: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              uniqueItems: true,
              items: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,30}$' },
            },
            roleKey: { type: 'string', maxLength: 63 },
          },
        },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      if (actor.kind !== 'user') throw new DougongError('FORBIDDEN', 'API keys cannot create API keys.');
      for (const [i, appKey] of request.body.appKeys.entries()) {
        const { model } = await ctx.store.publishedModel(appKey);
        const exists = (model.document.roles ?? []).some((r) => r.key === request.body.roleKey);
        if (!exists)
          throw new DougongError('VALIDATION_FAILED', undefined, [
            { path: '/roleKey', message: `is not a role of ${appKey}` },
          ]);
        const holds =
          actor.rights.has('allData') || (actor.roles[appKey] ?? []).includes(request.body.roleKey);
        if (!holds)
          throw new DougongError('FORBIDDEN', 'A key can only carry a role you hold.', [
            { path: `/appKeys/${i}`, message: `you do not hold ${request.body.roleKey} in ${appKey}` },
          ]);
      }
      const created = await ctx.identity.createApiKey({ ...request.body, userId: actor.userId });
      await audit(request, 'api_key.created', created.id, {
        name: request.body.name,
        appKeys: request.body.appKeys,
        roleKey: request.body.roleKey,
        prefix: created.prefix,
      });
      void reply.status(201);
      return { ...created, note: 'The key is shown once; store it now.' };
    },
  );

  app.delete<{ Params: { id: string } }>('/api/api-keys/:id', async (request, reply) => {
    const actor = principalOf(request);
    const keys = await ctx.identity.apiKeys(actor.rights.has('manageUsers') ? undefined : actor.userId);
    if (!keys.some((k) => k.id === request.params.id))
      throw new DougongError('NOT_FOUND', 'No such API key.');
    if (!(await ctx.identity.revokeApiKey(request.params.id)))
      throw new DougongError('CONFLICT', 'The key is already revoked.');
    ctx.resolver.forget();
    await audit(request, 'api_key.revoked', request.params.id);
    void reply.status(204);
  });

  app.get<{ Querystring: { limit?: number; before?: number; action?: string } }>(
    '/api/audit',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
            before: { type: 'integer', minimum: 1 },
            action: { type: 'string', maxLength: 64 },
          },
        },
      },
    },
    async (request) => {
      requireRight(request, 'viewAudit');
      return { items: await ctx.identity.auditLog(request.query) };
    },
  );
}
