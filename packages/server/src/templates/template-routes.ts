import { TemplateInstaller } from '@dougong/db';
import { DougongError } from '@dougong/schema';
import { compareSemver, type TemplatePackage, type TemplateRegistry } from '@dougong/template-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf, requireAppAccess, requireRight } from '../auth/auth-hooks.js';
import type { ServerContext } from '../http/request-context.js';

const APP_KEY_PATTERN = '^[a-z][a-z0-9_]{1,30}$';

interface RunRoute {
  Params: { id: string };
  Querystring: { dryRun?: boolean };
  Body: { appKey?: string } | null | undefined;
}

const runSchema = {
  params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } } },
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { dryRun: { type: 'boolean' } },
  },
  body: {
    type: ['object', 'null'],
    additionalProperties: false,
    properties: { appKey: { type: 'string', pattern: APP_KEY_PATTERN } },
  },
};

/**
 * Template API: the bundled templates with the apps installed from them, install and upgrade (each
 * with a dry run). Installing and upgrading need the `publish` right; listing `editMetadata` or
 * `publish`. Part of the public contract.
 */
export function registerTemplateRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  registry: TemplateRegistry | undefined,
): void {
  const installer = new TemplateInstaller(ctx.database.db, ctx.store);
  const find = (id: string): TemplatePackage => {
    const pkg = registry?.find(id);
    if (!pkg) throw new DougongError('NOT_FOUND', `No bundled template "${id.slice(0, 100)}".`);
    return pkg;
  };

  app.get('/api/templates', async (request) => {
    const principal = principalOf(request);
    if (!principal.rights.has('editMetadata') && !principal.rights.has('publish'))
      throw new DougongError('FORBIDDEN', 'This needs the "editMetadata" or "publish" right.');
    const installed = await installer.installed();
    return {
      items: (registry?.list() ?? []).map((pkg) => ({
        id: pkg.id,
        version: pkg.version,
        name: pkg.name,
        description: pkg.description,
        appKey: pkg.appKey,
        demoData: pkg.demoData
          ? { sizeName: pkg.demoData.sizeName, minSize: pkg.demoData.minSize, maxSize: pkg.demoData.maxSize }
          : null,
        installed: installed
          .filter(
            (i) => i.templateId === pkg.id && (!principal.appKeys || principal.appKeys.includes(i.appKey)),
          )
          .map((i) => ({
            appKey: i.appKey,
            version: i.version,
            overlays: i.overlays,
            upgradeAvailable: compareSemver(pkg.version, i.version) > 0,
          })),
      })),
    };
  });

  const run = async (request: FastifyRequest<RunRoute>, kind: 'install' | 'upgrade') => {
    const actor = requireRight(request, 'publish');
    const pkg = find(request.params.id);
    const appKey = request.body?.appKey;
    if (appKey) requireAppAccess(request, appKey);
    const options = {
      actor: actor.userId,
      dryRun: request.query.dryRun === true,
      now: ctx.now(),
      ...(appKey ? { appKey } : {}),
    };
    const result =
      kind === 'install' ? await installer.install(pkg, options) : await installer.upgrade(pkg, options);
    if (!result.dryRun)
      await ctx.identity.audit(kind === 'install' ? 'template.installed' : 'template.upgraded', {
        actorId: actor.userId,
        target: result.appKey,
        ip: request.ip,
        details: {
          template: result.template.id,
          version: result.template.version,
          appVersion: result.version,
        },
      });
    return result;
  };

  app.post<RunRoute>('/api/templates/:id/install', { schema: runSchema }, async (request, reply) => {
    const result = await run(request, 'install');
    return reply.status(result.dryRun ? 200 : 201).send(result);
  });

  app.post<RunRoute>('/api/templates/:id/upgrade', { schema: runSchema }, async (request) =>
    run(request, 'upgrade'),
  );
}
