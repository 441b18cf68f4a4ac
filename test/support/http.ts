import { expect } from 'vitest';
import type { App } from '../../src/server/platform/http/types.ts';
import type { TestUser } from './factories.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** `req(method, url, user?, payload?)` against an app, as `user` (anonymous when omitted). */
export const requester =
  (app: () => App) => (method: Method, url: string, user?: TestUser, payload?: object) =>
    app().inject({ method, url, headers: user?.auth ?? {}, ...(payload ? { payload } : {}) });

/** Asserts the one error shape with this status (and code, when given). */
export function expectError(
  res: { statusCode: number; json(): unknown },
  status: number,
  code?: string,
) {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  if (code) expect(res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}
