import { randomBytes } from 'node:crypto';
import type { App } from '../../src/server/platform/http/types.ts';

let seq = 0;

/** A username no other test will use. */
export const uniqueUsername = (prefix = 'u') =>
  `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(2).toString('hex')}`;

export interface TestUser {
  id: string;
  username: string;
  password: string;
  displayName: string;
  token: string;
  /** Headers that authenticate as this user. */
  auth: { authorization: string };
}

/** Registers a user through the API (Outline's buildUser). */
export async function buildUser(
  app: App,
  overrides: Partial<{ username: string; password: string; displayName: string }> = {},
): Promise<TestUser> {
  const body = {
    username: overrides.username ?? uniqueUsername(),
    password: overrides.password ?? 'correct horse battery',
    displayName: overrides.displayName ?? '测试用户',
  };
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: body });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const { token, user } = res.json<{ token: string; user: { id: string } }>();
  return { ...body, id: user.id, token, auth: { authorization: `Bearer ${token}` } };
}
