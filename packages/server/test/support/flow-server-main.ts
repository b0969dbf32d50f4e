// A real Dougong server process for the crash and two-worker tests: PostgreSQL from DATABASE_URL,
// flows from the environment (see apps/server/src/flow-config.ts), worker started. Prints "ready <port>".
import { migrateSystem, openDatabase } from '@dougong/db';
import { buildServer } from '../../src/index.js';

const database = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 12 });
await migrateSystem(database.db);
const list = (v: string | undefined) => (v ?? '').split(',').filter(Boolean);
const app = await buildServer({
  database,
  metadataPollMs: 0,
  flows: {
    secretKey: 'process-test-key',
    smtp: { host: '127.0.0.1', port: Number(process.env.SMTP_PORT), from: 'flows@example.cn' },
    http: { allowHosts: [], allowPrivate: list(process.env.FLOW_HTTP_ALLOW_PRIVATE) },
    pollMs: Number(process.env.FLOW_POLL_MS ?? 20),
    leaseMs: Number(process.env.FLOW_LEASE_MS ?? 2000),
    concurrency: Number(process.env.FLOW_CONCURRENCY ?? 4),
    ...(process.env.FLOW_WORKER_ID ? { workerId: process.env.FLOW_WORKER_ID } : {}),
  },
});
await app.listen({ port: 0, host: '127.0.0.1' });
app.flows.worker.start();
const address = app.server.address();
process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : 0}\n`);
process.once('SIGTERM', () => {
  app.close().then(() => database.close().then(() => process.exit(0)));
});
