import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

export const SESSION_COOKIE = 'quanzi_session';

/** Who is calling: resolved from a bearer token or the session cookie. */
export interface Viewer {
  userId: string;
  role: 'user' | 'operator';
  sessionId: string;
}

/** Looks a raw session token up; null when unknown or expired. Supplied by the accounts module. */
export type SessionResolver = (token: string) => Promise<Viewer | null>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'required': anonymous callers get 401 before the body is even validated. 'socket': the
     * WebSocket handler refuses them itself (close code 4401), since a refused upgrade would
     * leave the socket to the client.
     */
    auth?: 'required' | 'optional' | 'socket';
  }
  interface FastifyRequest {
    viewer: Viewer | null;
    /** The raw token the caller presented, if any. */
    sessionToken: string | null;
    /** Set when a bearer token was presented but is unknown or expired. */
    badBearer: boolean;
  }
}

/** The bearer token from `Authorization: Bearer …`, if present. */
export function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Resolves the caller once per request. An unknown bearer token is an error the client must
 * hear about (401 even on public routes); a stale cookie just means "anonymous" and is cleared.
 */
export function registerAuth(app: FastifyInstance, resolve: SessionResolver): void {
  app.decorateRequest('viewer', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('badBearer', false);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const bearer = bearerToken(req);
    const cookie = req.cookies?.[SESSION_COOKIE];
    const token = bearer ?? cookie ?? null;
    if (token) {
      const viewer = await resolve(token);
      if (viewer) {
        req.viewer = viewer;
        req.sessionToken = token;
      } else if (bearer && req.routeOptions.config.auth !== 'socket') {
        req.badBearer = true;
        throw new AppError('invalid_token');
      } else if (!bearer) {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    if (!req.viewer && req.routeOptions.config.auth === 'required') {
      throw new AppError('unauthenticated');
    }
  });
}

/** The logged-in caller, or 401. */
export function requireViewer(req: FastifyRequest): Viewer {
  if (!req.viewer) throw new AppError('unauthenticated');
  return req.viewer;
}
