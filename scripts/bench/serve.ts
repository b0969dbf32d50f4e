// A server for the load test, in its own process so the load generator does not share its core.
// Usage: tsx --conditions=source serve.ts <api|bare> <pglite-data-dir|postgres-url>
import { openDatabase } from '@dougong/db';
import { buildServer } from '@dougong/server';
import Fastify from 'fastify';
import { handQueries } from './hand-queries.js';

const [mode, target] = process.argv.slice(2);
const isUrl = target?.startsWith('postgres');
const database = await openDatabase(isUrl ? { url: target, poolSize: 10 } : { dataDir: target });

if (mode === 'api') {
  const app = await buildServer({ database, metadataPollMs: 0 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : 0}\n`);
} else {
  // The baseline: bare Fastify running the same SQL through the same driver, no platform code.
  const app = Fastify({ logger: false });
  const q = handQueries(database.db);
  const page = q.page.compile();
  const count = q.count.compile();
  const run = async (compiled: { sql: string; parameters: readonly unknown[] }) =>
    (await database.db.executeQuery({ ...compiled, query: compiled.query } as never)).rows;
  app.get('/list', async () => {
    const [rows, total] = await Promise.all([run(page as never), run(count as never)]);
    return { items: rows.slice(0, 50), total: (total[0] as { n: number }).n };
  });
  app.get<{ Params: { id: string } }>('/get/:id', async (request) => {
    const rows = await run(q.byId(request.params.id).compile() as never);
    return rows[0];
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : 0}\n`);
}
process.once('SIGTERM', () => {
  database.close().finally(() => process.exit(0));
});
