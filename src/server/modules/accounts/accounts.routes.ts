import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';
import {
  AuthResponse,
  BlockedUser,
  BlockResponse,
  LoginBody,
  Me,
  PublicProfile,
  RegisterBody,
  UpdateMeBody,
} from '../../../shared/api/accounts.ts';
import { IdParams } from '../../../shared/api/common.ts';
import { requireViewer, SESSION_COOKIE } from '../../platform/http/auth.ts';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { AccountsService, Session } from './accounts.service.ts';

export interface AccountsRoutesOptions {
  accounts: AccountsService;
  cookieSecure: boolean;
  authRateLimitPerMinute: number;
}

/** Accounts: register, log in and out, my profile, public profiles, blocks. */
export function accountsRoutes(app: App, opts: AccountsRoutesOptions): void {
  const { accounts } = opts;
  const tags = ['accounts'];
  // Log-in and registration are limited per address, tighter than the rest of the API.
  const authLimit = {
    max: opts.authRateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (req: { ip: string }) => `auth:${req.ip}`,
  };

  const startSession = (reply: FastifyReply, s: Session) => {
    reply.setCookie(SESSION_COOKIE, s.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.cookieSecure,
      expires: new Date(s.expiresAt),
    });
    return { token: s.token, user: s.user };
  };

  app.post(
    '/api/v1/auth/register',
    {
      config: { rateLimit: authLimit },
      schema: {
        tags,
        summary: 'Create an account and log in',
        body: RegisterBody,
        response: { 201: AuthResponse },
      },
    },
    async (req, reply) => {
      const session = await accounts.register(req.body, req.ip);
      return reply.code(201).send(startSession(reply, session));
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { rateLimit: authLimit },
      schema: {
        tags,
        summary: 'Log in; the token works as a bearer token and is also set as a cookie',
        body: LoginBody,
        response: { 200: AuthResponse },
      },
    },
    async (req, reply) =>
      startSession(reply, await accounts.login(req.body.username, req.body.password, req.ip)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: 'required' },
      schema: { tags, summary: 'End this session', response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      await accounts.logout(requireViewer(req));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { auth: 'required' },
      schema: { tags, summary: 'My profile', response: { 200: Me } },
    },
    (req) => accounts.getMe(requireViewer(req)),
  );

  app.patch(
    '/api/v1/me',
    {
      config: { auth: 'required' },
      schema: { tags, summary: 'Change my profile', body: UpdateMeBody, response: { 200: Me } },
    },
    (req) => accounts.updateMe(requireViewer(req), req.body),
  );

  app.get(
    '/api/v1/me/blocks',
    {
      config: { auth: 'required' },
      schema: {
        tags,
        summary: 'People I have blocked',
        querystring: PageQuery,
        response: { 200: Page(BlockedUser) },
      },
    },
    (req) =>
      accounts.listBlocks(
        requireViewer(req),
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'A public profile',
        params: IdParams,
        response: { 200: PublicProfile },
      },
    },
    (req) => accounts.getProfile(req.params.id),
  );

  app.post(
    '/api/v1/users/:id/block',
    {
      config: { auth: 'required' },
      schema: {
        tags,
        summary: 'Block a person: hides their posts and stops their messages and notifications',
        params: IdParams,
        response: { 200: BlockResponse },
      },
    },
    async (req) => {
      await accounts.block(requireViewer(req), req.params.id);
      return { userId: req.params.id, blocked: true };
    },
  );

  app.delete(
    '/api/v1/users/:id/block',
    {
      config: { auth: 'required' },
      schema: {
        tags,
        summary: 'Unblock a person',
        params: IdParams,
        response: { 200: BlockResponse },
      },
    },
    async (req) => {
      await accounts.unblock(requireViewer(req), req.params.id);
      return { userId: req.params.id, blocked: false };
    },
  );
}
