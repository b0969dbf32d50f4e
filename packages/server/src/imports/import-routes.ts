import { FileStore } from '@dougong/db';
import { DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { requireAppAccess } from '../auth/auth-hooks.js';
import { localeOf } from '../exports/export-cells.js';
import { recordScope, repositoryFor, type ServerContext } from '../http/request-context.js';
import { parseCsv, parseXlsx } from './import-cells.js';
import { type ImportPlan, rejectedCsv, resolveMapping, runImport } from './import-runner.js';

/** An import file is at most 10 MiB. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** An import holds at most this many data rows. */
export const MAX_IMPORT_ROWS = 100_000;

interface ImportQuery {
  format: 'csv' | 'xlsx';
  mapping?: string;
  dedupe?: 'skip' | 'update';
  matchOn?: string;
}

function parseMapping(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === 'string')
  )
    throw new DougongError('BAD_REQUEST', undefined, [
      { path: '/mapping', message: 'must be a JSON object of column header → field key' },
    ]);
  return parsed as Record<string, string>;
}

/**
 * Import: `POST /api/apps/{app}/entities/{entity}/imports?format=csv|xlsx&mapping=…&dedupe=…&matchOn=…`
 * with the file as the body → a report; `GET …/imports/{id}/rejected` → the rejected rows as CSV, for
 * the importer only (kept in the file store).
 */
export function registerImportRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const files = new FileStore(ctx.database.db);
  const base = '/api/apps/:app/entities/:entity/imports';

  // The raw-body parser lives in its own scope, so every other route still accepts JSON only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.post<{ Params: { app: string; entity: string }; Querystring: ImportQuery }>(
      base,
      {
        bodyLimit: MAX_IMPORT_BYTES,
        schema: {
          querystring: {
            type: 'object',
            required: ['format'],
            additionalProperties: false,
            properties: {
              format: { type: 'string', enum: ['csv', 'xlsx'] },
              mapping: { type: 'string', maxLength: 16_384 },
              dedupe: { type: 'string', enum: ['skip', 'update'] },
              matchOn: { type: 'string', maxLength: 64 },
            },
          },
        },
      },
      async (request) => {
        const principal = requireAppAccess(request, request.params.app);
        const { repo, model, gate, actor } = await recordScope(
          ctx,
          principal,
          request.params.app,
          request.params.entity,
        );
        const plan: ImportPlan = {
          mapping: parseMapping(request.query.mapping) ?? {},
          dedupe: request.query.dedupe ?? 'skip',
          ...(request.query.matchOn !== undefined ? { matchOn: request.query.matchOn } : {}),
        };
        if (!gate.create)
          throw new DougongError('FORBIDDEN', `You may not create ${model.entity.key} records.`);
        if (plan.dedupe === 'update' && !gate.update)
          throw new DougongError('FORBIDDEN', `You may not update ${model.entity.key} records.`);
        if (!Buffer.isBuffer(request.body) || request.body.length === 0)
          throw new DougongError('BAD_REQUEST', 'Send the file itself as the request body.', [
            { path: '', message: 'is not a file' },
          ]);
        let rows: string[][];
        try {
          rows =
            request.query.format === 'csv'
              ? parseCsv(request.body.toString('utf8'))
              : await parseXlsx(request.body);
        } catch {
          throw new DougongError('BAD_REQUEST', undefined, [
            { path: '', message: `is not a ${request.query.format} file` },
          ]);
        }
        if (rows.length < 2)
          throw new DougongError('BAD_REQUEST', undefined, [
            { path: '', message: 'has no data rows below the header' },
          ]);
        if (rows.length - 1 > MAX_IMPORT_ROWS)
          throw new DougongError('UNPROCESSABLE', `An import holds at most ${MAX_IMPORT_ROWS} rows.`);
        const columns = resolveMapping(
          model,
          rows[0]!,
          request.query.mapping !== undefined ? plan.mapping : undefined,
          gate,
        );
        if (plan.matchOn !== undefined && !columns.some((c) => c.field.key === plan.matchOn))
          throw new DougongError('BAD_REQUEST', undefined, [
            { path: '/matchOn', message: 'must be a field the mapping fills' },
          ]);
        const report = await runImport(repo, model, rows, plan, columns, actor, gate);
        if (report.rejected.length === 0) return { ...report, rejectedFile: null };
        const stored = await files.put({
          name: `${model.entity.key}-rejected.csv`,
          mimeType: 'text/csv',
          content: rejectedCsv(rows, report.rejected, localeOf(request.headers['accept-language'])),
          userId: principal.userId,
        });
        const url = `/api/apps/${request.params.app}/entities/${model.entity.key}/imports/${stored.id}/rejected`;
        return { ...report, id: stored.id, rejectedFile: url };
      },
    );
  });

  app.get<{ Params: { app: string; entity: string; id: string } }>(
    `${base}/:id/rejected`,
    async (request, reply) => {
      const principal = requireAppAccess(request, request.params.app);
      const repo = await repositoryFor(ctx, request.params.app);
      const model = repo.entity(request.params.entity);
      // Only the importer: the file is attached to no record, so no read gate opens it to anyone else.
      const file = await files.get(request.params.id, principal.userId, [], () => null);
      if (file.name !== `${model.entity.key}-rejected.csv`)
        throw new DougongError('NOT_FOUND', 'No such import.');
      void reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${model.entity.key}-rejected.csv"`)
        .header('Cache-Control', 'private, no-store');
      return reply.send(file.content);
    },
  );
}
