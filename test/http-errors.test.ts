import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../src/shared/errors.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import { buildActivity, buildUser, type TestUser } from './support/factories.ts';
import { expectError, requester } from './support/http.ts';

let ctx: TestContext;
const req = requester(() => ctx.app);
beforeAll(async () => {
  ctx = await createTestApp({ BODY_LIMIT_BYTES: '4096' });
});
afterAll(async () => ctx.close());

/** The one error shape, its documented status, and the headers every error carries. */
function expectShape(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
) {
  expectError(res, status, code);
  expect(errorCatalogue[code as keyof typeof errorCatalogue].status).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

describe('errors before a route is chosen', () => {
  it('bad percent-encoding in the path is 400 malformed_url', async () => {
    for (const url of ['/api/v1/groups/%E0%A4%A', '/api/v1/groups/%zz', '/api/v1/users/%']) {
      expectShape(await ctx.app.inject({ url }), 400, 'malformed_url');
    }
  });

  it('an over-long path parameter is 400 invalid_input, however long', async () => {
    expectShape(await req('GET', `/api/v1/groups/${'a'.repeat(65)}`), 400, 'invalid_input');
    expectShape(await req('GET', `/api/v1/groups/${'a'.repeat(101)}`), 400, 'invalid_input');
    expectShape(await req('GET', `/api/v1/groups/${'a'.repeat(5000)}`), 400, 'invalid_input');
  });

  it('an unknown route is 404 route_not_found; a wrong method on a known path is 405 with Allow', async () => {
    expectShape(await req('GET', '/api/v1/nope'), 404, 'route_not_found');
    expectShape(await req('GET', '/nope'), 404, 'route_not_found');
    const put = await req('PUT', '/api/v1/groups');
    expectShape(put, 405, 'method_not_allowed');
    expect(put.headers.allow).toBe('GET, HEAD, POST');
    const del = await req('DELETE', '/api/v1/activities/some-id.ics');
    expectShape(del, 405, 'method_not_allowed');
    expect(del.headers.allow).toBe('GET, HEAD, PATCH');
    const options = await ctx.app.inject({ method: 'OPTIONS', url: '/api/v1/me' });
    expectShape(options, 405, 'method_not_allowed');
    expect(options.headers.allow).toBe('DELETE, GET, HEAD, PATCH'); // DELETE: account deletion
  });
});

describe('bodies', () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await buildUser(ctx.app);
  });
  const raw = (payload: string, contentType: string, method: 'PATCH' | 'POST' = 'PATCH') =>
    ctx.app.inject({
      method,
      url: method === 'PATCH' ? '/api/v1/me' : '/api/v1/auth/login',
      headers: { ...u.auth, 'content-type': contentType },
      payload,
    });

  it('malformed JSON is 400 malformed_json; an empty JSON body is 400 invalid_input', async () => {
    expectShape(await raw('{"bio": ', 'application/json'), 400, 'malformed_json');
    expectShape(await raw('{"bio": "x"}}', 'application/json'), 400, 'malformed_json');
    expectShape(await raw('{"__proto__": {"x": 1}}', 'application/json'), 400, 'malformed_json');
    expectShape(await raw('', 'application/json'), 400, 'invalid_input');
  });

  it('a body that is not JSON is 415 unsupported_media_type (text/plain and forms included)', async () => {
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
    ]) {
      expectShape(await raw('bio=x', type), 415, 'unsupported_media_type');
      expectShape(
        await raw('{"username":"a","password":"b"}', type, 'POST'),
        415,
        'unsupported_media_type',
      );
    }
  });

  it('a body over BODY_LIMIT_BYTES is 413 payload_too_large', async () => {
    const res = await raw(JSON.stringify({ bio: 'x'.repeat(5000) }), 'application/json');
    expectShape(res, 413, 'payload_too_large');
  });
});

describe('unknown fields', () => {
  it('a body with hundreds of bad values gets a short error naming the first ten (found by the fuzzer)', async () => {
    const me = await buildUser(ctx.app);
    const res = await req('PUT', '/api/v1/inbox/mutes', me, {
      groups: Array.from({ length: 400 }, () => '\u0008'),
      types: [],
    });
    expectShape(res, 400, 'invalid_input');
    expect(res.json().error.details).toHaveLength(10);
    expect(res.json().error.message).toMatch(/and \d+ more$/);
    expect(res.body.length).toBeLessThan(4_096);
  });

  it('a PATCH naming a field that does not exist (or cannot change) is 400 naming it; nothing changes', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, { priceFen: 0 });
    const res = await req('PATCH', `/api/v1/activities/${a.id}`, org, {
      title: '新标题',
      priceFen: 9900,
    });
    expectShape(res, 400, 'invalid_input');
    expect(res.json().error.details).toEqual([
      { field: 'priceFen', message: 'is not a known field' },
    ]);
    expect(res.json().error.message).toMatch(/priceFen/);
    const now = (await req('GET', `/api/v1/activities/${a.id}`)).json();
    expect(now).toMatchObject({ title: a.title, priceFen: 0, sequence: 0 });
  });

  it('nested objects too, and every body, not only PATCH', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org);
    const nested = await req('PATCH', `/api/v1/activities/${a.id}`, org, {
      venue: { name: '茶馆', address: '', city: '上海', lat: 31.2, lng: 121.4, floor: 3 },
    });
    expectShape(nested, 400, 'invalid_input');
    expect(nested.json().error.details).toEqual([
      { field: 'venue.floor', message: 'is not a known field' },
    ]);
    const register = await req('POST', '/api/v1/auth/register', undefined, {
      username: 'extra_field_user',
      password: 'correct horse battery',
      displayName: '多余',
      role: 'operator',
    });
    expectShape(register, 400, 'invalid_input');
    expect(register.json().error.details).toEqual([
      { field: 'role', message: 'is not a known field' },
    ]);
    expectShape(await req('PATCH', '/api/v1/me', org, { nickname: 'x' }), 400, 'invalid_input');
    expectShape(
      await req('POST', `/api/v1/activities/${a.id}/signup`, org, { seats: 2 }),
      400,
      'invalid_input',
    );
  });

  it('every request body schema in the OpenAPI document closes every object', async () => {
    const spec = (await ctx.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
    }>();
    const open: string[] = [];
    const walk = (s: unknown, where: string) => {
      if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${where}[${i}]`));
      if (!s || typeof s !== 'object') return;
      const o = s as Record<string, unknown>;
      if (o.type === 'object' && o.additionalProperties !== false && !o.patternProperties) {
        open.push(where);
      }
      for (const [k, v] of Object.entries(o))
        if (k !== 'enum' && k !== 'const') walk(v, `${where}.${k}`);
    };
    let bodies = 0;
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (!schema) continue;
        bodies++;
        walk(schema, `${method.toUpperCase()} ${path}`);
      }
    }
    expect(bodies).toBeGreaterThanOrEqual(30);
    expect(open).toEqual([]);
  });
});

describe('Cache-Control', () => {
  it('is no-store on everything carrying a token or personal data', async () => {
    const u = await buildUser(ctx.app);
    const login = await req('POST', '/api/v1/auth/login', undefined, {
      username: u.username,
      password: u.password,
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    expect(login.headers['set-cookie']).toBeDefined();
    for (const url of [
      '/api/v1/me',
      '/api/v1/wallet',
      '/api/v1/wallet/transactions',
      '/api/v1/inbox',
    ]) {
      const res = await req('GET', url, u);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    // Public reads default to no-store too (a viewer's membership is in them).
    const groups = await req('GET', '/api/v1/groups', u);
    expect(groups.headers['cache-control']).toBe('no-store');
    expect((await req('GET', '/api/v1/me')).headers['cache-control']).toBe('no-store');
    expect((await req('GET', '/healthz')).headers['cache-control']).toBe('no-store');
  });

  it('lets the taxonomy and the OpenAPI document be cached, except when a cookie is set', async () => {
    const taxonomy = await req('GET', '/api/v1/interests');
    expect(taxonomy.headers['cache-control']).toBe('public, max-age=3600');
    expect(taxonomy.headers.vary).toMatch(/Accept-Language/);
    expect((await req('GET', '/openapi.json')).headers['cache-control']).toBe(
      'public, max-age=300',
    );
    // A stale cookie is cleared with Set-Cookie: never a response a shared cache may keep.
    const stale = await ctx.app.inject({
      url: '/api/v1/interests',
      cookies: { quanzi_session: 'stale' },
    });
    expect(stale.headers['set-cookie']).toBeDefined();
    expect(stale.headers['cache-control']).toBe('no-store');
  });
});

describe('requests Node refuses before Fastify (a real server)', () => {
  let port: number;
  beforeAll(async () => {
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as AddressInfo).port;
  });

  /** Writes raw bytes and reads the whole answer until the server closes. */
  const rawHttp = (bytes: string) =>
    new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = data.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), headers: head, body });
      });
    });

  it('oversize headers are 431 headers_too_large in the error shape', async () => {
    const res = await rawHttp(
      `GET /api/v1/interests HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(res.status).toBe(431);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(res.headers).toMatch(/cache-control: no-store/i);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'headers_too_large', message: errorCatalogue.headers_too_large.message },
    });
    expect(errorCatalogue.headers_too_large.status).toBe(431);
  });

  it('a request that is not HTTP is 400 malformed_request in the error shape', async () => {
    const res = await rawHttp('HELLO THERE\r\n\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'malformed_request' } });
  });

  it('a bad URL over a real connection is 400 malformed_url too', async () => {
    const res = await rawHttp(
      'GET /api/v1/groups/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'malformed_url' } });
  });
});
