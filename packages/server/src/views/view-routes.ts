import { SavedViewStore } from '@dougong/db';
import { DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { requireAppAccess } from '../auth/auth-hooks.js';
import { recordScope, type ServerContext } from '../http/request-context.js';

interface Params {
  app: string;
  entity: string;
}

const definitionSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    columns: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 64 } },
    sort: { type: 'string', maxLength: 500 },
    conditions: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['key', 'op'],
        additionalProperties: false,
        properties: {
          key: { type: 'string', maxLength: 64 },
          op: { type: 'string', maxLength: 20 },
          value: { type: 'string', maxLength: 500 },
        },
      },
    },
    kanbanField: { type: 'string', maxLength: 64 },
  },
} as const;

/**
 * Saved views of an entity's lists: `GET|POST /api/apps/{app}/entities/{entity}/views`,
 * `DELETE …/views/{id}`. Everyone with read access keeps personal views; sharing a view with everyone
 * needs the `editMetadata` right. Views naming fields the caller cannot see are refused.
 */
export function registerViewRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const store = new SavedViewStore(ctx.database.db);
  const base = '/api/apps/:app/entities/:entity/views';

  app.get<{ Params: Params }>(base, async (request) => {
    const principal = requireAppAccess(request, request.params.app);
    const { model } = await recordScope(ctx, principal, request.params.app, request.params.entity);
    return { items: await store.list(request.params.app, model.entity.key, principal.userId) };
  });

  app.post<{ Params: Params; Body: { name: string; shared?: boolean; definition: Record<string, unknown> } }>(
    base,
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'definition'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            shared: { type: 'boolean' },
            definition: definitionSchema,
          },
        },
      },
    },
    async (request, reply) => {
      const principal = requireAppAccess(request, request.params.app);
      const { model, gate } = await recordScope(ctx, principal, request.params.app, request.params.entity);
      if (request.body.shared && !principal.rights.has('editMetadata')) {
        throw new DougongError('FORBIDDEN', 'Sharing a view needs the editMetadata right.', [
          { path: '/shared', message: 'needs the editMetadata right' },
        ]);
      }
      const definition = request.body.definition as {
        columns?: string[];
        conditions?: Array<{ key: string }>;
      };
      const keys = [
        ...(definition.columns ?? []).map((k, i) => [k, `/definition/columns/${i}`] as const),
        ...(definition.conditions ?? []).map((c, i) => [c.key, `/definition/conditions/${i}/key`] as const),
      ];
      for (const [key, path] of keys) {
        if (!model.fieldsByKey.has(key) || gate.hidden.has(key))
          throw new DougongError('VALIDATION_FAILED', undefined, [
            { path, message: `"${key.slice(0, 64)}" is not a field you can see` },
          ]);
      }
      void reply.status(201);
      return store.create(request.params.app, model.entity.key, principal.userId, {
        name: request.body.name,
        shared: request.body.shared ?? false,
        definition: request.body.definition,
      });
    },
  );

  app.delete<{ Params: Params & { id: string } }>(`${base}/:id`, async (request, reply) => {
    const principal = requireAppAccess(request, request.params.app);
    const { model } = await recordScope(ctx, principal, request.params.app, request.params.entity);
    await store.remove(
      request.params.app,
      model.entity.key,
      request.params.id,
      principal.userId,
      principal.rights.has('editMetadata'),
    );
    void reply.status(204);
  });
}
