import { DougongError } from '@dougong/schema';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAppAccess } from '../auth/auth-hooks.js';
import { ifMatchVersion, recordScope, type ServerContext } from '../http/request-context.js';

interface RecordParams {
  app: string;
  entity: string;
  id: string;
}

interface ListQuery {
  filter?: string;
  sort?: string;
  q?: string;
  limit?: number;
  cursor?: string;
  expand?: string;
  count?: 'exact' | 'auto';
}

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    filter: { type: 'string', maxLength: 16_384 },
    sort: { type: 'string', maxLength: 500 },
    q: { type: 'string', maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    cursor: { type: 'string', maxLength: 4096 },
    expand: { type: 'string', maxLength: 500 },
    count: { type: 'string', enum: ['exact', 'auto'] },
  },
} as const;

/** Parses the `filter` query parameter (JsonLogic as JSON); bad JSON is a 400. */
export function parseFilter(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new DougongError('INVALID_FILTER', undefined, [{ path: '/filter', message: 'is not valid JSON' }]);
  }
}

/**
 * Records API: `/api/apps/{app}/entities/{entity}/records[/{id}[/history|/restore]]`.
 * Part of the public contract; extend, never break.
 */
export function registerRecordRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const base = '/api/apps/:app/entities/:entity/records';

  /** Everything a record route needs: the repository, the entity, the caller's gate and actor. */
  const scoped = (request: FastifyRequest<{ Params: Omit<RecordParams, 'id'> }>) =>
    recordScope(
      ctx,
      requireAppAccess(request, request.params.app),
      request.params.app,
      request.params.entity,
    );

  app.get<{ Params: Omit<RecordParams, 'id'>; Querystring: ListQuery }>(
    base,
    { schema: { querystring: listQuerySchema } },
    async (request) => {
      const { repo, model, gate } = await scoped(request);
      const { filter, sort, q, limit, cursor, expand, count } = request.query;
      return repo.list(
        model,
        {
          filter: parseFilter(filter),
          ...(sort !== undefined ? { sort } : {}),
          ...(q !== undefined ? { q } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          ...(expand ? { expand: expand.split(',').map((s) => s.trim()) } : {}),
          exactTotal: count === 'exact',
        },
        gate,
      );
    },
  );

  app.get<{
    Params: Omit<RecordParams, 'id'>;
    Querystring: { groupBy: string; sum?: string; filter?: string };
  }>(
    '/api/apps/:app/entities/:entity/aggregate',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['groupBy'],
          additionalProperties: false,
          properties: {
            groupBy: { type: 'string', maxLength: 64 },
            sum: { type: 'string', maxLength: 400 },
            filter: { type: 'string', maxLength: 16_384 },
          },
        },
      },
    },
    async (request) => {
      const { repo, model, gate } = await scoped(request);
      const items = await repo.aggregate(
        model,
        {
          groupBy: request.query.groupBy,
          ...(request.query.sum ? { sum: request.query.sum.split(',').map((s) => s.trim()) } : {}),
          ...(request.query.filter ? { filter: parseFilter(request.query.filter) } : {}),
        },
        gate,
      );
      return { items };
    },
  );

  app.post<{ Params: Omit<RecordParams, 'id'> }>(base, async (request, reply) => {
    const { repo, model, gate, actor } = await scoped(request);
    const record = await repo.create(model, request.body, actor, gate);
    void reply
      .status(201)
      .header('ETag', `"${record.version}"`)
      .header('Location', `${request.url.split('?')[0]}/${record.id}`);
    return record;
  });

  app.get<{ Params: RecordParams }>(`${base}/:id`, async (request, reply) => {
    const { repo, model, gate } = await scoped(request);
    const record = await repo.get(model, request.params.id, gate);
    void reply.header('ETag', `"${record.version}"`);
    return record;
  });

  app.patch<{ Params: RecordParams }>(`${base}/:id`, async (request, reply) => {
    const { repo, model, gate, actor } = await scoped(request);
    const record = await repo.update(
      model,
      request.params.id,
      request.body,
      actor,
      ifMatchVersion(request.headers['if-match']),
      gate,
    );
    void reply.header('ETag', `"${record.version}"`);
    return record;
  });

  app.delete<{ Params: RecordParams }>(`${base}/:id`, async (request, reply) => {
    const { repo, model, gate, actor } = await scoped(request);
    await repo.remove(model, request.params.id, actor, ifMatchVersion(request.headers['if-match']), gate);
    void reply.status(204);
  });

  app.post<{ Params: RecordParams }>(`${base}/:id/restore`, async (request) => {
    const { repo, model, gate, actor } = await scoped(request);
    return repo.restore(model, request.params.id, actor, gate);
  });

  app.get<{ Params: RecordParams }>(`${base}/:id/history`, async (request) => {
    const { repo, model, gate } = await scoped(request);
    return { items: await repo.historyOf(model, request.params.id, gate) };
  });
}
