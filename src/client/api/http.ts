import type { ErrorCode } from '../../shared/errors.ts';

/**
 * The one way the client talks to the API: same-origin `fetch` with the session cookie (the
 * server's CSRF check accepts it because the browser marks it `Sec-Fetch-Site: same-origin`),
 * JSON in and out, and every failure as an ApiError carrying the server's error `code`, which
 * the screens translate (i18n `errors.<code>`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error',
    message: string,
    /** For invalid_input: which fields the server refused (`{field, message}`). */
    readonly details?: { field: string; message: string }[],
    /** Other machine-readable details (wrong_pin: `{triesLeft}`, pin_locked: `{lockedUntil}`). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const url = new URL(`/api/v1${path}`, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = {
    accept: 'application/json',
    // Names (interests, errors) come back in the language on screen (i18n sets <html lang>).
    'accept-language': document.documentElement.lang || 'zh-CN',
    ...opts.headers,
  };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'The network is unreachable.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const e = (
      json as { error?: { code?: string; message?: string; details?: unknown } } | undefined
    )?.error;
    throw new ApiError(
      res.status,
      (e?.code as ErrorCode | undefined) ?? 'internal_error',
      e?.message ?? res.statusText,
      Array.isArray(e?.details) ? (e.details as { field: string; message: string }[]) : undefined,
      e?.details && typeof e.details === 'object' && !Array.isArray(e.details)
        ? (e.details as Record<string, unknown>)
        : undefined,
    );
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
