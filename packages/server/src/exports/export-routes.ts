import { PassThrough, Readable } from 'node:stream';
import type { PreparedExport } from '@dougong/db';
import { labelFor } from '@dougong/schema';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { requireAppAccess } from '../auth/auth-hooks.js';
import { recordScope, type ServerContext } from '../http/request-context.js';
import { parseFilter } from '../routes/record-routes.js';
import { csvLine, type ExportColumn, exportColumns, localeOf } from './export-cells.js';

interface ExportQuery {
  format: 'csv' | 'xlsx';
  filter?: string;
  sort?: string;
  q?: string;
  columns?: string;
}

const MIME = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** `attachment` with the name as UTF-8 (RFC 6266) and an ASCII fallback. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function* csvChunks(columns: ExportColumn[], rows: PreparedExport): AsyncGenerator<string> {
  // The BOM makes Excel read the file as UTF-8 (Chinese labels would be mojibake without it).
  yield `\uFEFF${csvLine(columns.map((c) => c.header))}`;
  for await (const batch of rows.batches())
    yield batch.map((record) => csvLine(columns.map((c) => c.cell(record[c.key])))).join('');
}

function xlsxStream(sheetName: string, columns: ExportColumn[], rows: PreparedExport): PassThrough {
  const out = new PassThrough();
  const write = async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: false,
      useSharedStrings: false,
    });
    const sheet = workbook.addWorksheet(sheetName.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet1');
    sheet.addRow(columns.map((c) => c.header)).commit();
    for await (const batch of rows.batches())
      for (const record of batch) sheet.addRow(columns.map((c) => c.cell(record[c.key]))).commit();
    sheet.commit();
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}

/**
 * Export of a list: `GET /api/apps/{app}/entities/{entity}/export?format=csv|xlsx` with the list's
 * `filter`, `sort` and `q` and an optional `columns` list; needs the `export` action, reads the export
 * scope in keyset batches and writes labels in the request's locale.
 */
export function registerExportRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { app: string; entity: string }; Querystring: ExportQuery }>(
    '/api/apps/:app/entities/:entity/export',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['format'],
          additionalProperties: false,
          properties: {
            format: { type: 'string', enum: ['csv', 'xlsx'] },
            filter: { type: 'string', maxLength: 16_384 },
            sort: { type: 'string', maxLength: 500 },
            q: { type: 'string', maxLength: 200 },
            columns: { type: 'string', maxLength: 4_000 },
          },
        },
      },
    },
    async (request, reply) => {
      const principal = requireAppAccess(request, request.params.app);
      const { repo, model, gate } = await recordScope(
        ctx,
        principal,
        request.params.app,
        request.params.entity,
      );
      const locale = localeOf(request.headers['accept-language']);
      const { format, filter, sort, q, columns } = request.query;
      const prepared = await repo.prepareExport(
        model,
        {
          filter: parseFilter(filter),
          ...(sort !== undefined ? { sort } : {}),
          ...(q !== undefined ? { q } : {}),
        },
        gate,
      );
      // Checked before the first byte, so a bad column is still a JSON 400.
      const picked = exportColumns(model, columns, gate.hidden, locale);
      const name = labelFor(model.entity.label, locale) || model.entity.key;
      void reply
        .header('Content-Type', MIME[format])
        .header('Content-Disposition', disposition(`${name}.${format}`))
        .header('X-Export-Rows', String(prepared.total))
        .header('Cache-Control', 'no-store');
      return reply.send(
        format === 'csv' ? Readable.from(csvChunks(picked, prepared)) : xlsxStream(name, picked, prepared),
      );
    },
  );
}
