import { defineConfig } from 'vite';

// Deterministic build: fixed asset names by content hash, no build time or
// absolute paths in the output, so frontend/check-dist.sh can compare the
// committed dist with a fresh build.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/cytoscape')) return 'cytoscape';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { '/graphql': 'http://127.0.0.1:8080', '/export': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
