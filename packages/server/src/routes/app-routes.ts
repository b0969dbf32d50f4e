import type { FastifyInstance } from 'fastify';
import { principalOf, requireAppAccess, requireRight } from '../auth/auth-hooks.js';
import type { ServerContext } from '../http/request-context.js';
import { registerHistoryRoutes } from './app-history-routes.js';
import { appKey, revisionFrom } from './app-params.js';

/**
 * Metadata API: apps, drafts, plan (dry run), publish and versions. Part of the public contract.
 */
export function registerAppRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/apps', async (request) => {
    const principal = principalOf(request);
    const apps = await ctx.store.list();
    // Everyone sees the apps they have a role in; designers and administrators see all of them.
    const all = principal.rights.has('editMetadata') || principal.rights.has('allData');
    return {
      items: apps.filter(
        (a) => (all || a.key in principal.roles) && (!principal.appKeys || principal.appKeys.includes(a.key)),
      ),
    };
  });

  app.get<{ Params: { app: string } }>('/api/apps/:app', async (request) => {
    requireAppAccess(request, request.params.app);
    const { version, model } = await ctx.store.publishedModel(appKey(request.params.app));
    return { version, document: model.document };
  });

  app.get<{ Params: { app: string } }>('/api/apps/:app/draft', async (request, reply) => {
    requireRight(request, 'editMetadata');
    const draft = await ctx.store.draft(appKey(request.params.app));
    void reply.header('ETag', `"${draft.revision}"`);
    return draft;
  });

  app.put<{ Params: { app: string } }>(
    '/api/apps/:app/draft',
    { bodyLimit: 8 * 1024 * 1024 },
    async (request, reply) => {
      const actor = requireRight(request, 'editMetadata');
      const key = appKey(request.params.app);
      const saved = await ctx.store.saveDraft(key, request.body, {
        actor: actor.userId,
        ...(revisionFrom(request.headers['if-match'], undefined) !== undefined
          ? { expectedRevision: revisionFrom(request.headers['if-match'], undefined)! }
          : {}),
      });
      void reply.header('ETag', `"${saved.revision}"`);
      return { revision: saved.revision };
    },
  );

  app.post<{ Params: { app: string }; Body: { acknowledgeTypeChanges?: boolean } | undefined }>(
    '/api/apps/:app/plan',
    {
      schema: {
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { acknowledgeTypeChanges: { type: 'boolean' } },
        },
      },
    },
    async (request) => {
      requireRight(request, 'editMetadata');
      return ctx.store.plan(appKey(request.params.app), {
        ...(request.body?.acknowledgeTypeChanges ? { acknowledgeTypeChanges: true } : {}),
      });
    },
  );

  app.post<{
    Params: { app: string };
    Body: { summary?: string; expectedRevision?: number; acknowledgeTypeChanges?: boolean } | undefined;
  }>(
    '/api/apps/:app/publish',
    {
      schema: {
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            summary: { type: 'string', maxLength: 2000 },
            expectedRevision: { type: 'integer', minimum: 0 },
            acknowledgeTypeChanges: { type: 'boolean' },
          },
        },
      },
    },
    async (request) => {
      const actor = requireRight(request, 'publish');
      const expected = revisionFrom(request.headers['if-match'], request.body?.expectedRevision);
      const published = await ctx.store.publish(appKey(request.params.app), {
        actor: actor.userId,
        now: ctx.now(),
        ...(request.body?.summary ? { summary: request.body.summary } : {}),
        ...(expected !== undefined ? { expectedRevision: expected } : {}),
        ...(request.body?.acknowledgeTypeChanges ? { acknowledgeTypeChanges: true } : {}),
      });
      await ctx.identity.audit('app.published', {
        actorId: actor.userId,
        target: request.params.app,
        ip: request.ip,
        details: { version: published.version },
      });
      return published;
    },
  );

  app.get<{ Params: { app: string } }>('/api/apps/:app/versions', async (request) => {
    requireRight(request, 'editMetadata');
    return { items: await ctx.store.versions(appKey(request.params.app)) };
  });

  registerHistoryRoutes(app, ctx);
}
