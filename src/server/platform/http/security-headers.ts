import type { ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Helmet's security headers on every response. They depend only on the configuration, so
 * helmet runs once, at start-up, against a stand-in response, and each request gets the
 * recorded headers. (@fastify/helmet rebuilds the whole helmet middleware — parsing the CSP
 * directives again — on every request: a measurable share of a cheap request's CPU.)
 */
export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  } as unknown as ServerResponse;
  let failed: unknown;
  helmet(options)({} as never, recorder, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed;
  const entries = Object.entries(headers);
  app.addHook('onRequest', (_req, reply, done) => {
    for (const [name, value] of entries) void reply.header(name, value);
    done();
  });
}
