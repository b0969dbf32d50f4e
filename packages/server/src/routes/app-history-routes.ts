import { AppHistory, type DocumentRef, readAppImport } from '@dougong/db';
import { DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { requireAppAccess, requireRight } from '../auth/auth-hooks.js';
import type { ServerContext } from '../http/request-context.js';
import { appKey, revisionFrom } from './app-params.js';

const VERSION = /^\d{1,9}$/;

function versionParam(value: string): number {
  if (!VERSION.test(value)) throw new DougongError('NOT_FOUND', 'No such version.');
  return Number(value);
}

// `from` / `to` / `version` of the query: a version number, `published` or `draft`.
function refParam(value: string | undefined, name: string, fallback: DocumentRef): DocumentRef {
  if (value === undefined || value === '') return fallback;
  if (value === 'draft' || value === 'published') return value;
  if (VERSION.test(value)) return Number(value);
  throw new DougongError('BAD_REQUEST', undefined, [
    { path: `/${name}`, message: 'must be a version number, "published" or "draft"' },
  ]);
}

function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const WRITE_BODY = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    expectedRevision: { type: 'integer', minimum: 0 },
    summary: { type: 'string', maxLength: 2000 },
    acknowledgeTypeChanges: { type: 'boolean' },
  },
} as const;

interface WriteBody {
  expectedRevision?: number;
  summary?: string;
  acknowledgeTypeChanges?: boolean;
}

/**
 * Version history routes: one version's document, diffs, rollback (with a dry run), export and import
 * of an app. Part of the public contract (see the HTTP API reference).
 */
export function registerHistoryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const history = new AppHistory(ctx.database.db, ctx.store);

  app.get<{ Params: { app: string; version: string } }>(
    '/api/apps/:app/versions/:version',
    async (request) => {
      requireRight(request, 'editMetadata');
      const key = appKey(request.params.app);
      requireAppAccess(request, key);
      return history.version(key, versionParam(request.params.version));
    },
  );

  app.get<{ Params: { app: string }; Querystring: { from?: string; to?: string } }>(
    '/api/apps/:app/diff',
    async (request) => {
      requireRight(request, 'editMetadata');
      const key = appKey(request.params.app);
      requireAppAccess(request, key);
      return history.diff(
        key,
        refParam(request.query.from, 'from', 'published'),
        refParam(request.query.to, 'to', 'draft'),
      );
    },
  );

  app.post<{
    Params: { app: string; version: string };
    Querystring: { dryRun?: boolean };
    Body: WriteBody | undefined;
  }>(
    '/api/apps/:app/versions/:version/rollback',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { dryRun: { type: 'boolean' } },
        },
        body: WRITE_BODY,
      },
    },
    async (request) => {
      const dryRun = request.query.dryRun === true;
      const actor = requireRight(request, dryRun ? 'editMetadata' : 'publish');
      const key = appKey(request.params.app);
      requireAppAccess(request, key);
      const version = versionParam(request.params.version);
      const expected = revisionFrom(request.headers['if-match'], request.body?.expectedRevision);
      const result = await history.rollback(key, version, {
        actor: actor.userId,
        dryRun,
        now: ctx.now(),
        ...(expected !== undefined ? { expectedRevision: expected } : {}),
        ...(request.body?.summary ? { summary: request.body.summary } : {}),
        ...(request.body?.acknowledgeTypeChanges ? { acknowledgeTypeChanges: true } : {}),
      });
      if (!dryRun)
        await ctx.identity.audit('app.rolledBack', {
          actorId: actor.userId,
          target: key,
          ip: request.ip,
          details: { to: version, version: result.version },
        });
      return result;
    },
  );

  app.get<{ Params: { app: string }; Querystring: { version?: string } }>(
    '/api/apps/:app/export',
    async (request, reply) => {
      requireRight(request, 'editMetadata');
      const key = appKey(request.params.app);
      requireAppAccess(request, key);
      const exported = await history.exportApp(
        key,
        refParam(request.query.version, 'version', 'published'),
        ctx.now(),
      );
      const suffix = exported.sourceVersion === null ? 'draft' : `v${exported.sourceVersion}`;
      void reply
        .header('Content-Disposition', disposition(`${key}-${suffix}.dougong.json`))
        .header('Cache-Control', 'no-store');
      return exported;
    },
  );

  app.post<{ Querystring: { dryRun?: boolean; acknowledgeTypeChanges?: boolean }; Body: unknown }>(
    '/api/apps/import',
    {
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { dryRun: { type: 'boolean' }, acknowledgeTypeChanges: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) => {
      const dryRun = request.query.dryRun === true;
      const actor = requireRight(request, dryRun ? 'editMetadata' : 'publish');
      const { key } = readAppImport(request.body);
      requireAppAccess(request, key);
      const expected = revisionFrom(request.headers['if-match'], undefined);
      const result = await history.importApp(request.body, {
        actor: actor.userId,
        dryRun,
        now: ctx.now(),
        ...(expected !== undefined ? { expectedRevision: expected } : {}),
        ...(request.query.acknowledgeTypeChanges === true ? { acknowledgeTypeChanges: true } : {}),
      });
      if (!dryRun)
        await ctx.identity.audit('app.imported', {
          actorId: actor.userId,
          target: key,
          ip: request.ip,
          details: { version: result.version, created: result.created },
        });
      void reply.status(result.created && !dryRun ? 201 : 200);
      return result;
    },
  );
}
