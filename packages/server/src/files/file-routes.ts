import { FileStore, gateFor, MAX_FILE_BYTES } from '@dougong/db';
import { type AppModel, DougongError } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth/auth-hooks.js';
import type { ServerContext } from '../http/request-context.js';

// Shown in the browser only for raster images; everything else downloads (no same-origin HTML or SVG).
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Attachments: `POST /api/files` (the raw bytes; name in `X-File-Name`, URI-encoded; type from
 * Content-Type; at most 20 MiB) → `{id, name, size, mimeType}` to put in an attachment field, and
 * `GET /api/files/{id}` for its uploader and for whoever may read a record that lists it.
 */
export function registerFileRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const files = new FileStore(ctx.database.db);

  // The raw-body parser lives in its own scope, so every other route still accepts JSON only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.post('/api/files', { bodyLimit: MAX_FILE_BYTES }, async (request, reply) => {
      const principal = principalOf(request);
      if (!Buffer.isBuffer(request.body)) {
        throw new DougongError('BAD_REQUEST', 'Send the file itself as the request body.', [
          { path: '', message: 'is not a file' },
        ]);
      }
      const header = request.headers['x-file-name'];
      let name = 'file';
      try {
        name = typeof header === 'string' ? decodeURIComponent(header) : 'file';
      } catch {
        throw new DougongError('BAD_REQUEST', undefined, [
          { path: '/headers/x-file-name', message: 'must be URI-encoded' },
        ]);
      }
      const stored = await files.put({
        name,
        mimeType: String(request.headers['content-type'] ?? 'application/octet-stream')
          .split(';')[0]!
          .trim(),
        content: request.body,
        userId: principal.userId,
      });
      void reply.status(201);
      return stored;
    });
  });

  app.get<{ Params: { id: string } }>('/api/files/:id', async (request, reply) => {
    const principal = principalOf(request);
    const models: AppModel[] = [];
    for (const summary of await ctx.store.list()) {
      if (summary.publishedVersion === 0 || (principal.appKeys && !principal.appKeys.includes(summary.key)))
        continue;
      models.push((await ctx.store.publishedModel(summary.key)).model);
    }
    const now = ctx.now();
    const file = await files.get(request.params.id, principal.userId, models, (model, entityId) => {
      const entity = model.entitiesById.get(entityId);
      return entity ? gateFor(model, entity, principal, now).read : null;
    });
    const disposition = INLINE.has(file.mimeType) ? 'inline' : 'attachment';
    void reply
      .header('Content-Type', file.mimeType)
      .header('Content-Length', String(file.size))
      .header('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .header('Cache-Control', 'private, max-age=300');
    return reply.send(file.content);
  });
}
