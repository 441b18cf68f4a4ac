import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialect, type TestContext } from './support/context.ts';
import { buildUser, uniqueUsername, type TestUser } from './support/factories.ts';
import { expectError } from './support/http.ts';

/**
 * Every lock-out holds under concurrency: a burst of 200 parallel wrong attempts gets at most 5
 * evaluated (an attempt is reserved atomically before the slow hash is checked), the right
 * secret sent during the burst is refused too, and every locked answer carries Retry-After.
 */
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp({
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_MINUTE: '100000',
    // The production cost, not the tests' cheap one: a burst is what an attacker sends against
    // a real hash, which keeps every attempt in flight while the limit is reached. With a hash
    // a thousand times cheaper, the right password can be checked before five wrong ones were.
    PASSWORD_HASH_MEMORY_KIB: '19456',
    PASSWORD_HASH_PASSES: '2',
  });
});
afterAll(() => ctx.close());

const BURST = 200;
const MAX = 5;

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): { error?: { code: string } };
}
const codeOf = (r: Answer) => (r.statusCode < 300 ? 'ok' : r.json().error?.code);

/**
 * Fires BURST wrong attempts at once, then — once the first answer is back, so the burst is
 * under way — the right one. Returns the burst's answers and the right one's.
 */
async function burst(wrong: () => Promise<Answer>, right: () => Promise<Answer>) {
  const inFlight = Array.from({ length: BURST }, () => wrong());
  await Promise.race(inFlight);
  const rightAnswer = await right();
  return { answers: await Promise.all(inFlight), right: rightAnswer };
}

function tally(answers: Answer[]) {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(codeOf(a) ?? '?', (counts.get(codeOf(a) ?? '?') ?? 0) + 1);
  return counts;
}

/** Locked answers say how long to wait. */
function expectRetryAfter(a: Answer) {
  const seconds = Number(a.headers['retry-after']);
  expect(seconds, JSON.stringify(a.json())).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(15 * 60);
}

const setPin = (u: TestUser, body: object) =>
  ctx.app.inject({ method: 'PUT', url: '/api/v1/wallet/pin', headers: u.auth, payload: body });

describe(`lock-outs under a burst of ${BURST} parallel wrong attempts (${dialect})`, () => {
  it('payment PIN: at most 5 evaluated, the right PIN in the burst refused, Retry-After on each lock', async () => {
    const u = await buildUser(ctx.app);
    expect((await setPin(u, { pin: '246810' })).statusCode).toBe(204);
    const { answers, right } = await burst(
      () => setPin(u, { pin: '111111', oldPin: '000000' }),
      () => setPin(u, { pin: '111111', oldPin: '246810' }),
    );
    const counts = tally(answers);
    // Evaluated wrong PINs answer wrong_pin (tries left) until the 5th, which locks; every
    // other attempt was refused before any check.
    expect(counts.get('wrong_pin') ?? 0, JSON.stringify([...counts])).toBeLessThanOrEqual(MAX - 1);
    expect((counts.get('wrong_pin') ?? 0) + (counts.get('pin_locked') ?? 0)).toBe(BURST);
    for (const a of answers.filter((x) => codeOf(x) === 'pin_locked')) expectRetryAfter(a);
    expectError(right, 403, 'pin_locked');
    expectRetryAfter(right);
    const row = await ctx.database.db
      .selectFrom('walletPins')
      .select(['failedAttempts', 'lockedUntil'])
      .where('userId', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.failedAttempts)).toBe(MAX);
    expect(Number(row.lockedUntil)).toBeGreaterThan(Date.now());
    // Still locked for the right PIN afterwards, and the wallet says so.
    expectError(await setPin(u, { pin: '111111', oldPin: '246810' }), 403, 'pin_locked');
    const wallet = await ctx.app.inject({ url: '/api/v1/wallet', headers: u.auth });
    expect(wallet.json().pinLocked).toBe(true);
  });

  it('PIN reset with the login password: at most 5 evaluated, the right password in the burst refused', async () => {
    const u = await buildUser(ctx.app);
    expect((await setPin(u, { pin: '246810' })).statusCode).toBe(204);
    const { answers, right } = await burst(
      () => setPin(u, { pin: '111111', password: 'not the password' }),
      () => setPin(u, { pin: '111111', password: u.password }),
    );
    const counts = tally(answers);
    expect(counts.get('wrong_password') ?? 0, JSON.stringify([...counts])).toBeLessThanOrEqual(
      MAX - 1,
    );
    expect((counts.get('wrong_password') ?? 0) + (counts.get('pin_locked') ?? 0)).toBe(BURST);
    for (const a of answers.filter((x) => codeOf(x) === 'pin_locked')) expectRetryAfter(a);
    expectError(right, 403, 'pin_locked');
    expectRetryAfter(right);
  });

  it('log-in: at most 5 evaluated, the right password in the burst refused, Retry-After', async () => {
    const u = await buildUser(ctx.app);
    const login = (password: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u.username, password },
      });
    const { answers, right } = await burst(
      () => login('wrong password!'),
      () => login(u.password),
    );
    const counts = tally(answers);
    expect(counts.get('invalid_credentials') ?? 0, JSON.stringify([...counts])).toBeLessThanOrEqual(
      MAX,
    );
    expect((counts.get('invalid_credentials') ?? 0) + (counts.get('account_locked') ?? 0)).toBe(
      BURST,
    );
    for (const a of answers.filter((x) => codeOf(x) === 'account_locked')) expectRetryAfter(a);
    expectError(right, 429, 'account_locked');
    expectRetryAfter(right);
  });

  it('log-in for unknown names from one address: at most 20 evaluated, then a cool-down', async () => {
    const address = '198.51.100.77';
    const answers = await Promise.all(
      Array.from({ length: BURST }, () =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: address,
          payload: { username: uniqueUsername(), password: 'wrong password!' },
        }),
      ),
    );
    const counts = tally(answers);
    expect(counts.get('invalid_credentials') ?? 0, JSON.stringify([...counts])).toBeLessThanOrEqual(
      20,
    );
    expect((counts.get('invalid_credentials') ?? 0) + (counts.get('rate_limited') ?? 0)).toBe(
      BURST,
    );
    for (const a of answers.filter((x) => codeOf(x) === 'rate_limited')) expectRetryAfter(a);
  });
});

describe(`log-in behind a shared address (${dialect})`, () => {
  it('a cool-down of an address does not lock out accounts that logged in from it before', async () => {
    const address = '203.0.113.50';
    const login = (username: string, password: string, remoteAddress = address) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        payload: { username, password },
      });
    // A regular who has logged in from this address (say, the office proxy) before.
    const regular = await buildUser(ctx.app);
    expect((await login(regular.username, regular.password)).statusCode).toBe(200);
    // Someone behind the same address tries 20 accounts.
    for (let i = 0; i < 20; i++) {
      expectError(await login(uniqueUsername(), 'wrong password!'), 401, 'invalid_credentials');
    }
    // The address cools down for accounts new to it …
    const newcomer = await buildUser(ctx.app);
    const cooled = await login(newcomer.username, newcomer.password);
    expectError(cooled, 429, 'rate_limited');
    expectRetryAfter(cooled);
    // … but the regular still gets in from it, and the newcomer from anywhere else.
    expect((await login(regular.username, regular.password)).statusCode).toBe(200);
    expect((await login(newcomer.username, newcomer.password, '192.0.2.1')).statusCode).toBe(200);
  });

  it('with TRUST_PROXY, each client behind the proxy is counted by its own address', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: '127.0.0.1' });
    try {
      const login = (username: string, password: string, client: string) =>
        proxied.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': client },
          payload: { username, password },
        });
      for (let i = 0; i < 20; i++) {
        expectError(
          await login(uniqueUsername(), 'wrong password!', '198.51.100.1'),
          401,
          'invalid_credentials',
        );
      }
      const attacker = await login(uniqueUsername(), 'wrong password!', '198.51.100.1');
      expectError(attacker, 429, 'rate_limited');
      // Someone else behind the proxy, who has never logged in from anywhere.
      const other = await buildUser(proxied.app);
      await proxied.database.db
        .deleteFrom('loginAddresses')
        .where('userId', '=', other.id)
        .execute();
      expect((await login(other.username, other.password, '198.51.100.2')).statusCode).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});
