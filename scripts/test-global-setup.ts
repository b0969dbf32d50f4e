import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Imported from source: the global setup runs before workspace source resolution applies.
import { writePgliteTemplate } from '../packages/db/src/testing/index.js';

/**
 * Creating a PGlite data directory takes seconds; loading a dump of one takes a fraction of that.
 * Without DATABASE_URL, make one empty cluster, dump it once per run and let every test file load it.
 */
export default async function setup(): Promise<() => void> {
  if (process.env.DATABASE_URL) return () => undefined;
  const path = join(tmpdir(), `dougong-pglite-template-${process.pid}.tar`);
  await writePgliteTemplate(path);
  process.env.DOUGONG_PGLITE_TEMPLATE = path;
  return () => rmSync(path, { force: true });
}
