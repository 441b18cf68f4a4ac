import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken, SESSION_COOKIE } from './auth.ts';
import { AppError } from './errors.ts';

/** Methods that may change state; GET, HEAD and OPTIONS never do (see docs/api.md). */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Where a request says it comes from:
 * - 'trusted': `Sec-Fetch-Site: same-origin` (set by the browser, no page can forge it), or an
 *   `Origin` that is PUBLIC_URL's or one of TRUSTED_ORIGINS;
 * - 'cross-site': any other `Origin` (`null` included), or `Sec-Fetch-Site` `same-site` /
 *   `cross-site`: a page of another site made the browser send it;
 * - 'unknown': neither header — not a modern browser's cross-origin write (API clients, curl).
 */
export type RequestSite = 'trusted' | 'cross-site' | 'unknown';

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

export function requestSite(req: FastifyRequest, trusted: ReadonlySet<string>): RequestSite {
  const site = header(req, 'sec-fetch-site')?.toLowerCase();
  const origin = header(req, 'origin');
  if (site === 'same-origin') return 'trusted';
  if (origin !== undefined) return trusted.has(origin) ? 'trusted' : 'cross-site';
  if (site !== undefined && site !== 'none') return 'cross-site';
  return 'unknown';
}

/** The session comes from the cookie (a browser sends it by itself), not a bearer token. */
function cookieSession(req: FastifyRequest): boolean {
  return bearerToken(req) === null && Boolean(req.cookies?.[SESSION_COOKIE]);
}

const refused = () => new AppError('cross_site_request');

/**
 * Cross-site request forgery: a write (POST, PUT, PATCH, DELETE) authenticated by the session
 * cookie must show that it comes from our own pages — `Sec-Fetch-Site: same-origin` or a
 * trusted `Origin`; without either it is refused too. SameSite=Lax alone lets a bodiless or
 * `text/plain` POST from another site through in some browsers and on same-site subdomains.
 * A write that shows it comes from another site is refused even without a cookie, so no page
 * can log a visitor into an account of its choosing (log-in CSRF). Bearer-token clients are
 * not affected: no browser attaches their header by itself.
 */
export function checkWrite(req: FastifyRequest, trusted: ReadonlySet<string>): void {
  if (!UNSAFE_METHODS.has(req.method) || bearerToken(req) !== null) return;
  const site = requestSite(req, trusted);
  if (site === 'trusted') return;
  if (site === 'cross-site' || cookieSession(req)) throw refused();
}

/**
 * The WebSocket handshake is a GET that SameSite=Lax does not protect and CORS does not apply
 * to, so its Origin is checked: a browser always sends one, and a foreign one is refused;
 * a socket authenticated by the cookie needs a trusted one. Bearer clients (not browsers)
 * may send none.
 */
export function checkUpgrade(req: FastifyRequest, trusted: ReadonlySet<string>): void {
  const site = requestSite(req, trusted);
  if (site === 'trusted') return;
  if (site === 'cross-site' || cookieSession(req)) throw refused();
}

const isWebSocketUpgrade = (req: FastifyRequest) =>
  req.method === 'GET' && header(req, 'upgrade')?.toLowerCase() === 'websocket';

/**
 * Refuses cross-site writes and WebSocket handshakes with `403 cross_site_request`.
 *
 * Writes are checked in an onRequest hook: before the session is resolved and before any body
 * is read, so a refused request changes nothing. Register after @fastify/cookie (which parses
 * the cookie) and before the auth hook.
 *
 * Handshakes are checked in preValidation, before the route's handler would upgrade: the answer
 * is a plain HTTP 403 in the error shape. It has to come after @fastify/websocket's own
 * onRequest hook, which marks the request so that the socket is closed once the refusal is sent
 * (a refused socket a client keeps open would otherwise hold the server's shutdown).
 */
export function registerCsrfProtection(app: FastifyInstance, trustedOrigins: string[]): void {
  const trusted = new Set(trustedOrigins);
  app.addHook('onRequest', async (req) => checkWrite(req, trusted));
  app.addHook('preValidation', async (req) => {
    if (isWebSocketUpgrade(req)) checkUpgrade(req, trusted);
  });
}
