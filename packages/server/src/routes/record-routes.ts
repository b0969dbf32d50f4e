import { DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { ifMatchVersion, repositoryFor, type ServerContext } from '../http/request-context.js';

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

function parseFilter(text: string | undefined): unknown {
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
  const actor = () => ({ userId: null, now: ctx.now() });

  app.get<{ Params: Omit<RecordParams, 'id'>; Querystring: ListQuery }>(
    base,
    { schema: { querystring: listQuerySchema } },
    async (request) => {
      const repo = await repositoryFor(ctx, request.params.app);
      const model = repo.entity(request.params.entity);
      const { filter, sort, q, limit, cursor, expand, count } = request.query;
      return repo.list(model, {
        filter: parseFilter(filter),
        ...(sort !== undefined ? { sort } : {}),
        ...(q !== undefined ? { q } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        ...(expand ? { expand: expand.split(',').map((s) => s.trim()) } : {}),
        exactTotal: count === 'exact',
      });
    },
  );

  app.post<{ Params: Omit<RecordParams, 'id'> }>(base, async (request, reply) => {
    const repo = await repositoryFor(ctx, request.params.app);
    const record = await repo.create(repo.entity(request.params.entity), request.body, actor());
    void reply
      .status(201)
      .header('ETag', `"${record.version}"`)
      .header('Location', `${request.url.split('?')[0]}/${record.id}`);
    return record;
  });

  app.get<{ Params: RecordParams }>(`${base}/:id`, async (request, reply) => {
    const repo = await repositoryFor(ctx, request.params.app);
    const record = await repo.get(repo.entity(request.params.entity), request.params.id);
    void reply.header('ETag', `"${record.version}"`);
    return record;
  });

  app.patch<{ Params: RecordParams }>(`${base}/:id`, async (request, reply) => {
    const repo = await repositoryFor(ctx, request.params.app);
    const record = await repo.update(
      repo.entity(request.params.entity),
      request.params.id,
      request.body,
      actor(),
      ifMatchVersion(request.headers['if-match']),
    );
    void reply.header('ETag', `"${record.version}"`);
    return record;
  });

  app.delete<{ Params: RecordParams }>(`${base}/:id`, async (request, reply) => {
    const repo = await repositoryFor(ctx, request.params.app);
    await repo.remove(
      repo.entity(request.params.entity),
      request.params.id,
      actor(),
      ifMatchVersion(request.headers['if-match']),
    );
    void reply.status(204);
  });

  app.post<{ Params: RecordParams }>(`${base}/:id/restore`, async (request) => {
    const repo = await repositoryFor(ctx, request.params.app);
    return repo.restore(repo.entity(request.params.entity), request.params.id, actor());
  });

  app.get<{ Params: RecordParams }>(`${base}/:id/history`, async (request) => {
    const repo = await repositoryFor(ctx, request.params.app);
    return { items: await repo.historyOf(repo.entity(request.params.entity), request.params.id) };
  });
}
