import {
  claimRecord,
  convertRecord,
  gateFor,
  listFieldChanges,
  listRecordEvents,
  liveScore,
  poolStatus,
  postRecordEvent,
} from '@dougong/db';
import { DougongError, parseIsoDatetime } from '@dougong/schema';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAppAccess } from '../auth/auth-hooks.js';
import { recordScope, type ServerContext } from '../http/request-context.js';
import { parseFilter } from './record-routes.js';

interface EntityParams {
  app: string;
  entity: string;
}
interface RecordParams extends EntityParams {
  id: string;
}

const isoInstant = { type: 'string', maxLength: 40 } as const;

/**
 * Record workflow routes: the pool (list, claim), conversions, behaviour events, live scores and the
 * field-change log. Every route goes through the caller's record gate like the records API.
 */
export function registerWorkflowRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const base = '/api/apps/:app/entities/:entity';
  const scoped = (request: FastifyRequest<{ Params: EntityParams }>) =>
    recordScope(
      ctx,
      requireAppAccess(request, request.params.app),
      request.params.app,
      request.params.entity,
    );

  // The pool: records without an owner that the caller may claim, with their claims of the day.
  app.get<{
    Params: EntityParams;
    Querystring: { filter?: string; sort?: string; q?: string; limit?: number; cursor?: string };
  }>(
    `${base}/pool`,
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            filter: { type: 'string', maxLength: 16_384 },
            sort: { type: 'string', maxLength: 500 },
            q: { type: 'string', maxLength: 200 },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            cursor: { type: 'string', maxLength: 4096 },
          },
        },
      },
    },
    async (request) => {
      const { repo, model, gate, actor } = await scoped(request);
      const status = await poolStatus(ctx.database.db, repo.app, model, actor.userId!, ctx.now());
      if (!gate.claim) throw new DougongError('FORBIDDEN', `You may not claim ${model.entity.key} records.`);
      const { filter, sort, q, limit, cursor } = request.query;
      const unowned = { '==': [{ var: 'ownerId' }, null] };
      const given = parseFilter(filter);
      const page = await repo.list(
        model,
        {
          filter: given === undefined ? unowned : { and: [unowned, given] },
          ...(sort !== undefined ? { sort } : {}),
          ...(q !== undefined ? { q } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          now: ctx.now(),
        },
        gate,
      );
      return { ...page, ...status };
    },
  );

  app.post<{ Params: RecordParams }>(`${base}/records/:id/claim`, async (request) => {
    const { repo, model, gate, actor } = await scoped(request);
    return claimRecord(ctx.database.db, repo.app, model, request.params.id, gate, {
      userId: actor.userId!,
      departmentId: actor.departmentId ?? null,
      now: ctx.now(),
    });
  });

  app.post<{
    Params: RecordParams & { conversion: string };
    Body: { dryRun?: boolean; input?: Record<string, unknown> } | undefined;
  }>(
    `${base}/records/:id/convert/:conversion`,
    {
      schema: {
        body: {
          anyOf: [
            { type: 'null' },
            {
              type: 'object',
              additionalProperties: false,
              properties: { dryRun: { type: 'boolean' }, input: { type: 'object', maxProperties: 100 } },
            },
          ],
        },
      },
    },
    async (request) => {
      const principal = requireAppAccess(request, request.params.app);
      const { repo, model, actor } = await scoped(request);
      const now = ctx.now();
      return convertRecord(
        ctx.database.db,
        repo.app,
        model,
        request.params.id,
        request.params.conversion,
        { gateOf: (other) => gateFor(repo.app, other, principal, now), actor },
        {
          dryRun: request.body?.dryRun === true,
          ...(request.body?.input ? { input: request.body.input } : {}),
        },
      );
    },
  );

  app.get<{ Params: RecordParams; Querystring: { type?: string } }>(
    `${base}/records/:id/events`,
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { type: { type: 'string', maxLength: 63 } },
        },
      },
    },
    async (request) => {
      const { repo, model, gate } = await scoped(request);
      return {
        items: await listRecordEvents(
          ctx.database.db,
          repo.app,
          model,
          request.params.id,
          gate,
          request.query.type,
        ),
      };
    },
  );

  app.post<{ Params: RecordParams; Body: { type: string; at?: string; data?: Record<string, unknown> } }>(
    `${base}/records/:id/events`,
    {
      schema: {
        body: {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', maxLength: 63 },
            at: isoInstant,
            data: { type: 'object', maxProperties: 50 },
          },
        },
      },
    },
    async (request, reply) => {
      const { repo, model, gate } = await scoped(request);
      let at: Date | undefined;
      if (request.body.at !== undefined) {
        const parsed = parseIsoDatetime(request.body.at);
        if (!parsed)
          throw new DougongError('VALIDATION_FAILED', undefined, [
            { path: '/at', message: 'must be an ISO 8601 date-time with an offset' },
          ]);
        at = parsed;
      }
      const event = await postRecordEvent(
        ctx.database.db,
        repo.app,
        model,
        request.params.id,
        gate,
        {
          type: request.body.type,
          ...(at ? { at } : {}),
          ...(request.body.data ? { data: request.body.data } : {}),
        },
        ctx.now(),
      );
      app.flows?.worker.poke();
      void reply.status(201);
      return event;
    },
  );

  app.get<{ Params: RecordParams }>(`${base}/records/:id/score`, async (request) => {
    const { repo, model, gate } = await scoped(request);
    return liveScore(ctx.database.db, repo.app, model, request.params.id, gate, ctx.now());
  });

  app.get<{
    Params: EntityParams;
    Querystring: {
      field?: string;
      record?: string;
      from?: string;
      to?: string;
      after?: number;
      limit?: number;
    };
  }>(
    `${base}/field-changes`,
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            field: { type: 'string', maxLength: 64 },
            record: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' },
            from: isoInstant,
            to: isoInstant,
            after: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (request) => {
      const { repo, model, gate } = await scoped(request);
      const q = request.query;
      const instant = (value: string | undefined, path: string) => {
        if (value === undefined) return undefined;
        const parsed = parseIsoDatetime(value);
        if (!parsed)
          throw new DougongError('VALIDATION_FAILED', undefined, [
            { path, message: 'must be an ISO 8601 date-time with an offset' },
          ]);
        return parsed.toISOString();
      };
      if (q.field !== undefined && !model.fieldsByKey.get(q.field)?.trackChanges)
        throw new DougongError('VALIDATION_FAILED', undefined, [
          { path: '/field', message: 'is not a tracked field of this entity' },
        ]);
      const limit = q.limit ?? 200;
      const items = await listFieldChanges(ctx.database.db, repo.app, model, gate, {
        ...(q.field ? { field: q.field } : {}),
        ...(q.record ? { recordId: q.record.toLowerCase() } : {}),
        ...(q.from ? { from: instant(q.from, '/from') } : {}),
        ...(q.to ? { to: instant(q.to, '/to') } : {}),
        ...(q.after !== undefined ? { after: q.after } : {}),
        limit,
      });
      return { items, next: items.length === limit ? items[items.length - 1]!.id : null };
    },
  );
}
