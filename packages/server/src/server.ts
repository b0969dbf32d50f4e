import { DEFAULT_SESSION_POLICY, type DougongDatabase, type SessionPolicy } from '@dougong/db';
import { type AppModel, DougongError } from '@dougong/schema';
import type { TemplateRegistry } from '@dougong/template-kit';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAuthHooks } from './auth/auth-hooks.js';
import { registerAuthRoutes } from './auth/auth-routes.js';
import { registerIdentityRoutes } from './auth/identity-routes.js';
import { PrincipalResolver } from './auth/principal-resolver.js';
import { type CaptureServerOptions, registerCaptureRoutes } from './capture/capture-routes.js';
import { registerExportRoutes } from './exports/export-routes.js';
import { registerFileRoutes } from './files/file-routes.js';
import { type FlowServerOptions, registerFlowRoutes } from './flows/flow-routes.js';
import { registerFormRoutes } from './forms/form-routes.js';
import { installErrorHandling } from './http/error-handler.js';
import { createContext, type ServerContext } from './http/request-context.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { registerImportRoutes } from './imports/import-routes.js';
import { buildOpenApi } from './openapi/build-openapi.js';
import { registerAppRoutes } from './routes/app-routes.js';
import { registerDuplicateRoutes } from './routes/duplicate-routes.js';
import { registerRecordRoutes } from './routes/record-routes.js';
import { registerWorkflowRoutes } from './routes/workflow-routes.js';
import { registerTemplateRoutes } from './templates/template-routes.js';
import { registerViewRoutes } from './views/view-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The platform context: database, metadata store, clock. */
    dougong: ServerContext;
  }
}

/** Options of {@link buildServer}. */
export interface ServerOptions {
  database: DougongDatabase;
  /** Fastify logger: true for JSON logs, false (default) for none. */
  logger?: boolean;
  /** Injectable clock (tests). */
  now?: () => Date;
  /** How often to look for metadata published by another process, in ms (0 = never). */
  metadataPollMs?: number;
  /** Largest accepted JSON body in bytes (default 1 MiB; metadata drafts allow 8 MiB). */
  bodyLimit?: number;
  /** Session idle and absolute limits (default 30 minutes / 12 hours). */
  sessionPolicy?: SessionPolicy;
  /** The built web app (a folder with index.html) to serve at `/`; none when absent. */
  webRoot?: string;
  /** Flow engine settings (SMTP, HTTP allow-list, secret key); the worker starts only when asked. */
  flows?: FlowServerOptions;
  /** Template packages offered for install and upgrade (`/api/templates`); none when absent. */
  templates?: TemplateRegistry;
  /** Capture hook settings; the secret key defaults to the flows' key. */
  capture?: CaptureServerOptions;
}

/** The platform's version as shown in OpenAPI. */
export const DOUGONG_VERSION = '0.1.0';

/**
 * Builds the HTTP server (not listening yet). The database must already be migrated.
 * @example
 * const app = await buildServer({ database });
 * await app.listen({ port: 3000 });
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: true,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  });
  // JSON only: Fastify's default text/plain parser would hand raw strings to the routes.
  app.removeContentTypeParser('text/plain');
  const ctx = createContext(options.database, options.now);
  installErrorHandling(app);
  installSecurityHeaders(app);
  const identity = ctx.identity;
  const policy = options.sessionPolicy ?? DEFAULT_SESSION_POLICY;
  const resolver = new PrincipalResolver(identity, policy, ctx.now);
  installAuthHooks(app, resolver);
  registerAuthRoutes(app, { identity, resolver, policy, now: ctx.now });
  registerIdentityRoutes(app, { identity, store: ctx.store, resolver });

  app.get('/api/health', async () => ({ status: 'ok', database: options.database.kind }));
  app.get('/api/openapi.json', async () => buildOpenApi(await publishedModels(ctx), DOUGONG_VERSION));
  await registerDocs(app, ctx);
  registerAppRoutes(app, ctx);
  registerRecordRoutes(app, ctx);
  registerWorkflowRoutes(app, ctx);
  registerDuplicateRoutes(app, ctx);
  registerExportRoutes(app, ctx);
  registerImportRoutes(app, ctx);
  registerViewRoutes(app, ctx);
  registerFileRoutes(app, ctx);
  registerFlowRoutes(app, ctx, options.flows);
  registerFormRoutes(app, ctx);
  registerTemplateRoutes(app, ctx, options.templates);
  registerCaptureRoutes(app, ctx, {
    ...(options.flows?.secretKey !== undefined ? { secretKey: options.flows.secretKey } : {}),
    ...options.capture,
  });

  if (options.webRoot) await serveWebApp(app, options.webRoot);

  const pollMs = options.metadataPollMs ?? 2000;
  if (pollMs > 0) {
    let known = new Map<string, number>();
    const timer = setInterval(() => {
      ctx.store
        .publishedVersions()
        .then((versions) => {
          for (const [key, version] of versions)
            if (known.has(key) && known.get(key) !== version) ctx.store.invalidate(key);
          known = versions;
        })
        .catch(() => undefined);
    }, pollMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  app.decorate('dougong', ctx);
  return app;
}

async function publishedModels(ctx: ServerContext): Promise<AppModel[]> {
  const apps = await ctx.store.list();
  const models: AppModel[] = [];
  for (const app of apps) {
    if (app.publishedVersion > 0) models.push((await ctx.store.publishedModel(app.key)).model);
  }
  return models;
}

async function registerDocs(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const swagger = (await import('@fastify/swagger')).default;
  const swaggerUi = (await import('@fastify/swagger-ui')).default;
  await app.register(swagger, {
    mode: 'static',
    specification: {
      document: { openapi: '3.1.0', info: { title: 'Dougong API', version: DOUGONG_VERSION }, paths: {} },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: false,
    transformSpecificationClone: false,
    transformSpecification: async () => buildOpenApi(await publishedModels(ctx), DOUGONG_VERSION) as never,
  });
}

/**
 * Serves the web app's files, and index.html for any other path outside /api (client-side routes).
 * Hashed assets are cached for a year; index.html never.
 */
async function serveWebApp(app: FastifyInstance, root: string): Promise<void> {
  const fastifyStatic = (await import('@fastify/static')).default;
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders(res, path) {
      res.header(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  // Client-side routes: any other GET outside /api gets the app shell.
  app.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/')) {
      const error = new DougongError('NOT_FOUND', `No route GET ${path.slice(0, 200)}.`);
      return reply.status(404).send(error.toJSON());
    }
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
}
