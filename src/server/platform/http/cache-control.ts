import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Responses carry tokens and personal data (a session, a profile, a balance), so none may be
 * kept by a browser's cache, a proxy or a CDN: every response is `Cache-Control: no-store`
 * unless its route chose a public policy (`publicCache`). A response that sets a cookie is
 * always `no-store`, whatever the route chose, so a shared cache never hands one person's
 * Set-Cookie to another. Registered after @fastify/cookie, whose onSend hook writes Set-Cookie.
 */
export function registerCacheControl(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('cache-control') || reply.hasHeader('set-cookie')) {
      void reply.header('cache-control', 'no-store');
    }
  });
}

/**
 * Lets shared caches keep this response for `seconds`: only for what is the same for everyone
 * (the interest taxonomy, the OpenAPI document). `vary` names request headers it depends on.
 */
export function publicCache(reply: FastifyReply, seconds: number, vary?: string): void {
  void reply.header('cache-control', `public, max-age=${seconds}`);
  if (vary) void reply.header('vary', vary);
}
