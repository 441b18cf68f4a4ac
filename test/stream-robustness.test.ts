import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_CLOSE, STREAM_LIMITS } from '../src/shared/realtime.ts';
import { createTestApp, dialect, type TestContext } from './support/context.ts';
import { seedFrom } from './support/random.ts';
import {
  freshPgDatabase,
  processAlive,
  startServer,
  type RunningServer,
} from './support/server.ts';
import { httpClient, openRaw, type RawSocket } from './support/stream.ts';
import { uniqueUsername } from './support/factories.ts';

/**
 * One bad frame must not take the service down. Every client frame — random text, any JSON,
 * wrong shapes and types, control characters, lone surrogates, binary, oversize, invalid UTF-8,
 * a flood — gets exactly the answer the protocol documents (an `error` frame, or `pong` /
 * `subscribed` / `unsubscribed` for the few valid ones) or a documented close code, and
 * afterwards the server still answers /healthz and other sockets still get live posts. The
 * fuzzer runs against the app in this process and against a real server process, where a crash
 * would show as the process exiting. Repeat a run with STREAM_FUZZ_SEED=<the seed it printed>.
 */
const seed = seedFrom('STREAM_FUZZ_SEED');
const FRAMES = 1000;
const PER_SOCKET = 25;

// ——— the oracle: what the protocol says each frame gets ———

type Expect =
  | { reply: 'error'; code: 'invalid_input' | 'not_found' }
  | { reply: 'pong' }
  | { reply: 'subscribed' | 'unsubscribed'; threadId: string }
  | { close: 1007 | 1009 };

interface Case {
  label: string;
  payload: string | Uint8Array;
  /** Sent as a binary frame (otherwise text, even when the payload is bytes). */
  binary: boolean;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Written from docs/messaging.md, independently of the server's schema. */
function expected(c: Case, knownThread: string): Expect {
  const size =
    typeof c.payload === 'string' ? Buffer.byteLength(c.payload, 'utf8') : c.payload.length;
  if (size > STREAM_LIMITS.maxFrameBytes) return { close: 1009 };
  if (c.binary) return { reply: 'error', code: 'invalid_input' };
  if (typeof c.payload !== 'string') {
    const valid = new TextDecoder('utf-8', { fatal: true });
    try {
      valid.decode(c.payload);
    } catch {
      return { close: 1007 };
    }
  }
  const text = typeof c.payload === 'string' ? c.payload : Buffer.from(c.payload).toString();
  let v: unknown;
  try {
    // What arrives is the UTF-8 encoding of the string (a lone surrogate becomes U+FFFD).
    v = JSON.parse(Buffer.from(text, 'utf8').toString('utf8'));
  } catch {
    return { reply: 'error', code: 'invalid_input' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { reply: 'error', code: 'invalid_input' };
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (o.type === 'ping' && keys.length === 1) return { reply: 'pong' };
  if (
    (o.type === 'subscribe' || o.type === 'unsubscribe') &&
    keys.length === 2 &&
    typeof o.threadId === 'string' &&
    ID.test(o.threadId)
  ) {
    if (o.type === 'unsubscribe') return { reply: 'unsubscribed', threadId: o.threadId };
    return o.threadId === knownThread
      ? { reply: 'subscribed', threadId: o.threadId }
      : { reply: 'error', code: 'not_found' };
  }
  return { reply: 'error', code: 'invalid_input' };
}

function matches(got: unknown, want: Expect): boolean {
  if ('close' in want) return false;
  const f = got as { id?: unknown; type?: unknown; data?: Record<string, unknown> };
  if (f === null || typeof f !== 'object' || f.id !== null || typeof f.data !== 'object')
    return false;
  if (want.reply === 'error') {
    return f.type === 'error' && f.data.code === want.code && typeof f.data.message === 'string';
  }
  if (want.reply === 'pong') return f.type === 'pong';
  return f.type === want.reply && f.data.threadId === want.threadId && f.data.reason === undefined;
}

// ——— the generator ———

const text = (s: fc.Arbitrary<string>, label: string) =>
  s.map((payload): Case => ({ label, payload, binary: false }));
const controlChar = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
);
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const oddString = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), controlChar, loneSurrogate), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

function frameArb(knownThread: string): fc.Arbitrary<Case> {
  const anyJson = fc.jsonValue({ maxDepth: 6 });
  const typeName = fc.oneof(
    fc.constantFrom('subscribe', 'unsubscribe', 'ping', 'SUBSCRIBE', 'pong', 'access.revoked'),
    fc.string({ maxLength: 20 }),
  );
  const threadId = fc.oneof(
    fc.constant(knownThread),
    fc.uuid(),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    fc.string({ minLength: 65, maxLength: 80 }),
    oddString,
    fc.constant(''),
  );
  // Frames that close their socket are rarer, so most sockets carry many frames.
  const closing = (arb: fc.Arbitrary<Case>) => ({ arbitrary: arb, weight: 1 });
  const answered = (arb: fc.Arbitrary<Case>) => ({ arbitrary: arb, weight: 5 });
  return fc.oneof(
    answered(text(fc.string({ unit: 'binary', maxLength: 200 }), 'random text')),
    answered(text(fc.string({ unit: 'grapheme', maxLength: 100 }), 'random graphemes')),
    answered(text(oddString, 'control characters and lone surrogates')),
    answered(
      text(
        anyJson.map((v) => JSON.stringify(v)),
        'arbitrary JSON',
      ),
    ),
    answered(
      text(
        fc.constantFrom(
          'null',
          '[]',
          '0',
          '-1e308',
          'true',
          '""',
          '{}',
          '"subscribe"',
          '[{"type":"ping"}]',
        ),
        'JSON that is not an object',
      ),
    ),
    answered(
      text(
        fc.integer({ min: 1, max: 2100 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
        'deep arrays',
      ),
    ),
    answered(
      text(
        fc
          .integer({ min: 1, max: 700 })
          .map((d) => '{"type":'.repeat(d) + '"ping"' + '}'.repeat(d)),
        'deep objects',
      ),
    ),
    answered(
      text(
        fc
          .record({ type: typeName, threadId: fc.oneof(threadId, anyJson) }, { requiredKeys: [] })
          .map((v) => JSON.stringify(v)),
        'wrong field types and unknown types',
      ),
    ),
    answered(
      text(
        fc
          .tuple(
            fc.constantFrom('subscribe', 'unsubscribe', 'ping'),
            fc.dictionary(fc.string({ maxLength: 10 }), anyJson, { minKeys: 1, maxKeys: 3 }),
          )
          .map(([type, extra]) => JSON.stringify({ ...extra, type })),
        'unknown fields',
      ),
    ),
    answered(
      text(
        fc
          .tuple(fc.constantFrom('subscribe', 'unsubscribe'), threadId)
          .map(([type, id]) => JSON.stringify({ type, threadId: id })),
        'subscribe and unsubscribe',
      ),
    ),
    answered(
      text(
        fc
          .tuple(fc.constantFrom('subscribe', 'unsubscribe'), loneSurrogate)
          .map(([type, s]) => `{"type":"${type}","threadId":"\\u${s.charCodeAt(0).toString(16)}"}`),
        'escaped lone surrogate',
      ),
    ),
    answered(text(fc.constant('{"type":"ping"}'), 'ping')),
    answered(
      text(
        fc
          .integer({ min: STREAM_LIMITS.maxFrameBytes - 40, max: STREAM_LIMITS.maxFrameBytes + 40 })
          .map((n) => JSON.stringify({ type: 'subscribe', threadId: 'x'.repeat(n - 34) })),
        'frames around the size bound',
      ),
    ),
    answered(
      fc
        .uint8Array({ maxLength: 300 })
        .map((payload): Case => ({ label: 'binary', payload, binary: true })),
    ),
    closing(
      text(
        fc
          .integer({ min: STREAM_LIMITS.maxFrameBytes + 1, max: 256 * 1024 })
          .map((n) => 'x'.repeat(n)),
        'huge text',
      ),
    ),
    closing(
      fc
        .integer({ min: STREAM_LIMITS.maxFrameBytes + 1, max: 64 * 1024 })
        .map((n): Case => ({ label: 'huge binary', payload: new Uint8Array(n), binary: true })),
    ),
    closing(
      fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(40)).map(([bytes, at]): Case => {
        const b = Array.from(bytes);
        b.splice(Math.min(at, b.length), 0, 0xff);
        return { label: 'invalid UTF-8 text', payload: Uint8Array.from(b), binary: false };
      }),
    ),
  );
}

function send(s: RawSocket, c: Case): void {
  if (typeof c.payload === 'string') s.ws.send(c.payload);
  else s.ws.send(Buffer.from(c.payload), { binary: c.binary });
}

/** Splits cases into sockets: up to PER_SOCKET answered frames, then at most one closing one. */
function plan(cases: Case[], knownThread: string) {
  const sockets: { frames: { c: Case; want: Expect }[]; last?: { c: Case; want: Expect } }[] = [];
  let current: (typeof sockets)[number] = { frames: [] };
  for (const c of cases) {
    const want = expected(c, knownThread);
    if ('close' in want) {
      current.last = { c, want };
      sockets.push(current);
      current = { frames: [] };
    } else {
      current.frames.push({ c, want });
      if (current.frames.length === PER_SOCKET) {
        sockets.push(current);
        current = { frames: [] };
      }
    }
  }
  if (current.frames.length) sockets.push(current);
  return sockets;
}

const describeCase = (c: Case) =>
  `${c.label}: ${
    typeof c.payload === 'string'
      ? JSON.stringify(c.payload.slice(0, 120))
      : `${c.payload.length} bytes`
  }`;

/**
 * Sends FRAMES seeded random frames over many sockets (each within the token bucket) and checks
 * each answer against the oracle, in order, then that nothing more came.
 */
async function fuzz(base: string, token: string, knownThread: string, runSeed: number) {
  const cases = fc.sample(frameArb(knownThread), { seed: runSeed, numRuns: FRAMES });
  const sockets = plan(cases, knownThread);
  const closes = sockets.filter((s) => s.last).length;
  console.log(
    `stream fuzz: seed=${runSeed} frames=${cases.length} sockets=${sockets.length} closing=${closes} (repeat with STREAM_FUZZ_SEED=${seed})`,
  );
  const runOne = async (plan: (typeof sockets)[number]) => {
    const s = await openRaw(base, token);
    try {
      for (const f of plan.frames) send(s, f.c);
      const got = await s.waitFor(plan.frames.length);
      plan.frames.forEach((f, i) => {
        if (!matches(got[i], f.want)) {
          throw new Error(
            `frame ${i} (${describeCase(f.c)}) wanted ${JSON.stringify(f.want)}, got ${JSON.stringify(got[i])}`,
          );
        }
      });
      if (plan.last) {
        send(s, plan.last.c);
        const { code } = await s.waitClose();
        expect(code, describeCase(plan.last.c)).toBe((plan.last.want as { close: number }).close);
      } else {
        s.ws.send('{"type":"ping"}');
        await s.waitFor(plan.frames.length + 1);
        expect(s.messages.at(-1)).toMatchObject({ type: 'pong' });
      }
      expect(s.messages.length).toBe(plan.frames.length + (plan.last ? 0 : 1));
    } finally {
      await s.close();
    }
  };
  const parallel = 4;
  for (let i = 0; i < sockets.length; i += parallel) {
    await Promise.all(sockets.slice(i, i + parallel).map(runOne));
  }
  return cases.length;
}

/** Frames that crashed the process before the fix, one socket each. */
const KNOWN_CRASHERS = [
  'null',
  '[]',
  '0',
  '"x"',
  '{"type":"subscribe","threadId":{}}',
  '{"type":"subscribe","threadId":null}',
  '{"type":"subscribe","threadId":["a"]}',
  '{"type":"unsubscribe","threadId":{"toString":1}}',
];

async function floodUntilClosed(s: RawSocket) {
  for (let i = 0; i < 200; i++) s.ws.send('{"type":"nope"}');
  const { code } = await s.waitClose();
  // What came before the close is only answers to frames within the budget.
  expect(s.messages.length).toBeLessThanOrEqual(STREAM_LIMITS.frameBurst + 2);
  for (const m of s.messages)
    expect(m).toMatchObject({ type: 'error', data: { code: 'invalid_input' } });
  return code;
}

// ——— the app in this process ———

describe('stream frames, in process', () => {
  let ctx: TestContext;
  let base: string;
  let call: ReturnType<typeof httpClient>;
  let token: string;
  let owner: string;
  let threadId: string;
  const open: RawSocket[] = [];

  beforeAll(async () => {
    ctx = await createTestApp({ POSTS_PER_MINUTE: '100000' });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    call = httpClient(base);
    ({ token, owner, threadId } = await setUp(call));
  });
  afterAll(async () => {
    for (const s of open) await s.close();
    await ctx.close();
  });
  const raw = async (t = token) => {
    const s = await openRaw(base, t);
    open.push(s);
    return s;
  };

  it('a GET of the stream without an upgrade is 426 upgrade_required in the one error shape', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/stream' });
    expect(res.statusCode).toBe(426);
    expect(res.headers.upgrade).toBe('websocket');
    expect(res.json()).toEqual({
      error: { code: 'upgrade_required', message: expect.any(String) },
    });
    const head = await ctx.app.inject({ method: 'HEAD', url: '/api/v1/stream' });
    expect(head.statusCode).toBe(426);
  });

  it('a broken upgrade request is refused in the one error shape, not the library’s text', async () => {
    const upgrade = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const r = http.request(`${base}/api/v1/stream`, {
          headers: { connection: 'Upgrade', upgrade: 'websocket', ...headers },
        });
        r.on('response', (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }));
        });
        r.on('upgrade', () => reject(new Error('upgraded')));
        r.on('error', reject);
        r.end();
      });
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const noVersion = await upgrade({ 'sec-websocket-key': key });
    expect(noVersion).toMatchObject({ status: 426, body: { error: { code: 'upgrade_required' } } });
    const badKey = await upgrade({ 'sec-websocket-key': 'short', 'sec-websocket-version': '13' });
    expect(badKey).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
    const badProtocol = await upgrade({
      'sec-websocket-key': key,
      'sec-websocket-version': '13',
      'sec-websocket-protocol': 'a, a',
    });
    expect(badProtocol).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
  });

  it('answers frames that are not client messages with an error frame and keeps the socket', async () => {
    const s = await raw();
    for (const frame of KNOWN_CRASHERS) s.ws.send(frame);
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    s.ws.send('{"type":"ping"}');
    const got = await s.waitFor(KNOWN_CRASHERS.length + 2);
    for (const m of got.slice(0, -1)) {
      expect(m).toEqual({
        id: null,
        type: 'error',
        data: { code: 'invalid_input', message: expect.any(String) },
      });
    }
    expect(got.at(-1)).toEqual({ id: null, type: 'pong', data: {} });
  });

  it(`closes with 1009 a frame over ${STREAM_LIMITS.maxFrameBytes} bytes, and with 1007 invalid UTF-8`, async () => {
    const atLimit = await raw();
    atLimit.ws.send('x'.repeat(STREAM_LIMITS.maxFrameBytes));
    expect((await atLimit.waitFor(1))[0]).toMatchObject({ type: 'error' });
    const over = await raw();
    over.ws.send('x'.repeat(STREAM_LIMITS.maxFrameBytes + 1));
    expect((await over.waitClose()).code).toBe(1009);
    expect(over.messages).toEqual([]);
    const bad = await raw();
    bad.ws.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
    expect((await bad.waitClose()).code).toBe(1007);
  });

  it('closes with 1002 a frame that breaks the WebSocket protocol (unmasked)', async () => {
    const { port } = new URL(base);
    const socket = net.connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      'GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n' +
        'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    const deadline = Date.now() + 5000;
    while (!Buffer.concat(received).includes('\r\n\r\n') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const head = Buffer.concat(received).toString('latin1');
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    received.length = 0;
    // A text frame "hello" from a client, unmasked: clients must mask every frame.
    socket.write(Buffer.from([0x81, 0x05, ...Buffer.from('hello')]));
    await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
    socket.destroy();
    const frame = Buffer.concat(received);
    expect(frame[0]).toBe(0x88); // a close frame
    expect(frame.readUInt16BE(2)).toBe(1002);
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it(`closes a flooding socket with ${STREAM_CLOSE.tooManyFrames}; others keep working`, async () => {
    const s = await raw();
    expect(await floodUntilClosed(s)).toBe(STREAM_CLOSE.tooManyFrames);
    const pings = await raw();
    for (let i = 0; i < 200; i++) pings.ws.ping();
    expect((await pings.waitClose()).code).toBe(STREAM_CLOSE.tooManyFrames);
    // Within the rate, a socket is never closed: 60 frames over 3 s.
    const polite = await raw();
    for (let i = 0; i < 60; i++) {
      polite.ws.send('{"type":"ping"}');
      await new Promise((r) => setTimeout(r, 1000 / (STREAM_LIMITS.framesPerSecond - 5)));
    }
    expect(await polite.waitFor(60)).toHaveLength(60);
    expect(polite.ws.readyState).toBe(polite.ws.OPEN);
  });

  it(`lets one socket follow at most ${STREAM_LIMITS.maxSubscriptions} threads`, async () => {
    const u = await register(call);
    const g = await createGroup(call, u.token, 'public');
    const ids: string[] = [];
    for (let i = 0; i <= STREAM_LIMITS.maxSubscriptions; i++) {
      ids.push((await createThread(call, u.token, g)).id);
    }
    const s = await raw(u.token);
    for (const [i, id] of ids.entries()) {
      s.ws.send(JSON.stringify({ type: 'subscribe', threadId: id }));
      await s.waitFor(i + 1);
      await new Promise((r) => setTimeout(r, 1000 / (STREAM_LIMITS.framesPerSecond - 5)));
    }
    const answers = s.messages as { type: string; data: { code?: string } }[];
    expect(answers.slice(0, -1).every((m) => m.type === 'subscribed')).toBe(true);
    expect(answers.at(-1)).toMatchObject({
      type: 'error',
      data: { code: 'too_many_subscriptions' },
    });
    s.ws.send(JSON.stringify({ type: 'unsubscribe', threadId: ids[0] }));
    s.ws.send(JSON.stringify({ type: 'subscribe', threadId: ids.at(-1) }));
    const [, again] = (await s.waitFor(ids.length + 2)).slice(-2);
    expect(again).toMatchObject({ type: 'subscribed', data: { threadId: ids.at(-1) } });
  }, 60_000);

  it(`fuzz: ${FRAMES} seeded frames each get their documented answer; the server keeps serving`, async () => {
    const watcher = await raw();
    watcher.ws.send(JSON.stringify({ type: 'subscribe', threadId }));
    await watcher.waitFor(1);
    const sent = await fuzz(base, token, threadId, seed);
    expect(sent).toBeGreaterThanOrEqual(1000);
    await expectStillServing(call, watcher, owner, threadId);
  }, 180_000);
});

// ——— a real server process: a crash would be the process exiting ———

describe('stream frames, against a real server process', () => {
  const dirs: string[] = [];
  let server: RunningServer;
  let dropDb = async () => {};
  let env: Record<string, string>;

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-stream-'));
    dirs.push(dataDir);
    env = {
      DATA_DIR: dataDir,
      DEMO_DATA: 'false',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_PER_MINUTE: '1000000',
      POSTS_PER_MINUTE: '100000',
    };
    if (dialect === 'postgres') {
      const db = await freshPgDatabase(process.env.TEST_DATABASE_URL!);
      dropDb = db.drop;
      env.DATABASE_URL = db.url;
      env.REDIS_URL = process.env.TEST_REDIS_URL!;
    }
    server = await startServer(env);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await dropDb();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it(`survives the frames that used to crash it, a flood and ${FRAMES} fuzzed frames`, async () => {
    const call = httpClient(server.url);
    const { token, owner, threadId } = await setUp(call);
    const watcher = await openRaw(server.url, token);
    try {
      watcher.ws.send(JSON.stringify({ type: 'subscribe', threadId }));
      await watcher.waitFor(1);
      for (const frame of KNOWN_CRASHERS) {
        const s = await openRaw(server.url, token);
        s.ws.send(frame);
        expect((await s.waitFor(1))[0]).toMatchObject({
          type: 'error',
          data: { code: 'invalid_input' },
        });
        await s.close();
      }
      expect(await floodUntilClosed(await openRaw(server.url, token))).toBe(
        STREAM_CLOSE.tooManyFrames,
      );
      await fuzz(server.url, token, threadId, seed + 1);
      expect(processAlive(server.pid)).toBe(true);
      await expectStillServing(call, watcher, owner, threadId);
      expect(server.output()).not.toMatch(/unhandled|uncaught/i);
    } finally {
      await watcher.close();
    }
  }, 240_000);
});

describe('an unhandled promise rejection', () => {
  const dirs: string[] = [];
  let server: RunningServer | undefined;
  let dropDb = async () => {};
  afterAll(async () => {
    await server?.stop();
    await dropDb();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('is logged with its error, and the process keeps serving', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanzi-rejection-'));
    dirs.push(dataDir);
    const env: Record<string, string> = { DATA_DIR: dataDir, DEMO_DATA: 'false' };
    if (dialect === 'postgres') {
      const db = await freshPgDatabase(process.env.TEST_DATABASE_URL!);
      dropDb = db.drop;
      env.DATABASE_URL = db.url;
      env.REDIS_URL = process.env.TEST_REDIS_URL!;
    }
    server = await startServer(
      env,
      undefined,
      path.resolve('test/support/entries/unhandled-rejection.ts'),
    );
    process.kill(server.pid, 'SIGUSR2');
    const deadline = Date.now() + 10_000;
    while (!server.output().includes('deliberate unhandled rejection') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const logged = server
      .output()
      .split('\n')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as { level: number; msg: string; err?: { message?: string } }];
        } catch {
          return []; // not a log line (or not a whole one)
        }
      })
      .find((l) => l.err?.message === 'deliberate unhandled rejection from the test entry');
    expect(logged, `no log line for the rejection in:\n${server.output()}`).toBeDefined();
    expect(processAlive(server.pid), 'the process exited').toBe(true);
    expect(logged!.level).toBe(50); // pino "error"
    expect(logged!.msg).toMatch(/unhandled promise rejection/);
    await new Promise((r) => setTimeout(r, 300));
    expect(processAlive(server.pid)).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 120_000);
});

// ——— helpers ———

async function register(call: ReturnType<typeof httpClient>) {
  const username = uniqueUsername('s');
  const res = await call<{ token: string; user: { id: string } }>(
    'POST',
    '/api/v1/auth/register',
    undefined,
    { username, password: 'long enough pw', displayName: username },
  );
  expect(res.status).toBe(201);
  return { token: res.body.token, id: res.body.user.id };
}

async function createGroup(
  call: ReturnType<typeof httpClient>,
  token: string,
  visibility: 'public' | 'approval',
) {
  const res = await call<{ id: string }>('POST', '/api/v1/groups', token, {
    name: `流测试${uniqueUsername('')}`,
    description: '测试',
    interestIds: ['hiking'],
    city: '上海',
    visibility,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function createThread(call: ReturnType<typeof httpClient>, token: string, groupId: string) {
  const res = await call<{ id: string }>('POST', `/api/v1/groups/${groupId}/threads`, token, {
    title: '实时测试',
    body: '第一帖',
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** A user, their public group and a thread in it. */
async function setUp(call: ReturnType<typeof httpClient>) {
  const u = await register(call);
  const groupId = await createGroup(call, u.token, 'public');
  const thread = await createThread(call, u.token, groupId);
  return { token: u.token, owner: u.token, threadId: thread.id };
}

/** /healthz answers and a socket opened before the abuse still gets a live post. */
async function expectStillServing(
  call: ReturnType<typeof httpClient>,
  watcher: RawSocket,
  authorToken: string,
  threadId: string,
) {
  expect((await call('GET', '/healthz')).status).toBe(200);
  const before = watcher.messages.length;
  const post = await call<{ id: string }>(
    'POST',
    `/api/v1/threads/${threadId}/posts`,
    authorToken,
    {
      body: '风暴之后',
    },
  );
  expect(post.status).toBe(201);
  const [live] = (await watcher.waitFor(before + 1)).slice(before);
  expect(live).toMatchObject({
    id: null,
    type: 'post.created',
    data: { threadId, post: { id: post.body.id, body: '风暴之后' } },
  });
}
