import { errorCatalogue, type ErrorCode } from '../../../shared/errors.ts';

/** An error meant for the client: its code decides the status; the message may be specific. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message?: string,
    opts: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

export const notFound = (what = 'Not found.') => new AppError('not_found', what);
export const forbidden = (message?: string) => new AppError('forbidden', message);
export const invalidInput = (message: string, details?: unknown) =>
  new AppError('invalid_input', message, { details });
export const conflict = (message?: string) => new AppError('conflict', message);
