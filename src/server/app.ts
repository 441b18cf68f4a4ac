import Fastify, {
  LogController,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { ErrorResponse } from '../shared/api/common.ts';
import websocket from '@fastify/websocket';
import { StreamGateway, streamSocketErrorHandler } from './platform/realtime/gateway.ts';
import { STREAM_LIMITS } from '../shared/realtime.ts';
import type { Config } from './platform/config.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import { bearerToken, registerAuth } from './platform/http/auth.ts';
import { publicCache, registerCacheControl } from './platform/http/cache-control.ts';
import { registerCsrfProtection } from './platform/http/csrf.ts';
import { registerSecurityHeaders } from './platform/http/security-headers.ts';
import { AppError } from './platform/http/errors.ts';
import {
  clientErrorHandler,
  frameworkErrors,
  MAX_PARAM_LENGTH,
  registerErrorHandler,
  type PageFallback,
} from './platform/http/error-handler.ts';
import { CLIENT_DIR, registerWebClient } from './platform/http/web-client.ts';
import type { App } from './platform/http/types.ts';
import { refuseUnknownFields, validatorCompiler } from './platform/http/validation.ts';
import type { PubSub } from './platform/events/pubsub.ts';
import { createServices, type Services } from './services.ts';
import { configurePasswordHashing } from './modules/accounts/index.ts';
import { registerRoutes } from './routes.ts';

/** Request log lines without a caller's exact location (lat/lng are reduced to "…"). */
function serializeRequest(req: { method: string; url: string; id: string }) {
  return {
    method: req.method,
    url: req.url.replace(/([?&](?:lat|lng)=)[^&]*/g, '$1…'),
    reqId: req.id,
  };
}

/** One access-log line per request, when it completes (Fastify logs two by default). */
class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    err: Error | null | undefined,
    req: FastifyRequest,
    reply: FastifyReply,
  ) {
    if (this.isLogDisabled(req)) return;
    const line = {
      req: serializeRequest(req),
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime,
    };
    if (err) reply.log.error({ ...line, err }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  pubsub: PubSub;
  /** Shared rate-limit counters across processes; in-process counters when absent. */
  redis?: Redis;
  /** Namespace for shared Redis keys (tests give each file its own). */
  redisNamespace?: string;
  logger?: FastifyServerOptions['loggerInstance'];
  /** Ping interval of the stream's heartbeat (tests shorten it). */
  heartbeatMs?: number;
  /** Poll and run due jobs in this process (default true). */
  runJobs?: boolean;
  /**
   * The built web client to serve at `/` (web-client.ts): its directory, or false for none.
   * Default: dist/client when it has been built.
   */
  webClient?: string | false;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    gateway: StreamGateway;
  }
}

/** Builds the whole HTTP application; it never listens (tests use inject, main.ts listens). */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: deps.logger }
      : { logger: { level: config.logLevel, serializers: { req: serializeRequest } } }),
    bodyLimit: config.bodyLimitBytes,
    logController: new AccessLog(),
    // Behind a reverse proxy, req.ip is the client's address only for proxies trusted here.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    // Errors before routing (bad URL encoding, over-long parameters, unparsable requests) are
    // answered in the one error shape too.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    // On shutdown, close every socket — including refused WebSocket upgrades a client left open.
    forceCloseConnections: true,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : uuidv7();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);

  configurePasswordHashing(config.passwordHash);
  const services = createServices(config, deps.database, deps.pubsub, app.log as Logger);
  app.decorate('services', services);
  await services.interests.syncTaxonomy();

  const pages: { fallback: PageFallback | null } = { fallback: null };
  registerErrorHandler(app, pages);
  // Bodies are JSON: a text/plain body (what a cross-site form or beacon can send without a
  // preflight) is 415 like any other type, instead of reaching a route as a string.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', (req, reply, _payload, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
  // Every route documents the error shape for 4xx/5xx and, where it needs a session, the scheme;
  // every body refuses fields its schema does not name. The error shape is one shared schema
  // (components.schemas.ErrorResponse in the OpenAPI document, its code an enum of the
  // catalogue), referenced by every route rather than copied into each.
  app.addSchema(ErrorResponse);
  const errorRef = { $ref: 'ErrorResponse#' };
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ??= {}) as Record<string, unknown>;
    if (schema.body) schema.body = refuseUnknownFields(schema.body);
    const response = (schema.response ??= {}) as Record<string, unknown>;
    response['4xx'] ??= errorRef;
    response['5xx'] ??= errorRef;
    if (route.config?.auth === 'required') {
      schema.security ??= [{ bearerAuth: [] }, { cookieAuth: [] }];
    }
  });

  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        // Plain-HTTP deployments (the embedded default) must not have requests upgraded.
        upgradeInsecureRequests: config.cookieSecure ? [] : null,
      },
    },
    strictTransportSecurity: config.cookieSecure,
  });
  await app.register(cookie);
  registerCacheControl(app);
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    ...(deps.redis
      ? { redis: deps.redis, nameSpace: `${deps.redisNamespace ?? 'quanzi'}:rl:` }
      : {}),
    // The web client's files (everything outside the API that is only read) are not counted: a
    // first visit fetches some thirty of them, and a school or office behind one address would
    // otherwise spend its API allowance on loading the app. They are static, precompressed files
    // with their own cache headers; the API, /openapi.json and /docs stay limited.
    allowList: (req) =>
      (req.method === 'GET' || req.method === 'HEAD') &&
      !req.url.startsWith('/api/') &&
      !req.url.startsWith('/docs') &&
      !req.url.startsWith('/openapi.json'),
    // Logged-in callers are counted per token, others per address.
    keyGenerator: (req) => {
      const token = bearerToken(req);
      return token ? `t:${token.slice(0, 24)}` : `a:${req.ip}`;
    },
    errorResponseBuilder: (_req, ctx) =>
      new AppError('rate_limited', `Too many requests; try again in ${ctx.after}.`),
  });
  registerCsrfProtection(app, config.trustedOrigins);
  registerAuth(app, (token) => services.accounts.resolveSession(token));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'quanzi API',
        version: '1.0.0',
        description:
          '兴趣圈子 — interest groups, local activities, messaging centre and wallet. ' +
          'Errors always have the shape {"error": {"code", "message"}}. Lists are ' +
          '{items, nextCursor} with ?cursor=&limit=. Money is integer fen.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'quanzi_session' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.get('/openapi.json', { schema: { hide: true } }, (_req, reply) => {
    publicCache(reply, 300);
    return app.swagger();
  });
  app.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['platform'],
        summary: 'Liveness and database reachability',
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }) },
      },
    },
    async () => {
      await deps.database.db.selectFrom('users').select('id').limit(1).execute();
      return { status: 'ok' as const, database: deps.database.dialect };
    },
  );

  if (deps.webClient !== false) {
    pages.fallback = await registerWebClient(app, deps.webClient ?? CLIENT_DIR);
  }

  registerRoutes(app, services, config);
  // A client frame over the bound closes its socket with 1009 (the ws library enforces it).
  await app.register(websocket, {
    options: { maxPayload: STREAM_LIMITS.maxFrameBytes },
    errorHandler: streamSocketErrorHandler,
  });
  const gateway = new StreamGateway({
    db: deps.database.db,
    pubsub: deps.pubsub,
    eventLog: services.eventLog,
    log: app.log,
    heartbeatMs: deps.heartbeatMs,
    authorizeThread: async (viewer, threadId) => {
      try {
        const { thread } = await services.forum.threadAccess(threadId, viewer);
        return { groupId: thread.groupId };
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') return null;
        throw err;
      }
    },
    blockedIds: (userId) => services.accounts.blockedIds(userId),
  });
  gateway.register(app);
  app.decorate('gateway', gateway);

  // Hot ranks decay with age, so they are recomputed every 10 minutes; ended activities are
  // marked completed every minute (which schedules their payout). Both are idempotent and safe
  // to run in every process: one conditional UPDATE completes each activity exactly once.
  let hotTimer: NodeJS.Timeout | undefined;
  let completeTimer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    services.dispatcher.start();
    if (deps.runJobs !== false) {
      await services.wallet.scheduleHousekeeping();
      services.jobs.start();
      completeTimer = setInterval(() => {
        services.activities
          .completeEnded()
          .catch((err: unknown) => app.log.error({ err }, 'completing ended activities failed'));
      }, 60_000);
      completeTimer.unref();
    }
    hotTimer = setInterval(() => {
      services.forum
        .refreshHotRanks()
        .catch((err: unknown) => app.log.error({ err }, 'hot rank refresh failed'));
    }, 10 * 60_000);
    hotTimer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(hotTimer);
    clearInterval(completeTimer);
    await services.jobs.stop();
    await services.dispatcher.stop();
  });
  await app.ready();
  return app;
}
