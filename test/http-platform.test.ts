import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support/http.ts';
import pino from 'pino';
import { buildApp } from '../src/server/app.ts';
import { createStorage, createTestApp, testConfig, type TestContext } from './support/context.ts';
import { buildUser } from './support/factories.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

describe('errors in one shape', () => {
  it('unknown route → 404 route_not_found; a known path with a wrong method → 405', async () => {
    expectError(await ctx.app.inject({ url: '/api/v1/nothing-here' }), 404, 'route_not_found');
    const wrongMethod = await ctx.app.inject({ method: 'DELETE', url: '/api/v1/interests' });
    expectError(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.allow).toBe('GET, HEAD');
  });

  it('malformed JSON → 400 malformed_json', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "a", ',
    });
    expectError(res, 400, 'malformed_json');
  });

  it('empty JSON body → 400 invalid_input', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expectError(res, 400, 'invalid_input');
  });

  it('wrong content type → 415 unsupported_media_type', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=a&password=b',
    });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('body over the limit → 413 payload_too_large', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        username: 'big',
        password: 'x'.repeat(ctx.config.bodyLimitBytes),
        displayName: 'x',
      }),
    });
    expectError(res, 413, 'payload_too_large');
  });

  it('validation errors list every field at fault', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: {} });
    expectError(res, 400, 'invalid_input');
    const fields = res
      .json()
      .error.details.map((d: { field: string }) => d.field)
      .sort();
    expect(fields).toEqual(['displayName', 'password', 'username']);
  });

  it('query strings are validated too', async () => {
    const u = await buildUser(ctx.app);
    expectError(
      await ctx.app.inject({ url: '/api/v1/me/blocks?limit=0', headers: u.auth }),
      400,
      'invalid_input',
    );
    expectError(
      await ctx.app.inject({ url: '/api/v1/me/blocks?limit=abc', headers: u.auth }),
      400,
      'invalid_input',
    );
    expectError(
      await ctx.app.inject({ url: '/api/v1/me/blocks?limit=101', headers: u.auth }),
      400,
      'invalid_input',
    );
  });
});

describe('request ids, security headers, health', () => {
  it('returns a request id (its own, or the caller’s) and security headers', async () => {
    const res = await ctx.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: ctx.database.dialect });
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    const mine = await ctx.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(mine.headers['x-request-id']).toBe('trace-123');
    // The full helmet set, including on errors; HSTS only when served over HTTPS.
    const missing = await ctx.app.inject({ url: '/api/v1/nothing-here' });
    for (const r of [res, missing]) {
      expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['content-security-policy']).toContain("connect-src 'self' ws: wss:");
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('logs one line per request, with the request id, status and time but no exact location', async () => {
    const lines: Record<string, unknown>[] = [];
    const storage = await createStorage();
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const app = await buildApp({
      config: testConfig({ COOKIE_SECURE: 'true' }),
      database: storage.database,
      pubsub: storage.pubsub,
      redis: storage.redis,
      redisNamespace: storage.namespace,
      logger,
    });
    try {
      lines.length = 0;
      const res = await app.inject({
        url: '/api/v1/activities/nearby?lat=31.2304&lng=121.4737&radiusKm=5',
        headers: { 'x-request-id': 'nearby-1' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      const mine = lines.filter((l) => l.reqId === 'nearby-1');
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        msg: 'request completed',
        req: { method: 'GET', url: '/api/v1/activities/nearby?lat=…&lng=…&radiusKm=5' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      });
      expect(JSON.stringify(lines)).not.toContain('31.2304');
    } finally {
      await app.close();
      await storage.close();
    }
  });
});

describe('OpenAPI', () => {
  it('publishes a valid OpenAPI 3 document listing every route with its schemas', async () => {
    const res = await ctx.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    await SwaggerParser.validate(structuredClone(doc));
    const expected: [string, string][] = [
      ['post', '/api/v1/auth/register'],
      ['post', '/api/v1/auth/login'],
      ['post', '/api/v1/auth/logout'],
      ['get', '/api/v1/me'],
      ['patch', '/api/v1/me'],
      ['get', '/api/v1/me/interests'],
      ['put', '/api/v1/me/interests'],
      ['get', '/api/v1/me/blocks'],
      ['get', '/api/v1/interests'],
      ['get', '/api/v1/users/{id}'],
      ['post', '/api/v1/users/{id}/block'],
      ['delete', '/api/v1/users/{id}/block'],
    ];
    for (const [method, path] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['4XX']));
    }
    // Every documented API operation has a success response schema.
    for (const [path, ops] of Object.entries<
      Record<string, { responses: Record<string, unknown> }>
    >(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        expect(success.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    expect(doc.paths['/api/v1/auth/register'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/me'].get.security).toBeDefined();
  });

  it('serves a browsable page at /docs', async () => {
    const res = await ctx.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger');
  });
});

describe('rate limits', () => {
  it('answers 429 rate_limited past the per-client limit, per token', async () => {
    const limited = await createTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const u = await buildUser(limited.app);
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) {
        codes.push((await limited.app.inject({ url: '/api/v1/me', headers: u.auth })).statusCode);
      }
      expect(codes.filter((c) => c === 200).length).toBe(5);
      const res = await limited.app.inject({ url: '/api/v1/me', headers: u.auth });
      expectError(res, 429, 'rate_limited');
      expect(res.headers['retry-after']).toBeDefined();
      // Another client is counted separately.
      const other = await limited.app.inject({
        url: '/api/v1/interests',
        remoteAddress: '198.51.100.7',
      });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('limits log-in attempts per address tighter than the rest', async () => {
    const limited = await createTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'nobody_here', password: 'whatever1' },
        });
        codes.push(res.statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});
