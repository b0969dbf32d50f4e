import { DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
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
  app.get('/api/apps', async () => ({ items: await ctx.store.list() }));

  app.get<{ Params: { app: string } }>('/api/apps/:app', async (request) => {
    const { version, model } = await ctx.store.publishedModel(appKey(request.params.app));
    return { version, document: model.document };
  });

  app.get<{ Params: { app: string } }>('/api/apps/:app/draft', async (request, reply) => {
    const draft = await ctx.store.draft(appKey(request.params.app));
    void reply.header('ETag', `"${draft.revision}"`);
    return draft;
  });

  app.put<{ Params: { app: string } }>(
    '/api/apps/:app/draft',
    { bodyLimit: 8 * 1024 * 1024 },
    async (request, reply) => {
      const key = appKey(request.params.app);
      const saved = await ctx.store.saveDraft(key, request.body, {
        actor: null,
        ...(revisionFrom(request.headers['if-match'], undefined) !== undefined
          ? { expectedRevision: revisionFrom(request.headers['if-match'], undefined)! }
          : {}),
      });
      void reply.header('ETag', `"${saved.revision}"`);
      return { revision: saved.revision };
    },
  );

  app.post<{ Params: { app: string } }>('/api/apps/:app/plan', async (request) =>
    ctx.store.plan(appKey(request.params.app)),
  );

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
      const expected = revisionFrom(request.headers['if-match'], request.body?.expectedRevision);
      return ctx.store.publish(appKey(request.params.app), {
        actor: null,
        now: ctx.now(),
        ...(request.body?.summary ? { summary: request.body.summary } : {}),
        ...(expected !== undefined ? { expectedRevision: expected } : {}),
      });
    },
  );

  app.get<{ Params: { app: string } }>('/api/apps/:app/versions', async (request) => ({
    items: await ctx.store.versions(appKey(request.params.app)),
  }));
}
