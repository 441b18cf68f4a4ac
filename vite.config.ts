import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The web client (src/client), built into dist/client, which the server serves at `/`
 * (src/server/platform/http/web-client.ts). `npm run dev` runs this with hot reload and proxies
 * the API, its docs and the stream to a server on API_PORT (3000).
 */
const api = `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`;

export default defineConfig({
  root: 'src/client',
  plugins: [react()],
  build: {
    outDir: '../../dist/client',
    emptyOutDir: true,
    // Hashed file names under assets/: the server caches them for a year.
    assetsDir: 'assets',
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api/v1/stream': { target: api, ws: true },
      '/api': api,
      '/openapi.json': api,
      '/docs': api,
    },
  },
});
