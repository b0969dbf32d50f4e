import { entityAccess } from '@dougong/access';
import { formFor, formForAccess } from '@dougong/forms';
import { DougongError, type FormKind } from '@dougong/schema';
import type { FastifyInstance } from 'fastify';
import { requireAppAccess } from '../auth/auth-hooks.js';
import { repositoryFor, type ServerContext } from '../http/request-context.js';
import { registerPublicFormRoutes } from './public-form-routes.js';

const kindQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { kind: { type: 'string', enum: ['full', 'quickCreate'] } },
} as const;

/**
 * Form routes: `GET /api/apps/{app}/forms/{entity}` (the entity's form as the caller's roles let them
 * see it) and the public form routes under `/api/public/forms/`.
 */
export function registerFormRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { app: string; entity: string }; Querystring: { kind?: FormKind } }>(
    '/api/apps/:app/forms/:entity',
    { schema: { querystring: kindQuery } },
    async (request) => {
      const principal = requireAppAccess(request, request.params.app);
      const repo = await repositoryFor(ctx, request.params.app);
      const model = repo.entity(request.params.entity);
      const doc = repo.app.document;
      const access = entityAccess(doc, model.entity.id, principal);
      if (!access.can('read') && !access.can('create'))
        throw new DougongError('FORBIDDEN', `You may not use ${model.entity.key} forms.`);
      const readOnly = new Set(
        model.entity.fields.filter((f) => access.field(f.key) === 'readOnly').map((f) => f.key),
      );
      const form = formForAccess(doc, formFor(doc, model.entity.key, request.query.kind ?? 'full'), {
        hidden: access.hiddenKeys,
        readOnly,
      });
      return { form, hidden: [...access.hiddenKeys].sort(), readOnly: [...readOnly].sort() };
    },
  );
  registerPublicFormRoutes(app, ctx);
}
