import { findIdempotentRecord, OPEN_GATE, SecretBox } from '@dougong/db';
import { captureEntity, capturePayloadIssues, mapCapturePayload, previewCapture } from '@dougong/forms';
import { type AppDocument, appModel, type CaptureHook, DougongError, isDougongError } from '@dougong/schema';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAppAccess, requireRight, WindowLimiter } from '../auth/auth-hooks.js';
import { localeOf } from '../exports/export-cells.js';
import { repositoryFor, type ServerContext } from '../http/request-context.js';
import { DEFAULT_SIGNATURE_HEADER, newCaptureSecret, verifyCaptureAuth } from './capture-auth.js';

/** Capture settings of the server. */
export interface CaptureServerOptions {
  /** The key sealing secrets (the flows' key): without it no hook can authenticate a delivery. */
  secretKey?: Buffer | string;
  /** Deliveries per hook and client address per minute (default 120). */
  rateLimit?: number;
}

/** Largest capture payload, in bytes. */
export const CAPTURE_MAX_BYTES = 256 * 1024;

const ID = /^[a-z][a-z0-9_]{0,39}$/;

/** A parsed capture body with the bytes it was parsed from (signatures are over the bytes). */
interface RawBody {
  raw: Buffer;
  value: unknown;
}

type HookRequest = FastifyRequest<{ Params: { app: string; hookId: string }; Body: RawBody | undefined }>;

function hookIn(doc: AppDocument, hookId: string): CaptureHook | undefined {
  return ID.test(hookId) ? doc.captureHooks?.find((h) => h.id === hookId) : undefined;
}

/**
 * Inbound capture hooks.
 * - `POST /api/public/capture/{app}/{hookId}` (public, authenticated by the hook's secret, rate-limited):
 *   maps the JSON (or form-encoded) payload and creates a record through the normal write path as the
 *   system, attributed to the hook in the record's history. The same idempotency key twice creates one
 *   record: 201 `{id, created: true}` the first time, 200 `{id, created: false, duplicateOf}` after.
 * - `POST /api/apps/{app}/capture-hooks/{hookId}/preview` (editMetadata): the draft's mapping on a sample
 *   payload, nothing written.
 * - `POST /api/apps/{app}/capture-hooks/{hookId}/secret` (editMetadata): a new secret, shown once.
 * - `GET /api/apps/{app}/capture-hooks` (editMetadata): the published hooks with their URLs.
 */
export function registerCaptureRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  options: CaptureServerOptions = {},
): void {
  const secrets = options.secretKey ? new SecretBox(options.secretKey) : undefined;
  const limiter = new WindowLimiter(options.rateLimit ?? 120, 60_000);
  const url = (appKey: string, hookId: string) => `/api/public/capture/${appKey}/${hookId}`;

  void app.register(async (scope) => {
    const json = scope.getDefaultJsonParser('error', 'error');
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: CAPTURE_MAX_BYTES },
      (request, body, done) => {
        const raw = body as Buffer;
        json(request, raw.toString('utf8'), (error, value) =>
          error ? done(error as Error, undefined) : done(null, { raw, value }),
        );
      },
    );
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'buffer', bodyLimit: CAPTURE_MAX_BYTES },
      (_request, body, done) => {
        const raw = body as Buffer;
        const value: Record<string, string | string[]> = {};
        for (const [key, text] of new URLSearchParams(raw.toString('utf8'))) {
          const had = value[key];
          value[key] = had === undefined ? text : Array.isArray(had) ? [...had, text] : [had, text];
        }
        done(null, { raw, value });
      },
    );

    scope.post(
      '/api/public/capture/:app/:hookId',
      { bodyLimit: CAPTURE_MAX_BYTES },
      async (request: HookRequest, reply) => {
        const { app: appKey, hookId } = request.params;
        limiter.hit(`${appKey}|${hookId}|${request.ip}`, ctx.now().getTime());
        const repo = await repositoryFor(ctx, appKey).catch(() => undefined);
        const hook = repo ? hookIn(repo.app.document, hookId) : undefined;
        if (!repo || !hook || hook.enabled === false)
          throw new DougongError('NOT_FOUND', 'No such capture hook.');
        const raw = request.body?.raw ?? Buffer.alloc(0);
        const secret = secrets
          ? await secrets.get(ctx.database.db, appKey, hook.auth.secret).catch(() => null)
          : null;
        if (secret === null || !verifyCaptureAuth(hook.auth, secret, request.headers, raw))
          throw new DougongError('UNAUTHENTICATED', 'The delivery is not signed with the hook’s secret.');
        if (!request.body)
          throw new DougongError('BAD_REQUEST', 'Send the payload as JSON.', [
            { path: '', message: 'is missing' },
          ]);

        const now = ctx.now();
        const doc = repo.app.document;
        const request_ = { body: request.body.value, headers: request.headers };
        const mapped = mapCapturePayload(doc, hook, request_, { now, timeZone: repo.app.timeZone });
        const scopeKey = `capture:${hook.id}`;
        if (mapped.idempotencyKey !== null) {
          const first = await findIdempotentRecord(ctx.database.db, appKey, {
            scope: scopeKey,
            key: mapped.idempotencyKey,
          });
          if (first) return { id: first.recordId, created: false, duplicateOf: first.recordId };
        }
        if (!mapped.ok) throw new DougongError('VALIDATION_FAILED', undefined, mapped.issues);
        const model = captureEntity(doc, hook);
        try {
          const record = await repo.create(
            model,
            mapped.values,
            {
              userId: null,
              now,
              source: {
                kind: 'capture',
                hook: hook.id,
                channel: hook.channel,
                receivedAt: now.toISOString(),
                ...(mapped.idempotencyKey !== null ? { key: mapped.idempotencyKey } : {}),
              },
              ...(mapped.idempotencyKey !== null
                ? { idempotency: { scope: scopeKey, key: mapped.idempotencyKey } }
                : {}),
            },
            OPEN_GATE,
          );
          void reply.status(201);
          return { id: record.id, created: true };
        } catch (error) {
          if (!isDougongError(error)) throw error;
          const duplicateOf = error.extra.duplicateOf;
          if (error.code === 'CONFLICT' && typeof duplicateOf === 'string')
            return { id: duplicateOf, created: false, duplicateOf };
          // Field paths of the write become the payload paths the values came from.
          throw new DougongError(
            error.code,
            error.message,
            capturePayloadIssues(error.details, mapped.sources),
            error.extra,
          );
        }
      },
    );
  });

  type AdminRequest = FastifyRequest<{ Params: { app: string; hookId: string }; Body: unknown }>;
  const admin = (request: AdminRequest) => {
    requireRight(request, 'editMetadata');
    requireAppAccess(request, request.params.app);
  };
  const draftHook = async (appKey: string, hookId: string) => {
    if (!/^[a-z][a-z0-9_]{1,30}$/.test(appKey)) throw new DougongError('NOT_FOUND', 'No such app.');
    const { document } = await ctx.store.draft(appKey);
    const hook = hookIn(document, hookId);
    if (!hook) throw new DougongError('NOT_FOUND', 'No such capture hook.');
    return { document, hook };
  };

  app.get('/api/apps/:app/capture-hooks', async (request: AdminRequest) => {
    admin(request);
    const repo = await repositoryFor(ctx, request.params.app);
    const names = new Set(secrets ? await secrets.names(ctx.database.db, request.params.app) : []);
    return {
      items: (repo.app.document.captureHooks ?? []).map((hook) => ({
        id: hook.id,
        label: hook.label,
        entity: hook.entity,
        channel: hook.channel,
        enabled: hook.enabled !== false,
        url: url(request.params.app, hook.id),
        auth: {
          scheme: hook.auth.scheme,
          secret: hook.auth.secret,
          secretSet: names.has(hook.auth.secret),
          ...(hook.auth.scheme === 'hmac-sha256'
            ? { header: (hook.auth.header ?? DEFAULT_SIGNATURE_HEADER).toLowerCase() }
            : {}),
        },
      })),
    };
  });

  app.post('/api/apps/:app/capture-hooks/:hookId/preview', async (request: AdminRequest) => {
    admin(request);
    const { document, hook } = await draftHook(request.params.app, request.params.hookId);
    const body = request.body as { payload?: unknown; headers?: unknown } | undefined;
    if (!body || typeof body !== 'object' || !('payload' in body))
      throw new DougongError('VALIDATION_FAILED', undefined, [{ path: '/payload', message: 'is required' }]);
    const headers: Record<string, string> = {};
    if (body.headers !== undefined) {
      if (!body.headers || typeof body.headers !== 'object' || Array.isArray(body.headers))
        throw new DougongError('VALIDATION_FAILED', undefined, [
          { path: '/headers', message: 'must be an object of header names to strings' },
        ]);
      for (const [name, value] of Object.entries(body.headers))
        if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
    const preview = previewCapture(
      document,
      hook,
      { body: body.payload, headers },
      {
        now: ctx.now(),
        timeZone: appModel(document).timeZone,
        locale: localeOf(request.headers['accept-language']),
      },
    );
    return {
      ok: preview.ok,
      entity: hook.entity,
      values: preview.values,
      idempotencyKey: preview.idempotencyKey,
      issues: preview.issues,
    };
  });

  app.post('/api/apps/:app/capture-hooks/:hookId/secret', async (request: AdminRequest) => {
    admin(request);
    const { hook } = await draftHook(request.params.app, request.params.hookId);
    if (!secrets) throw new DougongError('CONFLICT', 'Capture hook secrets need DOUGONG_SECRET_KEY.');
    const secret = newCaptureSecret();
    await secrets.put(ctx.database.db, request.params.app, hook.auth.secret, secret);
    return {
      name: hook.auth.secret,
      secret,
      scheme: hook.auth.scheme,
      ...(hook.auth.scheme === 'hmac-sha256'
        ? { header: (hook.auth.header ?? DEFAULT_SIGNATURE_HEADER).toLowerCase() }
        : {}),
      url: url(request.params.app, hook.id),
    };
  });
}
