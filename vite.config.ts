import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { compression } from 'vite-plugin-compression2';

/**
 * The web client (src/client), built into dist/client, which the server serves at `/`
 * (src/server/platform/http/web-client.ts). `npm run dev` runs this with hot reload and proxies
 * the API, its docs and the stream to a server on API_PORT (3000).
 */
const api = `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`;

export default defineConfig({
  root: 'src/client',
  plugins: [
    react(),
    // An installable app: the manifest, and a service worker that caches the app shell (every
    // built file) so a home-screen start or a start without network opens the app and its
    // offline banner instead of a blank page. API answers are never cached by it.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      includeAssets: ['icon.svg', 'apple-touch-icon.png'],
      manifest: {
        name: '兴趣圈子',
        short_name: '兴趣圈子',
        description: '找到同好，加入小组，发现身边的活动',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#c23a22',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        navigateFallback: '/index.html',
        // The server's own pages and the API are never answered from the cache.
        navigateFallbackDenylist: [/^\/api\//, /^\/docs/, /^\/openapi\.json/, /^\/healthz/],
        cleanupOutdatedCaches: true,
      },
    }),
    // Brotli and gzip copies beside each built file (x.js.br, x.js.gz), made once at build time;
    // the server sends the one the browser accepts (@fastify/static `preCompressed`), so a phone
    // on a slow network downloads a third of the bytes and the server spends no CPU on it.
    compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024 }),
  ],
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
