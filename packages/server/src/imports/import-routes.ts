import { FileStore, ImportJobStore, ImportMappingStore } from '@dougong/db';
import { DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { requireAppAccess } from '../auth/auth-hooks.js';
import { localeOf } from '../exports/export-cells.js';
import { recordScope, repositoryFor, type ServerContext } from '../http/request-context.js';
import { parseCsv, parseXlsx } from './import-cells.js';
import { ImportJobRunner, jobJson, STALE_JOB_MS } from './import-jobs.js';
import { importMatcher } from './import-match.js';
import { CHECK_ROWS, PREVIEW_ROWS, previewImport, sourceKeys } from './import-preview.js';
import { type ImportPlan, isEmptyRow, rejectedCsv, resolveMapping, runImport } from './import-runner.js';

/** An import file is at most 10 MiB. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** An import holds at most this many data rows. */
export const MAX_IMPORT_ROWS = 100_000;
/** Imports of more data rows than this run as a job (202) unless `async=false`. */
export const ASYNC_IMPORT_ROWS = 5_000;

interface ImportQuery {
  format: 'csv' | 'xlsx';
  mapping?: string;
  dedupe?: 'skip' | 'update';
  matchOn?: string;
  dryRun?: boolean;
  async?: boolean;
  source?: string;
  previewRows?: number;
  checkRows?: number;
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
 * - `dryRun=true` → a preview (columns, suggested and remembered mappings, rows mapped and checked),
 *   nothing written;
 * - `async=true`, or a file of more than {@link ASYNC_IMPORT_ROWS} rows → 202 with a job;
 *   `GET …/imports/{job}` → its progress, and its report and rejected rows when done;
 * - `source=name` names where files come from; a mapping given is remembered for that source and for
 *   the file's header set.
 */
export function registerImportRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const files = new FileStore(ctx.database.db);
  const jobs = new ImportJobStore(ctx.database.db);
  const mappings = new ImportMappingStore(ctx.database.db);
  const runner = new ImportJobRunner(jobs, files, ctx.now, (error) =>
    app.log.error({ err: error }, 'import job'),
  );
  app.addHook('onClose', async () => runner.close());
  const base = '/api/apps/:app/entities/:entity/imports';
  const rejectedUrl = (appKey: string, entityKey: string) => (id: string) =>
    `/api/apps/${appKey}/entities/${entityKey}/imports/${id}/rejected`;

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
              dryRun: { type: 'boolean' },
              async: { type: 'boolean' },
              source: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
              previewRows: { type: 'integer', minimum: 1, maximum: PREVIEW_ROWS.max },
              checkRows: { type: 'integer', minimum: 1, maximum: CHECK_ROWS.max },
            },
          },
        },
      },
      async (request, reply) => {
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
        const given = request.query.mapping !== undefined ? plan.mapping : undefined;
        const locale = localeOf(request.headers['accept-language']);
        const { source } = request.query;
        if (request.query.dryRun)
          return previewImport({
            repo,
            model,
            rows,
            gate,
            actor,
            mappings,
            plan: { dedupe: plan.dedupe, ...(plan.matchOn !== undefined ? { matchOn: plan.matchOn } : {}) },
            given,
            source,
            locale,
            previewRows: request.query.previewRows ?? PREVIEW_ROWS.default,
            checkRows: request.query.checkRows ?? CHECK_ROWS.default,
          });
        const columns = resolveMapping(model, rows[0]!, given, gate);
        if (plan.matchOn !== undefined && !importMatcher(repo, model, plan.matchOn, columns, gate))
          throw new DougongError('BAD_REQUEST', undefined, [
            {
              path: '/matchOn',
              message: 'must be a field the mapping fills, or a duplicate rule whose fields it fills',
            },
          ]);
        if (given !== undefined || source !== undefined) {
          // Remembered by field id (a renamed key keeps it), for the header set and the source's name.
          const header = rows[0]!;
          const remembered = Object.fromEntries(columns.map((c) => [header[c.column]!, c.field.id]));
          const keys = sourceKeys(header, source);
          for (const key of [keys.fingerprint, keys.named])
            if (key)
              await mappings.remember(request.params.app, model.entity.id, key, {
                name: source?.trim() ?? null,
                headers: header,
                mapping: remembered,
                userId: principal.userId,
                now: ctx.now(),
              });
        }
        const total = rows.slice(1).filter((cells) => !isEmptyRow(cells)).length;
        const wantsJob = request.query.async ?? total > ASYNC_IMPORT_ROWS;
        if (wantsJob) {
          const id = await runner.submit({
            repo,
            model,
            rows,
            plan,
            columns,
            actor,
            gate,
            userId: principal.userId,
            locale,
            total,
            options: {
              format: request.query.format,
              mapping: Object.fromEntries(columns.map((c) => [rows[0]![c.column]!, c.field.key])),
              dedupe: plan.dedupe,
              ...(plan.matchOn !== undefined ? { matchOn: plan.matchOn } : {}),
              ...(source !== undefined ? { source } : {}),
            },
          });
          const url = `/api/apps/${request.params.app}/entities/${model.entity.key}/imports/${id}`;
          void reply.status(202).header('Location', url);
          return { id, status: 'queued', total, url };
        }
        const report = await runImport(repo, model, rows, plan, columns, actor, gate);
        if (report.rejected.length === 0) return { ...report, rejectedFile: null };
        const stored = await files.put({
          name: `${model.entity.key}-rejected.csv`,
          mimeType: 'text/csv',
          content: rejectedCsv(rows, report.rejected, locale),
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
      // A job's id names its rejected rows too.
      const job = await jobs.get(request.params.id);
      const fileId =
        job && job.userId === principal.userId && job.appKey === request.params.app
          ? (job.rejectedFile ?? '')
          : request.params.id;
      // Only the importer: the file is attached to no record, so no read gate opens it to anyone else.
      const file = await files.get(fileId, principal.userId, [], () => null);
      if (file.name !== `${model.entity.key}-rejected.csv`)
        throw new DougongError('NOT_FOUND', 'No such import.');
      void reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${model.entity.key}-rejected.csv"`)
        .header('Cache-Control', 'private, no-store');
      return reply.send(file.content);
    },
  );

  app.get<{ Params: { app: string; entity: string; job: string } }>(`${base}/:job`, async (request) => {
    const principal = requireAppAccess(request, request.params.app);
    const repo = await repositoryFor(ctx, request.params.app);
    const model = repo.entity(request.params.entity);
    let job = await jobs.get(request.params.job);
    // Only the importer sees a job; anyone else gets the same 404 as for a job that does not exist.
    if (
      !job ||
      job.userId !== principal.userId ||
      job.appKey !== request.params.app ||
      job.entityId !== model.entity.id
    )
      throw new DougongError('NOT_FOUND', 'No such import.');
    // A job no runner here holds, whose heartbeat stopped, belonged to a process that ended.
    const now = ctx.now();
    if (
      (job.status === 'queued' || job.status === 'running') &&
      !runner.holds(job.id) &&
      (await jobs.interruptStale(job.id, new Date(now.getTime() - STALE_JOB_MS), now))
    )
      job = (await jobs.get(job.id))!;
    return jobJson(job, rejectedUrl(request.params.app, model.entity.key));
  });
}
