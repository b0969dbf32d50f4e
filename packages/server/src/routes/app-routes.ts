import { DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireAppAccess, requireRight } from '../auth/auth-hooks.js';
import type { ServerContext } from '../http/request-context.js';

const APP_KEY = /^[a-z][a-z0-9_]{1,30}$/;

function appKey(key: string): string {
  if (!APP_KEY.test(key)) throw new DougongError('NOT_FOUND', 'No such app.');
  return key;
}

function revisionFrom(header: string | string[] | undefined, bodyRevision: unknown): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined) {
    const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value);
    if (!match)
      throw new DougongError('BAD_REQUEST', undefined, [
        { path: '/headers/if-match', message: 'must be a draft revision such as "3"' },
      ]);
    return Number(match[1]);
  }
  if (bodyRevision === undefined) return undefined;
  if (!Number.isSafeInteger(bodyRevision))
    throw new DougongError('BAD_REQUEST', undefined, [
      { path: '/expectedRevision', message: 'must be an integer' },
    ]);
  return bodyRevision as number;
}

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

  app.post<{ Params: { app: string } }>('/api/apps/:app/plan', async (request) => {
    requireRight(request, 'editMetadata');
    return ctx.store.plan(appKey(request.params.app));
  });

  app.post<{ Params: { app: string }; Body: { summary?: string; expectedRevision?: number } | undefined }>(
    '/api/apps/:app/publish',
    {
      schema: {
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            summary: { type: 'string', maxLength: 2000 },
            expectedRevision: { type: 'integer', minimum: 0 },
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
}
