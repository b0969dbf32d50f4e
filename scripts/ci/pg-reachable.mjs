// Exits 0 when the PostgreSQL server at the given URL answers `select 1` within 3 seconds.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../packages/db/package.json', import.meta.url));
const pg = require('pg');
const client = new pg.Client({ connectionString: process.argv[2], connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  await client.query('select 1');
  await client.end();
  process.exit(0);
} catch {
  process.exit(1);
}
