import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue, type ErrorBody, type ErrorCode } from '../../../shared/errors.ts';
import { AppError } from './errors.ts';

/** Longest path parameter the router accepts (Fastify's default); longer is 400 invalid_input. */
export const MAX_PARAM_LENGTH = 100;

/** Fastify's own client-error codes and what each means in our catalogue. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_input',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_input',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

const byStatus: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

type Validation = NonNullable<FastifyError['validation']>;

/**
 * At most this many field errors are reported: a body of 10,000 bad items would otherwise be
 * answered with an error hundreds of kilobytes long (the validator collects every error).
 */
const MAX_REPORTED_ERRORS = 10;

/** "body/username must match pattern …" → one readable sentence plus per-field details. */
function describeValidation(errors: Validation, context: string | undefined) {
  const details = errors.slice(0, MAX_REPORTED_ERRORS).map((e) => {
    const { missingProperty, additionalProperty } = e.params as {
      missingProperty?: string;
      additionalProperty?: string;
    };
    const path = (e.instancePath || '').replace(/^\//, '').replaceAll('/', '.');
    const field =
      [path, missingProperty, additionalProperty].filter(Boolean).join('.') || context || 'request';
    const message = additionalProperty ? 'is not a known field' : (e.message ?? 'is not valid');
    return { field, message };
  });
  const more = errors.length - details.length;
  const message =
    details.map((d) => `${d.field}: ${d.message}`).join('; ') +
    (more > 0 ? `; and ${more} more` : '');
  return { message: `Invalid ${context ?? 'request'}: ${message}`, details };
}

/** Renders every error in the one shape; unexpected ones are logged and answered generically. */
/** Answers a request no route matched, when it is the web client's (web-client.ts). */
export type PageFallback = (req: FastifyRequest, reply: FastifyReply) => boolean;

export function registerErrorHandler(
  app: FastifyInstance,
  pages: { fallback: PageFallback | null } = { fallback: null },
): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    let status: number;
    let body: ErrorBody;
    if (err instanceof AppError) {
      status = err.status;
      body = { error: { code: err.code, message: err.message, details: err.details } };
      if (err.headers) void reply.headers(err.headers);
    } else if (err.validation) {
      const { message, details } = describeValidation(err.validation, err.validationContext);
      status = 400;
      body = { error: { code: 'invalid_input', message, details } };
    } else if (err.code && fastifyCodes[err.code]) {
      const code = fastifyCodes[err.code]!;
      status = errorCatalogue[code].status;
      body = {
        error: {
          code,
          message: code === 'invalid_input' ? err.message : errorCatalogue[code].message,
        },
      };
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code = byStatus[err.statusCode] ?? 'invalid_input';
      status = errorCatalogue[code].status;
      body = { error: { code, message: errorCatalogue[code].message } };
    } else {
      req.log.error({ err }, 'unhandled error');
      status = 500;
      body = {
        error: {
          code: 'internal_error',
          message: `${errorCatalogue.internal_error.message} (request ${req.id})`,
        },
      };
    }
    if (status >= 400 && status < 500) req.log.info({ code: body.error.code }, 'client error');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  // Which methods each path pattern has, so a wrong method on a known path is a 405 with Allow.
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    const source = route.url
      .split(/(:[A-Za-z0-9_]+|\*)/)
      .map((part) =>
        part === '*'
          ? '.*'
          : part.startsWith(':')
            ? '[^/]+?'
            : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    const pattern = new RegExp(`^${source}$`);
    let entry = routes.find((r) => r.pattern.source === pattern.source);
    if (!entry) routes.push((entry = { pattern, methods: new Set() }));
    for (const m of [route.method].flat()) entry.methods.add(m);
  });

  app.setNotFoundHandler((req, reply) => {
    if (pages.fallback?.(req, reply)) return reply;
    const path = req.url.split('?')[0] ?? '';
    const allowed = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) r.methods.forEach((m) => allowed.add(m));
    if (allowed.size > 0) {
      return reply
        .code(405)
        .header('allow', [...allowed].sort().join(', '))
        .send({
          error: {
            code: 'method_not_allowed',
            message: `${req.method} is not allowed on ${path}; use ${[...allowed].sort().join(', ')}.`,
          },
        } satisfies ErrorBody);
    }
    return reply.code(404).send({
      error: { code: 'route_not_found', message: `No route ${req.method} ${path}` },
    } satisfies ErrorBody);
  });
}

/**
 * Errors the router meets before any route is chosen (Fastify's `frameworkErrors`): a path
 * with bad percent-encoding (`%E0%A4%A`) and a path parameter over MAX_PARAM_LENGTH. Fastify
 * would answer them in its own shape; these answer in ours.
 */
export function frameworkErrors(
  err: FastifyError,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const [code, message]: [ErrorCode, string] =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? ['invalid_input', `A path segment is longer than ${MAX_PARAM_LENGTH} characters.`]
      : err.code === 'FST_ERR_BAD_URL'
        ? ['malformed_url', errorCatalogue.malformed_url.message]
        : ['invalid_input', errorCatalogue.invalid_input.message];
  req.log.info({ code }, 'client error');
  return reply
    .code(errorCatalogue[code].status)
    .header('x-request-id', req.id)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: { code, message } } satisfies ErrorBody));
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (the server's `clientError`):
 * headers over the limit (431), a request that did not arrive in time (408), anything that is
 * not HTTP (400). Node and Fastify would answer these with an empty or foreign-shaped body.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  err: NodeJS.ErrnoException,
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers_too_large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request_timeout'
        : 'malformed_request';
  const { status, message } = errorCatalogue[code];
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  this.log.debug({ err, code }, 'client error before routing');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(err);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
