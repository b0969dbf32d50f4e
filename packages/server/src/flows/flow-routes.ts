import { randomUUID } from 'node:crypto';
import {
  approvalsOf,
  FlowRuntime,
  gateFor,
  inboxOf,
  LinkSigner,
  listRuns,
  recordEmailOpen,
  recordLinkClick,
  runDetail,
  SecretBox,
  simulateFlow,
} from '@dougong/db';
import { checkFlows, triggerEntityOf } from '@dougong/flows';
import {
  type AppModel,
  appModel,
  DougongError,
  type Flow,
  UUID_PATTERN,
  validateAppDocument,
} from '@dougong/schema';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf, requireAppAccess, requireRight, WindowLimiter } from '../auth/auth-hooks.js';
import { repositoryFor, type ServerContext } from '../http/request-context.js';
import { createPerformers, type SmtpOptions } from './flow-performers.js';
import { FlowWorker } from './flow-worker.js';
import type { HttpPolicy } from './http-guard.js';

/** Flow settings of the server. */
export interface FlowServerOptions {
  /** Key sealing flow secrets (32 bytes or a passphrase); without it secrets cannot be stored. */
  secretKey?: Buffer | string;
  smtp?: SmtpOptions;
  http?: HttpPolicy;
  /** Worker poll interval when idle, ms. */
  pollMs?: number;
  /** Steps executed at once by this process (default 1 on PGlite, 8 on PostgreSQL). */
  concurrency?: number;
  leaseMs?: number;
  workerId?: string;
  /** Webhook deliveries per hook and client per minute (default 120). */
  webhookRateLimit?: number;
  /** Where the server is reached from outside (`https://crm.example.cn`): the prefix of tracked links. */
  publicUrl?: string;
  /** Tracked-link clicks per client per minute (default 120). */
  linkRateLimit?: number;
}

/** What {@link registerFlowRoutes} hands back: the runtime and the (not yet started) worker. */
export interface FlowServer {
  runtime: FlowRuntime;
  worker: FlowWorker;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The flow runtime and worker (the worker runs only when started). */
    flows: FlowServer;
  }
}

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const appParam = { type: 'object', properties: { app: { type: 'string', maxLength: 40 } } } as const;

/**
 * Flow routes: runs per flow and record with their steps, retry and cancel, manual start, test mode,
 * webhooks (public, rate-limited, idempotent by `Idempotency-Key`), secrets (write-only), the inbox and
 * approvals. The worker is created stopped: the app entry starts it; tests drive the runtime directly.
 */
export function registerFlowRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  options: FlowServerOptions = {},
): FlowServer {
  const secrets = options.secretKey ? new SecretBox(options.secretKey) : undefined;
  const runtime = new FlowRuntime({
    db: ctx.database.db,
    store: ctx.store,
    now: ctx.now,
    external: createPerformers({
      ...(options.smtp ? { smtp: options.smtp } : {}),
      http: options.http ?? { allowHosts: [], allowPrivate: [] },
    }),
    ...(secrets ? { secrets, links: new LinkSigner(secrets.subkey('links'), options.publicUrl ?? '') } : {}),
    concurrency: options.concurrency ?? (ctx.database.kind === 'postgres' ? 8 : 1),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.workerId ? { workerId: options.workerId } : {}),
  });
  const worker = new FlowWorker(runtime, { ...(options.pollMs ? { pollMs: options.pollMs } : {}) });
  app.addHook('onClose', async () => worker.stop());
  const limiter = new WindowLimiter(options.webhookRateLimit ?? 120, 60_000);
  const base = '/api/apps/:app/flows';
  type P<T = object> = FastifyRequest<{
    Params: { app: string } & T;
    Querystring: Record<string, string | undefined>;
    Body: Record<string, unknown> | undefined;
  }>;
  const admin = (request: P) => {
    requireRight(request, 'editMetadata');
    requireAppAccess(request, request.params.app);
  };
  const flowOf = async (appKey: string, key: string) => {
    const { model } = await ctx.store.publishedModel(appKey);
    const flow = model.document.flows?.find((f) => f.key === key || f.id === key);
    if (!flow) throw new DougongError('NOT_FOUND', 'No such flow.');
    return { flow, model };
  };

  app.get(`${base}/runs`, { schema: { params: appParam } }, async (request: P) => {
    admin(request);
    const q = request.query;
    return {
      items: await listRuns(ctx.database.db, request.params.app, {
        ...(q.flow ? { flowId: (await flowOf(request.params.app, q.flow)).flow.id } : {}),
        ...(q.record ? { recordId: q.record } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.limit ? { limit: Number(q.limit) || 50 } : {}),
      }),
    };
  });
  app.get(`${base}/runs/:run`, async (request: P<{ run: string }>) => {
    admin(request);
    return runDetail(ctx.database.db, request.params.app, request.params.run);
  });
  const runAction = (action: 'retry' | 'cancel') =>
    app.post(`${base}/runs/:run/${action}`, async (request: P<{ run: string }>) => {
      admin(request);
      await runDetail(ctx.database.db, request.params.app, request.params.run);
      if (action === 'retry') await runtime.retryRun(request.params.run);
      else await runtime.cancelRun(request.params.run);
      worker.poke();
      return runDetail(ctx.database.db, request.params.app, request.params.run);
    });
  runAction('retry');
  runAction('cancel');

  // Manual start on records the caller can read (a button on a record or a list selection).
  app.post(`${base}/:flow/start`, async (request: P<{ flow: string }>) => {
    const principal = requireAppAccess(request, request.params.app);
    const { flow, model } = await flowOf(request.params.app, request.params.flow);
    if (flow.trigger.kind !== 'manual') throw new DougongError('NOT_FOUND', 'No such manual flow.');
    const ids = (request.body?.recordIds as unknown[] | undefined) ?? [];
    if (
      !Array.isArray(ids) ||
      ids.length > 200 ||
      ids.some((id) => typeof id !== 'string' || !UUID_PATTERN.test(id))
    )
      throw new DougongError('VALIDATION_FAILED', undefined, [
        { path: '/recordIds', message: 'must be up to 200 record ids' },
      ]);
    const requestId = randomUUID();
    const runs = [];
    if (ids.length === 0)
      runs.push(
        await runtime.triggers.startRun(request.params.app, flow.key, `manual:${requestId}`, {
          kind: 'manual',
          by: principal.userId,
        }),
      );
    const entity = flow.trigger.entity ? model.entitiesById.get(flow.trigger.entity) : undefined;
    for (const id of ids as string[]) {
      if (!entity) throw new DougongError('VALIDATION_FAILED', 'This flow does not take records.');
      const repo = await repositoryFor(ctx, request.params.app);
      await repo.get(entity, id, gateFor(model, entity, principal, ctx.now())); // 404 outside the caller's scope
      runs.push(
        await runtime.triggers.startRun(
          request.params.app,
          flow.key,
          `manual:${requestId}:${id}`,
          { kind: 'manual', by: principal.userId },
          { kinds: ['manual'], recordId: id },
        ),
      );
    }
    worker.poke();
    return { runs };
  });

  // A flow definition sent for a test run (the designer's unsaved draft of it), checked the way a draft
  // is — document schema and semantics, flow graph — against the published app, which it joins in
  // place of the published flow of the same id or key. Issues are reported under `/flow`.
  const draftFlowOf = async (appKey: string, key: string, input: unknown) => {
    const { model: published } = await ctx.store.publishedModel(appKey);
    const bad = (path: string, message: string) =>
      new DougongError('VALIDATION_FAILED', 'The flow is invalid.', [{ path, message }]);
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw bad('/flow', 'must be a flow');
    const candidate = input as Flow;
    if (candidate.key !== key && candidate.id !== key)
      throw bad('/flow/key', `must name the flow in the URL ("${key.slice(0, 64)}")`);
    const others = (published.document.flows ?? []).filter(
      (f) => f.id !== candidate.id && f.key !== candidate.key,
    );
    const doc = { ...published.document, flows: [...others, candidate] };
    const at = `/flows/${others.length}`;
    const validation = validateAppDocument(doc);
    const issues = validation.ok ? checkFlows(validation.document) : validation.issues;
    if (issues.length > 0)
      throw new DougongError(
        'VALIDATION_FAILED',
        'The flow is invalid.',
        issues.map((i) =>
          i.path === at || i.path.startsWith(`${at}/`)
            ? { ...i, path: `/flow${i.path.slice(at.length)}` }
            : i,
        ),
      );
    const model: AppModel = appModel(doc);
    return { flow: doc.flows[others.length]!, model };
  };

  // Test mode: the path and outputs, effects captured instead of performed. The flow is the published
  // one, or the definition in `flow`; the record a real one (`recordId`) or sample values (`record`).
  app.post(`${base}/:flow/test`, async (request: P<{ flow: string }>) => {
    admin(request);
    const body = request.body ?? {};
    const { flow, model } =
      body.flow === undefined
        ? await flowOf(request.params.app, request.params.flow)
        : await draftFlowOf(request.params.app, request.params.flow, body.flow);
    const repo = await repositoryFor(ctx, request.params.app);
    const recordId = body.recordId;
    let record: Record<string, unknown> | null = null;
    const entityId = triggerEntityOf(model.document, flow);
    if (recordId !== undefined) {
      const entity = entityId ? model.entitiesById.get(entityId) : undefined;
      if (!entity || typeof recordId !== 'string')
        throw new DougongError('VALIDATION_FAILED', 'This flow does not take a record.');
      record = await repo.get(entity, recordId);
    } else if (body.record !== undefined) {
      const sample = body.record;
      if (!sample || typeof sample !== 'object' || Array.isArray(sample) || Object.keys(sample).length > 500)
        throw new DougongError('VALIDATION_FAILED', undefined, [
          { path: '/record', message: 'must be an object of field values' },
        ]);
      // A sample has no row: steps that address the trigger record see the nil id (and are captured).
      record = { id: '00000000-0000-0000-0000-000000000000', ...(sample as Record<string, unknown>) };
    }
    return simulateFlow(flow, model, repo, {
      record,
      trigger: body.trigger ?? { kind: 'test', ...(record ? { entity: entityId } : {}) },
      now: ctx.now(),
    });
  });

  app.post(`${base}/:flow/webhook`, async (request: P<{ flow: string }>) => {
    admin(request);
    const { hookId, secret } = await runtime.triggers.createWebhook(request.params.app, request.params.flow);
    return { url: `/api/public/flow-hooks/${hookId}`, secret };
  });

  app.put(`/api/apps/:app/flow-secrets/:name`, async (request: P<{ name: string }>) => {
    admin(request);
    if (!secrets) throw new DougongError('CONFLICT', 'Flow secrets need DOUGONG_SECRET_KEY.');
    const value = request.body?.value;
    if (
      !/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(request.params.name) ||
      typeof value !== 'string' ||
      value.length > 4000
    )
      throw new DougongError('VALIDATION_FAILED', undefined, [
        { path: '/value', message: 'must be a string of up to 4000 characters' },
      ]);
    await secrets.put(ctx.database.db, request.params.app, request.params.name, value);
    return { name: request.params.name };
  });
  app.get(`/api/apps/:app/flow-secrets`, async (request: P) => {
    admin(request);
    return { names: secrets ? await secrets.names(ctx.database.db, request.params.app) : [] };
  });

  app.get('/api/flows/inbox', async (request) => ({
    items: await inboxOf(ctx.database.db, principalOf(request).userId),
  }));
  app.get('/api/flows/approvals', async (request) => ({
    items: await approvalsOf(ctx.database.db, principalOf(request).userId),
  }));
  app.post(
    '/api/flows/approvals/:id',
    async (
      request: FastifyRequest<{
        Params: { id: string };
        Body: { decision?: string; comment?: string } | undefined;
      }>,
    ) => {
      const decision = request.body?.decision;
      if (decision !== 'approved' && decision !== 'rejected' && decision !== 'returned')
        throw new DougongError('VALIDATION_FAILED', undefined, [
          { path: '/decision', message: 'must be approved, rejected or returned' },
        ]);
      if (!UUID_PATTERN.test(request.params.id)) throw new DougongError('NOT_FOUND', 'No such approval.');
      const comment =
        typeof request.body?.comment === 'string' ? request.body.comment.slice(0, 2000) : undefined;
      await runtime.decideApproval(request.params.id, principalOf(request).userId, decision, comment);
      worker.poke();
      return { status: decision };
    },
  );
  app.get('/api/flows/health', async (request) => {
    requireRight(request, 'editMetadata');
    return {
      worker: worker.started,
      lastError: worker.lastError ?? null,
      watchdog: await runtime.watchdog(),
    };
  });

  // Public webhook: per-flow URL + secret; the delivery's Idempotency-Key starts one run at most.
  app.post(
    '/api/public/flow-hooks/:hook',
    async (request: FastifyRequest<{ Params: { hook: string } }>, reply) => {
      limiter.hit(`${request.params.hook}|${request.ip}`);
      const secret = request.headers['x-dougong-webhook-secret'];
      const target =
        typeof secret === 'string'
          ? await runtime.triggers.resolveWebhook(request.params.hook, secret)
          : undefined;
      if (!target) throw new DougongError('NOT_FOUND', 'No such webhook.');
      const key = request.headers['idempotency-key'];
      const deliveryKey = typeof key === 'string' && /^[\x21-\x7e]{1,200}$/.test(key) ? key : randomUUID();
      const started = await runtime.triggers.startRun(
        target.appKey,
        target.flowId,
        `webhook:${deliveryKey}`,
        { kind: 'webhook', body: request.body ?? null, deliveryKey },
        { kinds: ['webhook'] },
      );
      worker.poke();
      reply.code(started.created ? 202 : 200);
      return started;
    },
  );

  // Tracked e-mail links: only signed URLs redirect (no open redirect); a click becomes a flow event.
  const clicks = new WindowLimiter(options.linkRateLimit ?? 120, 60_000);
  // A wildcard, not `:token`: tokens carry the URL and outgrow the router's parameter length limit.
  app.get('/api/public/t/*', async (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    clicks.hit(request.ip, ctx.now().getTime());
    const link = runtime.links?.verify(request.params['*']);
    if (!link) throw new DougongError('NOT_FOUND', 'No such link.');
    if (await recordLinkClick(ctx.database.db, ctx.store, link, ctx.now())) worker.poke();
    return reply
      .code(302)
      .header('location', link.url)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send();
  });

  // Open-tracking pixels: a signed token names the mail's run and record; an open becomes the record's
  // `emailOpened` event. A 1×1 GIF, never cached; a token that does not verify is a 404 and writes nothing.
  app.get('/api/public/o/*', async (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    clicks.hit(request.ip, ctx.now().getTime());
    const open = runtime.links?.verifyOpen(request.params['*']);
    if (!open) throw new DougongError('NOT_FOUND', 'No such image.');
    if (await recordEmailOpen(ctx.database.db, ctx.store, open, ctx.now())) worker.poke();
    return reply
      .code(200)
      .header('content-type', 'image/gif')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(PIXEL);
  });

  const server = { runtime, worker };
  app.decorate('flows', server);
  return server;
}
