import { AppError } from '../http/errors.ts';

/** True for a unique-constraint violation on either database. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** PostgreSQL's SQLSTATE for a statement cancelled (by `statement_timeout` or a cancel request). */
const PG_QUERY_CANCELED = '57014';

/** True for a PostgreSQL statement that was cancelled, which `statement_timeout` does. */
export function isPgQueryCanceled(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { code?: unknown }).code === PG_QUERY_CANCELED
  );
}

/**
 * A query ran past QUERY_TIMEOUT_MS and was stopped: `503 query_timeout` with a Retry-After of
 * the limit in whole seconds (at least 1), in the one error shape.
 */
export class QueryTimeoutError extends AppError {
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super('query_timeout', undefined, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(timeoutMs / 1000))) },
    });
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
