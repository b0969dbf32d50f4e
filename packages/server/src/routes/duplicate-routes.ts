import { entityAccess } from '@dougong/access';
import { DUPLICATE_STATUSES, type DuplicateStatus, type MergeRequest } from '@dougong/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAppAccess } from '../auth/auth-hooks.js';
import { ifMatchVersion, recordScope, type ServerContext } from '../http/request-context.js';

interface EntityParams {
  app: string;
  entity: string;
}

const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 200 },
  cursor: { type: 'string', maxLength: 100 },
} as const;

/**
 * Duplicates, merges and related records:
 * - `GET /api/apps/{app}/entities/{entity}/duplicates?status=open|merged|dismissed&record=&limit=&cursor=`
 * - `POST …/duplicates/{linkId}/dismiss`
 * - `GET …/records/{id}/merge-preview?with={otherId}` and `POST …/records/{id}/merge`
 * - `GET …/records/{id}/related?limit=` and `GET …/records/{id}/related/{relation}?limit=&cursor=`
 * Part of the public contract; extend, never break.
 */
export function registerDuplicateRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const base = '/api/apps/:app/entities/:entity';

  const scoped = async (request: FastifyRequest<{ Params: EntityParams }>) => {
    const principal = requireAppAccess(request, request.params.app);
    return {
      principal,
      ...(await recordScope(ctx, principal, request.params.app, request.params.entity)),
    };
  };

  app.get<{
    Params: EntityParams;
    Querystring: { status?: DuplicateStatus; record?: string; limit?: number; cursor?: string };
  }>(
    `${base}/duplicates`,
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...DUPLICATE_STATUSES] },
            record: { type: 'string', maxLength: 36 },
            ...pageQuery,
          },
        },
      },
    },
    async (request) => {
      const { repo, model, gate } = await scoped(request);
      const { status, record, limit, cursor } = request.query;
      return repo.duplicates(
        model,
        {
          ...(status !== undefined ? { status } : {}),
          ...(record !== undefined ? { recordId: record } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
        },
        gate,
      );
    },
  );

  app.post<{ Params: EntityParams & { linkId: string } }>(
    `${base}/duplicates/:linkId/dismiss`,
    async (request) => {
      const { repo, model, gate, actor } = await scoped(request);
      return repo.dismissDuplicate(model, request.params.linkId, actor, gate);
    },
  );

  app.get<{ Params: EntityParams & { id: string }; Querystring: { with: string } }>(
    `${base}/records/:id/merge-preview`,
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['with'],
          additionalProperties: false,
          properties: { with: { type: 'string', maxLength: 36 } },
        },
      },
    },
    async (request) => {
      const { repo, model, gate } = await scoped(request);
      return repo.mergePreview(model, request.params.id, request.query.with, gate);
    },
  );

  app.post<{ Params: EntityParams & { id: string }; Body: MergeRequest }>(
    `${base}/records/:id/merge`,
    async (request, reply) => {
      const { repo, model, gate, actor } = await scoped(request);
      const ifMatch = ifMatchVersion(request.headers['if-match']);
      const body = request.body;
      const merged = await repo.merge(
        model,
        request.params.id,
        ifMatch !== undefined && body && typeof body === 'object' && body.version === undefined
          ? { ...body, version: ifMatch }
          : body,
        actor,
        gate,
      );
      void reply.header('ETag', `"${merged.record.version}"`);
      return merged;
    },
  );

  const relatedRoute = async (
    request: FastifyRequest<{
      Params: EntityParams & { id: string; relation?: string };
      Querystring: { limit?: number; cursor?: string };
    }>,
  ) => {
    const { repo, model, gate, principal } = await scoped(request);
    const { limit, cursor } = request.query;
    const items = await repo.related(model, request.params.id, gate, {
      ...(limit !== undefined ? { limit } : {}),
      ...(request.params.relation !== undefined ? { relation: request.params.relation } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      readable: (other) => entityAccess(repo.app.document, other.entity.id, principal).can('read'),
    });
    return { items };
  };
  const relatedSchema = {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 100 } },
      },
    },
  };
  app.get(`${base}/records/:id/related`, relatedSchema, relatedRoute);
  app.get(
    `${base}/records/:id/related/:relation`,
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            cursor: { type: 'string', maxLength: 4096 },
          },
        },
      },
    },
    async (request: Parameters<typeof relatedRoute>[0]) => {
      const { items } = await relatedRoute(request);
      return items[0];
    },
  );
}
