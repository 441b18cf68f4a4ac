import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build:client` (Vite) writes the web client. */
export const CLIENT_DIR = fileURLToPath(new URL('../../../../dist/client', import.meta.url));

/** Paths that are never the client's, whatever the Accept header says. */
const SERVER_PATHS = /^\/(?:api|docs|openapi\.json|healthz)(?:[/?#]|$)/;
const YEAR = 365 * 24 * 3600;

/**
 * Serves the built web client at `/`: its files as they are (hashed assets under /assets/ cached
 * for a year, `immutable`; index.html and the rest revalidated on every visit, so a new release
 * is picked up at once), and index.html for any other GET that asks for a page — the client's
 * routes (/community, /threads/…) — so a reload or a shared link opens the right screen. The
 * API, /docs and /openapi.json are untouched: their 404s stay JSON.
 *
 * Returns the fallback for the not-found handler, or null when there is no build (the API
 * still runs; main.ts builds the client before starting when it is missing or stale).
 */
export async function registerWebClient(
  app: FastifyInstance,
  dir = CLIENT_DIR,
): Promise<((req: FastifyRequest, reply: FastifyReply) => boolean) | null> {
  const indexFile = path.join(dir, 'index.html');
  if (!fs.existsSync(indexFile)) return null;
  const indexHtml = fs.readFileSync(indexFile);
  // The page in the encodings the build wrote beside it, best first (as `preCompressed` does).
  const indexEncoded = (['br', 'gzip'] as const).flatMap((encoding) => {
    const file = `${indexFile}.${encoding === 'br' ? 'br' : 'gz'}`;
    const accepts = new RegExp(`\\b${encoding}\\b`);
    return fs.existsSync(file) ? [{ encoding, accepts, body: fs.readFileSync(file) }] : [];
  });
  await app.register(async (scope) => {
    // After the app-wide `no-store` default (cache-control.ts): files are the same for everyone.
    scope.addHook('onSend', async (req, reply) => {
      const hashed = req.url.startsWith('/assets/');
      void reply.header(
        'cache-control',
        hashed ? `public, max-age=${YEAR}, immutable` : 'no-cache',
      );
    });
    await scope.register(fastifyStatic, {
      root: dir,
      // One route per file found at start (a build replaces the directory before a start).
      wildcard: false,
      index: false,
      cacheControl: false,
      // The build writes x.br and x.gz beside each file (vite.config.ts): sent to a browser that
      // accepts them (Vary: Accept-Encoding), the file itself otherwise.
      preCompressed: true,
      // /docs has its own (swagger-ui): keep ours from answering under it.
      allowedPath: (pathName) => !SERVER_PATHS.test(pathName),
    });
  });
  return (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url.split('?')[0] ?? '/';
    if (SERVER_PATHS.test(url)) return false;
    // A page request (a browser navigation), not a missing script or image.
    if (!(req.headers.accept ?? '').includes('text/html')) return false;
    const accepted = String(req.headers['accept-encoding'] ?? '');
    const encoded = indexEncoded.find((e) => e.accepts.test(accepted));
    void reply
      .code(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding');
    if (encoded) void reply.header('content-encoding', encoded.encoding);
    void reply.send(encoded?.body ?? indexHtml);
    return true;
  };
}
