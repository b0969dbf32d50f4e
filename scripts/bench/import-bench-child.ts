// One database's import benchmark in a process of its own (started by scripts/bench.ts), so what one
// database's run leaves behind in the process (the embedded engine's memory, a grown heap) does not
// slow the other's. Settings come from the environment: IMPORT_BENCH_KIND (pglite | postgres),
// IMPORT_BENCH_URL, IMPORT_BENCH_ROWS, IMPORT_BENCH_BASELINE_ROWS, IMPORT_BENCH_DRAIN_SECONDS.
import { runImportBench } from './import-bench.js';

const kind = process.env.IMPORT_BENCH_KIND === 'postgres' ? 'postgres' : 'pglite';
await runImportBench({
  kind,
  ...(process.env.IMPORT_BENCH_URL ? { url: process.env.IMPORT_BENCH_URL } : {}),
  rows: Number(process.env.IMPORT_BENCH_ROWS ?? 100_000),
  ...(process.env.IMPORT_BENCH_BASELINE_ROWS
    ? { baselineRows: Number(process.env.IMPORT_BENCH_BASELINE_ROWS) }
    : {}),
  drainSeconds: Number(process.env.IMPORT_BENCH_DRAIN_SECONDS ?? 20),
  log: (line) => process.stdout.write(`${line}\n`),
});
