import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The UI is built into web/dist and served by the Fastify app (src/api/routes/web.ts), same origin
// as the API, so the session cookie and CSRF header need no CORS. `npm run build:web` builds it.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // ECharts is large even tree-shaken; keep it in its own chunk so the first page paints sooner.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development proxies the API to a running server.
    proxy: { '/api': 'http://127.0.0.1:3000', '/webhooks': 'http://127.0.0.1:3000' },
  },
});
