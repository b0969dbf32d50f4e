import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

async function modulesOf(entry: string): Promise<{ modules: string[]; gzip: number }> {
  const result = (await build({
    root: ROOT,
    logLevel: 'silent',
    configFile: false,
    resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
    build: { write: false, minify: true, lib: { entry, formats: ['es'], fileName: 'designer' } },
  })) as Rollup.RollupOutput[] | Rollup.RollupOutput;
  const chunks = (Array.isArray(result) ? result[0]! : result).output.filter(
    (o): o is Rollup.OutputChunk => o.type === 'chunk',
  );
  return {
    modules: chunks.flatMap((c) => Object.keys(c.modules)),
    gzip: chunks.reduce((n, c) => n + gzipSync(c.code).length, 0),
  };
}

// The designer's main entry loads with the designer page; the server's validators (ajv, the ReDoS
// checker) and the flow runtime's template and cron engines stay in `@dougong/designer/check`.
describe('@dougong/designer in a browser bundle', () => {
  it('leaves out ajv, recheck, handlebars, croner, kysely and json-logic-js', async () => {
    const { modules, gzip } = await modulesOf(`${ROOT}packages/designer/src/index.ts`);
    for (const heavy of [
      '/ajv/',
      '/ajv-formats/',
      '/recheck/',
      '/handlebars/',
      '/croner/',
      '/kysely/',
      '/json-logic-js/',
    ])
      expect(
        modules.filter((m) => m.includes(heavy)),
        heavy,
      ).toEqual([]);
    // About 51 KiB when written (TypeBox included: the designer reads editable properties from the schema).
    expect(gzip).toBeLessThan(64 * 1024);
  });

  it('brings the validators with the check entry only', async () => {
    const { modules } = await modulesOf(`${ROOT}packages/designer/src/check.ts`);
    expect(modules.some((m) => m.includes('/ajv/'))).toBe(true);
  });
});
