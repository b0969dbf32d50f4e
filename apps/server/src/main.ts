import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdentityStore, migrateSystem, openDatabase, TemplateInstaller } from '@dougong/db';
import { buildServer, hashPassword } from '@dougong/server';
import { readConfig } from './config.js';
import { lockDataDir } from './data-dir-lock.js';
import { readFlowConfig } from './flow-config.js';
import { bundledTemplates, installTemplates } from './install-templates.js';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  if (!config.databaseUrl) mkdirSync(resolve(config.dataDir), { recursive: true });
  // The embedded engine is single-process: the CLI and the server must not open it at once.
  const release = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  process.once('exit', release);
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : resolve(config.dataDir, 'pglite'),
  });
  await migrateSystem(database.db);
  // The first administrator: ADMIN_PASSWORD, or a generated password printed exactly once.
  const generated = config.adminPassword ? undefined : randomBytes(12).toString('base64url');
  const admin = await new IdentityStore(database.db).ensureFirstAdmin(
    await hashPassword(config.adminPassword ?? generated!),
  );
  if (admin && generated) {
    process.stdout.write(
      `\n  First start: created user "admin" with password ${generated}\n  Sign in and change it; it is not shown again.\n\n`,
    );
  }
  // The built web app (apps/web/dist), when present, is served at `/`.
  const webRoot = process.env.WEB_ROOT ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
  const templates = bundledTemplates();
  const app = await buildServer({
    database,
    templates,
    logger: true,
    flows: readFlowConfig(process.env, config.dataDir),
    ...(existsSync(resolve(webRoot, 'index.html')) ? { webRoot: resolve(webRoot) } : {}),
  });
  const store = app.dougong.store;
  await installTemplates(
    store,
    new TemplateInstaller(database.db, store),
    templates,
    config.installTemplates,
    (m) => app.log.info(m),
  );
  app.addHook('onClose', async () => database.close());
  const shutdown = (signal: string) => {
    app.log.info(`${signal} received, shutting down`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  if (process.env.FLOW_WORKER !== 'off') app.flows.worker.start();
  app.log.info(
    `Dougong is running on http://${config.host}:${config.port} (${database.kind}); API docs at /api/docs`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
