import type { FastifyError, FastifyInstance } from 'fastify';
import { errorCatalogue, type ErrorBody, type ErrorCode } from '../../../shared/errors.ts';
import { AppError } from './errors.ts';

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

/** "body/username must match pattern …" → one readable sentence plus per-field details. */
function describeValidation(errors: Validation, context: string | undefined) {
  const details = errors.map((e) => {
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    const path = (e.instancePath || '').replace(/^\//, '').replaceAll('/', '.');
    const field = [path, missing].filter(Boolean).join('.') || context || 'request';
    return { field, message: e.message ?? 'is not valid' };
  });
  const message = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  return { message: `Invalid ${context ?? 'request'}: ${message}`, details };
}

/** Renders every error in the one shape; unexpected ones are logged and answered generically. */
export function registerErrorHandler(app: FastifyInstance): void {
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

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      error: {
        code: 'route_not_found',
        message: `No route ${req.method} ${req.url.split('?')[0]}`,
      },
    } satisfies ErrorBody),
  );
}
