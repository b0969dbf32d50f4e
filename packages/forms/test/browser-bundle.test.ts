import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

// The engine ships in the runtime's first load, so its browser bundle must not drag in the metadata
// validator (ajv) or the ReDoS analyser (recheck, ~3 MB): patterns reaching a browser were checked on save.
describe('@dougong/forms in a browser bundle', () => {
  it('leaves out ajv, recheck, kysely and json-logic-js, and stays small', async () => {
    const result = (await build({
      root: ROOT,
      logLevel: 'silent',
      configFile: false,
      resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
      build: {
        write: false,
        minify: true,
        lib: { entry: `${ROOT}packages/forms/src/index.ts`, formats: ['es'], fileName: 'forms' },
      },
    })) as Rollup.RollupOutput[] | Rollup.RollupOutput;
    const output = (Array.isArray(result) ? result[0]! : result).output;
    const chunks = output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
    const modules = chunks.flatMap((c) => Object.keys(c.modules));
    for (const heavy of [
      '/ajv/',
      '/ajv-formats/',
      '/recheck/',
      '/kysely/',
      '/json-logic-js/',
      '/@sinclair/typebox/',
    ])
      expect(
        modules.filter((m) => m.includes(heavy)),
        heavy,
      ).toEqual([]);
    const gzip = chunks.reduce((n, c) => n + gzipSync(c.code).length, 0);
    expect(gzip).toBeLessThan(80 * 1024);
  });
});
