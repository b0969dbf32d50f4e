import { type AppDocument, DougongError, type ErrorDetail, type ValidationIssue } from '@dougong/schema';

/** The `format` of an exported app. */
export const APP_EXPORT_FORMAT = 'dougong.app';
/** The version of the export format this code writes and reads. */
export const APP_EXPORT_FORMAT_VERSION = 1;

/**
 * One app as a portable JSON document: `GET /api/apps/{app}/export` writes it and
 * `POST /api/apps/import` reads it (optionally under another `key`).
 * @example { "format": "dougong.app", "formatVersion": 1, "exportedAt": "2026-03-01T02:00:00.000Z",
 *            "sourceApp": "sales", "sourceVersion": 7, "app": { "schemaVersion": 1, "key": "sales", … } }
 */
export interface AppExport {
  format: typeof APP_EXPORT_FORMAT;
  formatVersion: typeof APP_EXPORT_FORMAT_VERSION;
  exportedAt: string;
  /** The key of the app it was exported from. */
  sourceApp: string;
  /** The published version it was exported from; null for a draft. */
  sourceVersion: number | null;
  app: AppDocument;
}

/** An import request: an {@link AppExport}, optionally with a new `key` and a version `summary`. */
export interface AppImport {
  /** The document with `key` replaced by the override, when given. Validated later, as a draft. */
  app: unknown;
  key: string;
  summary?: string;
  sourceApp?: string;
  sourceVersion?: number | null;
}

const APP_KEY = /^[a-z][a-z0-9_]{1,30}$/;
const ENVELOPE_KEYS = new Set([
  'format',
  'formatVersion',
  'exportedAt',
  'sourceApp',
  'sourceVersion',
  'app',
  'key',
  'summary',
]);

/**
 * Checks an import body's envelope (format, version, key override); the app document itself is
 * validated like any draft. Every problem is reported with its JSON Pointer into the body.
 * @example readAppImport({ format: 'dougong.app', formatVersion: 1, app, key: 'sales_copy' }).key // 'sales_copy'
 */
export function readAppImport(body: unknown): AppImport {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new DougongError('VALIDATION_FAILED', 'The import is invalid.', [
      { path: '', message: 'must be an exported app (an object)' },
    ]);
  const input = body as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const name of Object.keys(input))
    if (!ENVELOPE_KEYS.has(name))
      issues.push({ path: `/${name}`, message: 'is not a property of an exported app' });
  if (input.format !== APP_EXPORT_FORMAT)
    issues.push({ path: '/format', message: `must be "${APP_EXPORT_FORMAT}"` });
  if (input.formatVersion !== APP_EXPORT_FORMAT_VERSION)
    issues.push({ path: '/formatVersion', message: `must be ${APP_EXPORT_FORMAT_VERSION}` });
  const app = input.app;
  if (app === null || typeof app !== 'object' || Array.isArray(app))
    issues.push({ path: '/app', message: 'must be an app document (an object)' });
  if (input.key !== undefined && (typeof input.key !== 'string' || !APP_KEY.test(input.key)))
    issues.push({
      path: '/key',
      message: 'must be an app key: a lowercase letter, then 1–30 of a-z, 0-9, _',
    });
  if (input.summary !== undefined && (typeof input.summary !== 'string' || input.summary.length > 2000))
    issues.push({ path: '/summary', message: 'must be a text of at most 2000 characters' });
  if (
    input.sourceVersion !== undefined &&
    input.sourceVersion !== null &&
    !Number.isSafeInteger(input.sourceVersion)
  )
    issues.push({ path: '/sourceVersion', message: 'must be a version number or null' });
  if (issues.length > 0) throw new DougongError('VALIDATION_FAILED', 'The import is invalid.', issues);
  const document = app as Record<string, unknown>;
  const key = (input.key as string | undefined) ?? document.key;
  if (typeof key !== 'string' || !APP_KEY.test(key))
    throw new DougongError('VALIDATION_FAILED', 'The import is invalid.', [
      { path: '/app/key', message: 'must be an app key: a lowercase letter, then 1–30 of a-z, 0-9, _' },
    ]);
  return {
    app: { ...document, key },
    key,
    ...(typeof input.summary === 'string' ? { summary: input.summary } : {}),
    ...(typeof input.sourceApp === 'string' ? { sourceApp: input.sourceApp } : {}),
    ...(input.sourceVersion !== undefined ? { sourceVersion: input.sourceVersion as number | null } : {}),
  };
}

/** Re-throws a draft validation error with its paths moved under `prefix` (e.g. `/app`). */
export function underPrefix<T>(prefix: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DougongError && error.code === 'VALIDATION_FAILED') {
      const details: ErrorDetail[] = error.details.map((d) => ({ ...d, path: `${prefix}${d.path}` }));
      throw new DougongError('VALIDATION_FAILED', error.message, details, error.extra);
    }
    throw error;
  }
}
