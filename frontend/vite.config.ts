/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// Deterministic build: asset names carry content hashes, no source maps, no
// build time or absolute path in the output, so check-dist.sh can compare
// the committed dist/ with a fresh build. Cytoscape is loaded lazily (a
// dynamic import in the path view), so it is a chunk of its own and the
// dashboard does not wait for it.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/graphql': 'http://127.0.0.1:8080', '/export': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
