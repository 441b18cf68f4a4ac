import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';

/** A client build as Vite lays it out: index.html and hashed assets. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-client-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><div id="root"></div><script type="module" src="/assets/index-Ab12.js"></script>',
  );
  fs.writeFileSync(path.join(dir, 'assets', 'index-Ab12.js'), 'console.log("quanzi")');
  // What vite.config.ts's compression step writes beside each file.
  for (const f of ['index.html', 'assets/index-Ab12.js']) {
    const bytes = fs.readFileSync(path.join(dir, f));
    fs.writeFileSync(path.join(dir, `${f}.br`), zlib.brotliCompressSync(bytes));
    fs.writeFileSync(path.join(dir, `${f}.gz`), zlib.gzipSync(bytes));
  }
  fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"兴趣圈子"}');
  return dir;
}

describe('the web client at /', () => {
  let ctx: TestContext;
  let dir: string;
  beforeAll(async () => {
    dir = fakeBuild();
    ctx = await createTestApp({}, { webClient: dir });
  });
  afterAll(async () => {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const page = (url: string) =>
    ctx.app.inject({ method: 'GET', url, headers: { accept: 'text/html,*/*' } });

  it('serves index.html for / and for every client route, revalidated on each visit', async () => {
    for (const url of ['/', '/community', '/threads/0193a/x?from=n#post-1', '/login?next=%2Fme']) {
      const res = await page(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
      // The same security headers as the API: the page runs only our own scripts.
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('caches hashed assets for a year and other files not at all', async () => {
    const asset = await ctx.app.inject({ method: 'GET', url: '/assets/index-Ab12.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe('console.log("quanzi")');
    const manifest = await ctx.app.inject({ method: 'GET', url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['cache-control']).toBe('no-cache');
  });

  it('sends the build-time brotli or gzip copy the browser accepts, the file itself otherwise', async () => {
    const get = (url: string, encoding?: string) =>
      ctx.app.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/html,*/*', ...(encoding ? { 'accept-encoding': encoding } : {}) },
      });
    const br = await get('/assets/index-Ab12.js', 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe('console.log("quanzi")');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gz = await get('/assets/index-Ab12.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe('console.log("quanzi")');
    const plain = await get('/assets/index-Ab12.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('console.log("quanzi")');
    // A client route gets the page compressed too.
    const route = await get('/community', 'br');
    expect(route.headers['content-encoding']).toBe('br');
    expect(route.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(route.rawPayload).toString()).toContain('<div id="root">');
    expect((await get('/community')).body).toContain('<div id="root">');
  });

  it('leaves the API, its 404s and the docs as they were', async () => {
    const missing = await page('/api/v1/no-such-route');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'route_not_found' } });
    const me = await page('/api/v1/me');
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    expect((await page('/openapi.json')).headers['content-type']).toMatch(/json/);
    expect((await page('/docs/')).statusCode).toBe(200);
  });

  it('answers a missing file or a non-GET in the error shape, never with the page', async () => {
    const script = await ctx.app.inject({ method: 'GET', url: '/assets/gone-0000.js' });
    expect(script.statusCode).toBe(404);
    expect(script.json()).toMatchObject({ error: { code: 'route_not_found' } });
    const post = await ctx.app.inject({
      method: 'POST',
      url: '/community',
      headers: {
        accept: 'text/html',
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
      },
      payload: '{}',
    });
    expect(post.statusCode).toBe(404);
    expect(post.json()).toMatchObject({ error: { code: 'route_not_found' } });
  });
});

describe('the web client and the rate limit', () => {
  it('serves the client’s files beyond RATE_LIMIT_PER_MINUTE, while the API is still limited', async () => {
    const dir = fakeBuild();
    const ctx = await createTestApp({ RATE_LIMIT_PER_MINUTE: '5' }, { webClient: dir });
    try {
      const get = (url: string) =>
        ctx.app.inject({
          method: 'GET',
          url,
          remoteAddress: '203.0.113.9',
          headers: { accept: 'text/html,*/*' },
        });
      for (let i = 0; i < 12; i++) {
        const asset = await get('/assets/index-Ab12.js');
        expect(asset.statusCode, `asset #${i + 1}`).toBe(200);
        expect((await get('/groups/g1')).statusCode, `page #${i + 1}`).toBe(200);
      }
      const api = [];
      for (let i = 0; i < 6; i++) api.push((await get('/api/v1/interests')).statusCode);
      expect(api.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(api[5]).toBe(429);
    } finally {
      await ctx.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
