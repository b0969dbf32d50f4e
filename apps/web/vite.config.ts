import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// recheck (the ReDoS checker) is a 2.9 MB Scala.js bundle: the browser gets a conservative static
// check instead, and the server, which runs the real checker, has the final word on every pattern.
const regexShim = fileURLToPath(new URL('./src/lib/regex-safety-shim.ts', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    alias: [
      { find: /^recheck\/lib\/browser\.js$/, replacement: regexShim },
      { find: /^recheck$/, replacement: regexShim },
    ],
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
