/**
 * `npm run bench:fanout` — realtime fan-out of one process: N WebSocket clients (default 10,000)
 * subscribed to one thread of one group; a member replies; how long until each client has the
 * `post.created` frame, and how much server memory each connection costs.
 *
 *   npm run bench:fanout
 *   BENCH_CLIENTS=2000 BENCH_ROUNDS=3 npm run bench:fanout
 *
 * The server runs in its own process (`node --import tsx src/server/main.ts`, i.e. `npm start`
 * without the tsx wrapper process, so its pid is the server's) on a fresh SQLite file under
 * bench/.data, in-process pub/sub, listening on 127.0.0.1. This process registers one user per
 * BENCH_SOCKETS_PER_USER sockets (default 200: many devices per person; registration is argon2,
 * so 10,000 users would take minutes), creates a public group and a thread, has everyone join,
 * then opens the sockets in batches of BENCH_BATCH (default 500) and subscribes each to the
 * thread. Then a member posts a reply BENCH_ROUNDS times (default 5, after one warm-up round);
 * latency = arrival at a client − the moment just before the POST was sent (same clock, this
 * process), so it includes the HTTP request, the database transaction, the fan-out and this
 * process reading 10,000 sockets on the same machine.
 *
 * Memory per connection = (server VmRSS after all sockets are subscribed − before) / N.
 *
 * Baseline, same run: the same measurement on a fresh server with BENCH_BASELINE_CLIENTS
 * (default 100) clients, so the ratio can be compared across machines.
 *
 * File descriptors: every socket costs one on each side. Node raises its soft limit to the hard
 * limit at start-up, so what matters is `ulimit -Hn` (it must exceed N plus a few dozen, for both
 * processes); if it does not, the run says so and measures with the sockets it could open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

const envInt = (name: string, def: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};
const CLIENTS = envInt('BENCH_CLIENTS', 10_000);
const BASELINE = envInt('BENCH_BASELINE_CLIENTS', 100);
const ROUNDS = envInt('BENCH_ROUNDS', 5);
const PER_USER = envInt('BENCH_SOCKETS_PER_USER', 200);
const BATCH = envInt('BENCH_BATCH', 500);
const HOST = '127.0.0.1';
const DATA_ROOT = path.resolve('bench/.data');
const PASSWORD = 'bench-password';

const log = (msg: string) => console.error(`[fanout] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rejects after `ms` with a message naming what was being waited for. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function openFilesLimit(pid: number | 'self'): { soft: number; hard: number } | null {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const m = line && /Max open files\s+(\S+)\s+(\S+)/.exec(line);
    if (!m) return null;
    const num = (s: string) => (s === 'unlimited' ? Infinity : Number(s));
    return { soft: num(m[1]!), hard: num(m[2]!) };
  } catch {
    return null;
  }
}

/** Resident set size of a process in bytes (Linux). */
function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Busy CPU time of the whole machine, and of one process, in clock ticks (Linux). */
function machineBusyTicks(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  // cpu user nice system idle iowait irq softirq steal …
  return f[1]! + f[2]! + f[3]! + f[6]! + f[7]! + f[8]!;
}
function processTicks(pid: number | 'self'): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}
/** Share of the machine's CPUs that processes other than these two used since `start`. */
function otherCpu(serverPid: number) {
  const at = () => ({
    wall: performance.now(),
    busy: machineBusyTicks(),
    own: processTicks('self') + processTicks(serverPid),
  });
  const start = at();
  return () => {
    const end = at();
    const ticksPerS = 100; // USER_HZ on Linux
    const other = (end.busy - start.busy - (end.own - start.own)) / ticksPerS;
    const capacity = ((end.wall - start.wall) / 1000) * os.availableParallelism();
    return Math.max(0, other / capacity);
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The server child

interface Server {
  pid: number;
  base: string;
  child: ChildProcess;
  /** The last lines the server printed (warnings and errors only, LOG_LEVEL=warn). */
  tail: string[];
  dataDir: string;
}

const children = new Set<ChildProcess>();
const killAll = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping`);
    killAll();
    process.exit(130);
  });
}

async function startServer(): Promise<Server> {
  fs.mkdirSync(DATA_ROOT, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(DATA_ROOT, 'fanout-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      HOST,
      PORT: String(port),
      DATABASE_URL: '',
      REDIS_URL: '',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '10000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
      POSTS_PER_MINUTE: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (tail.length > 30) tail.shift();
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const server: Server = { pid: child.pid!, base: `http://${HOST}:${port}`, child, tail, dataDir };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited during start-up:\n${tail.join('\n')}`);
    }
    try {
      const res = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`server not healthy after 60 s:\n${tail.join('\n')}`);
    await sleep(100);
  }
  return server;
}

async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    try {
      await within(exited, 15_000, 'server shutdown');
    } catch {
      child.kill('SIGKILL');
      await within(exited, 5_000, 'server kill').catch(() => undefined);
    }
  }
  children.delete(child);
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// HTTP set-up

async function api<T>(
  server: Server,
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${server.base}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface Setup {
  tokens: string[];
  posterToken: string;
  threadId: string;
}

async function setUp(server: Server, clients: number): Promise<Setup> {
  const users = Math.max(2, Math.ceil(clients / PER_USER));
  const tokens = await pool(
    Array.from({ length: users }, (_, i) => i),
    4,
    async (i) =>
      (
        await api<{ token: string }>(server, 'POST', '/api/v1/auth/register', null, {
          username: `fan_${i}`,
          password: PASSWORD,
          displayName: `压测${i}`,
        })
      ).token,
  );
  const owner = tokens[0]!;
  const group = await api<{ id: string }>(server, 'POST', '/api/v1/groups', owner, {
    name: '压测小组',
    description: '实时推送压测',
    interestIds: ['hiking'],
    city: '上海',
    visibility: 'public',
  });
  await pool(tokens.slice(1), 8, (t) =>
    api(server, 'POST', `/api/v1/groups/${group.id}/join`, t, {}),
  );
  const thread = await api<{ id: string }>(
    server,
    'POST',
    `/api/v1/groups/${group.id}/threads`,
    owner,
    { title: '周末爬山', body: '周末去爬山，有人一起吗？' },
  );
  // A member (not the owner, who is exempt from posting limits) replies.
  return { tokens, posterToken: tokens[1]!, threadId: thread.id };
}

// ---------------------------------------------------------------------------------------------
// Clients

/** What the clients are waiting for in the current round. */
interface Round {
  marker: Buffer;
  t0: number;
  times: Float64Array;
  got: Uint8Array;
  count: number;
  expected: number;
  done: () => void;
}
let round: Round | null = null;
let checkedFrame = false;

function onFrame(i: number, raw: Buffer, threadId: string) {
  const r = round;
  if (!r || r.got[i] || !raw.includes(r.marker)) return;
  const t = performance.now() - r.t0;
  if (!checkedFrame) {
    // Once per run: the frame really is the post.created of this thread.
    const f = JSON.parse(raw.toString()) as {
      id: unknown;
      type: string;
      data: { threadId: string };
    };
    if (f.type !== 'post.created' || f.data.threadId !== threadId || f.id !== null) {
      throw new Error(`unexpected frame: ${raw.toString().slice(0, 200)}`);
    }
    checkedFrame = true;
  }
  r.got[i] = 1;
  r.times[i] = t;
  if (++r.count === r.expected) r.done();
}

function errCode(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(err);
}

function openClient(
  server: Server,
  i: number,
  token: string,
  threadId: string,
  sockets: WebSocket[],
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${server.base.replace(/^http/, 'ws')}/api/v1/stream`, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
      handshakeTimeout: 30_000,
    });
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const timer = setTimeout(() => fail(new Error('subscribe timed out (30 s)')), 30_000);
    ws.on('error', fail);
    ws.once('close', (code) => fail(new Error(`closed ${code} before subscribing`)));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      fail(new Error(`HTTP ${res.statusCode}`));
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', threadId })));
    const onSubscribe = (raw: Buffer) => {
      const text = raw.toString();
      if (!text.includes('"type":"subscribed"')) {
        if (text.includes('"type":"error"')) fail(new Error(`subscribe refused: ${text}`));
        return; // e.g. unread.changed on the user channel
      }
      settled = true;
      clearTimeout(timer);
      ws.off('message', onSubscribe);
      ws.removeAllListeners('close');
      ws.on('message', (data: Buffer) => onFrame(i, data, threadId));
      sockets[i] = ws;
      resolve();
    };
    ws.on('message', onSubscribe);
  });
}

const EMFILE_HELP =
  'Out of file descriptors (EMFILE): each socket needs one fd in this process and one in the ' +
  'server. Node raises its soft limit to the hard limit by itself, so raise the hard limit ' +
  '(`ulimit -Hn`, /etc/security/limits.conf, LimitNOFILE= for systemd, --ulimit nofile= for ' +
  'Docker) above BENCH_CLIENTS plus ~100, or lower BENCH_CLIENTS.';

interface Opened {
  sockets: WebSocket[];
  connected: number;
  connectMs: number;
  failure: string | null;
}

async function openAll(server: Server, setup: Setup, n: number): Promise<Opened> {
  const sockets: WebSocket[] = [];
  const t0 = performance.now();
  let failure: string | null = null;
  for (let start = 0; start < n && !failure; start += BATCH) {
    const idx = Array.from({ length: Math.min(BATCH, n - start) }, (_, k) => start + k);
    const results = await Promise.allSettled(
      idx.map((i) =>
        openClient(server, i, setup.tokens[i % setup.tokens.length]!, setup.threadId, sockets),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) {
      const codes = new Map<string, number>();
      for (const f of failed) {
        const c = errCode(f.reason);
        codes.set(c, (codes.get(c) ?? 0) + 1);
      }
      const serverEmfile = server.tail.some((l) => l.includes('EMFILE'));
      failure =
        `${failed.length} of ${idx.length} sockets in the batch from #${start} failed: ` +
        [...codes].map(([c, k]) => `${c} ×${k}`).join(', ') +
        (serverEmfile ? ' (the server reported EMFILE)' : '');
      if (codes.has('EMFILE') || serverEmfile) failure += `\n${EMFILE_HELP}`;
      log(`stopping at ${sockets.filter(Boolean).length} sockets: ${failure}`);
    }
    if ((start / BATCH) % 4 === 3 || start + BATCH >= n) {
      log(`  ${sockets.filter(Boolean).length.toLocaleString('en')} subscribed`);
    }
  }
  const connectMs = performance.now() - t0;
  let live = sockets.filter(Boolean);
  if (failure && live.length > 64) {
    // Out of descriptors (or nearly): give some back, so the HTTP posts and /proc reads work.
    for (const ws of live.slice(-32)) ws.terminate();
    live = live.slice(0, -32);
    await sleep(500);
  }
  return { sockets: live, connected: live.length, connectMs, failure };
}

/** Re-indexes the clients 0..connected-1 so a round expects exactly them. */
function reindex(opened: Opened, threadId: string) {
  opened.sockets.forEach((ws, i) => {
    ws.removeAllListeners('message');
    ws.on('message', (data: Buffer) => onFrame(i, data, threadId));
  });
}

async function postRound(
  server: Server,
  setup: Setup,
  clients: number,
  label: string,
): Promise<{ times: Float64Array; got: Uint8Array; received: number; postMs: number }> {
  const marker = `fanout ${label} ${randomBytes(6).toString('hex')}`;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const r: Round = {
    marker: Buffer.from(marker),
    t0: 0,
    times: new Float64Array(clients),
    got: new Uint8Array(clients),
    count: 0,
    expected: clients,
    done,
  };
  round = r;
  r.t0 = performance.now();
  await api(server, 'POST', `/api/v1/threads/${setup.threadId}/posts`, setup.posterToken, {
    body: marker,
  });
  const postMs = performance.now() - r.t0;
  try {
    await within(all, 30_000, `post.created at all ${clients} clients (round ${label})`);
  } catch (err) {
    log(`${(err as Error).message}; got ${r.count}`);
  }
  round = null;
  return { times: r.times, got: r.got, received: r.count, postMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (sorted: Float64Array, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

interface Result {
  label: string;
  requested: number;
  clients: number;
  connectS: number;
  rssBefore: number;
  rssAfter: number;
  kibPerConn: number;
  clientKibPerConn: number;
  p50: number;
  p99: number;
  lasts: number[];
  postMs: number[];
  /** Median time of the same POST before any client was connected. */
  floorMs: number;
  /** Share of the CPUs other processes used during the rounds (noise indicator). */
  other: number;
  missing: number;
  failure: string | null;
}

async function run(label: string, n: number): Promise<Result> {
  log(`${label}: starting a server for ${n.toLocaleString('en')} clients`);
  const server = await startServer();
  let opened: Opened | null = null;
  try {
    const lim = openFilesLimit(server.pid);
    if (lim && lim.soft < n + 64) {
      log(`warning: the server may open only ${lim.soft} files (needs ≥ ${n + 64}).`);
    }
    const setup = await setUp(server, n);
    log(`${label}: ${setup.tokens.length} users joined; thread ${setup.threadId}`);
    // The same reply with nobody listening: the HTTP + database part of the latency.
    const floor: number[] = [];
    for (let k = 0; k <= 5; k++) {
      const t = performance.now();
      await api(server, 'POST', `/api/v1/threads/${setup.threadId}/posts`, setup.posterToken, {
        body: `floor ${k}`,
      });
      if (k > 0) floor.push(performance.now() - t);
    }
    await sleep(1000);
    const rssBefore = rssOf(server.pid);
    const clientBefore = process.memoryUsage().rss;
    opened = await openAll(server, setup, n);
    if (opened.connected === 0) throw new Error(`no client connected: ${opened.failure}`);
    reindex(opened, setup.threadId);
    await sleep(1000);
    const rssAfter = rssOf(server.pid);
    const clientAfter = process.memoryUsage().rss;
    const c = opened.connected;
    log(
      `${label}: ${c.toLocaleString('en')} subscribed in ${(opened.connectMs / 1000).toFixed(1)} s; ` +
        `server RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
    );

    await postRound(server, setup, c, `${label}-warmup`);
    await sleep(500);
    const otherSince = otherCpu(server.pid);
    const all: number[] = [];
    const lasts: number[] = [];
    const postMs: number[] = [];
    let missing = 0;
    for (let k = 1; k <= ROUNDS; k++) {
      const res = await postRound(server, setup, c, `${label}-${k}`);
      let last = 0;
      for (let i = 0; i < c; i++) {
        if (!res.got[i]) continue;
        all.push(res.times[i]!);
        if (res.times[i]! > last) last = res.times[i]!;
      }
      missing += c - res.received;
      lasts.push(res.received === c ? last : Infinity);
      postMs.push(res.postMs);
      log(
        `${label} round ${k}: last delivery ${last.toFixed(1)} ms, POST answered in ${res.postMs.toFixed(1)} ms` +
          (res.received < c ? `, ${c - res.received} missing` : ''),
      );
      await sleep(500);
    }
    const other = otherSince();
    const sorted = Float64Array.from(all).sort();
    return {
      label,
      requested: n,
      clients: c,
      connectS: opened.connectMs / 1000,
      rssBefore,
      rssAfter,
      kibPerConn: (rssAfter - rssBefore) / 1024 / c,
      clientKibPerConn: (clientAfter - clientBefore) / 1024 / c,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      lasts,
      postMs,
      floorMs: median(floor),
      other,
      missing,
      failure: opened.failure,
    };
  } catch (err) {
    if (server.tail.length) log(`server output:\n${server.tail.join('\n')}`);
    throw err;
  } finally {
    for (const ws of opened?.sockets ?? []) ws.terminate();
    await stopServer(server);
  }
}

// ---------------------------------------------------------------------------------------------

const own = openFilesLimit('self');
if (own && own.soft < CLIENTS + 64) {
  log(
    `warning: this process may open only ${own.soft} files (hard limit ${own.hard}); ` +
      `${CLIENTS.toLocaleString('en')} clients need ≥ ${CLIENTS + 64}. ${EMFILE_HELP}`,
  );
}

const loadAtStart = os.loadavg()[0]!;
if (loadAtStart > os.availableParallelism() / 2) {
  log(`note: load average ${loadAtStart.toFixed(2)} — other work on this machine skews latencies`);
}
const results: Result[] = [];
try {
  results.push(await run('baseline', BASELINE));
  results.push(await run('fan-out', CLIENTS));
} catch (err) {
  console.error(`[fanout] failed: ${(err as Error).stack ?? String(err)}`);
  killAll();
  process.exit(1);
}

const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
console.log(
  `\nrealtime fan-out: one server process (SQLite, in-process pub/sub), one thread, ` +
    `${ROUNDS} posts per row after a warm-up post; ${PER_USER} sockets per user; ` +
    `${os.availableParallelism()} CPUs, node ${process.version}, load average at start ${loadAtStart.toFixed(2)}\n`,
);
console.log(
  '| run | clients | connect s | server RSS before MiB | after MiB | KiB / connection | p50 ms | p99 ms | last delivery ms (per round) | POST answered ms (median) | POST, no clients ms | other CPU |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  const clients =
    r.clients === r.requested
      ? r.clients.toLocaleString('en')
      : `${r.clients.toLocaleString('en')} of ${r.requested.toLocaleString('en')}`;
  console.log(
    `| ${r.label} | ${clients} | ${r.connectS.toFixed(1)} | ${mib(r.rssBefore)} | ${mib(r.rssAfter)} | ${r.kibPerConn.toFixed(1)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.lasts.map(ms).join(' / ')} | ${ms(median(r.postMs))} | ${ms(r.floorMs)} | ${(r.other * 100).toFixed(0)} % |`,
  );
}
const [b, f] = [results[0]!, results[1]!];
console.log(
  `\np50 ratio ${f.clients.toLocaleString('en')} / ${b.clients.toLocaleString('en')} clients: ` +
    `${(f.p50 / b.p50).toFixed(1)}×; last delivery (median) ${ms(median(f.lasts))} ms vs ${ms(median(b.lasts))} ms; ` +
    `client side (this process) ${f.clientKibPerConn.toFixed(1)} KiB per socket`,
);
for (const r of results) {
  if (r.missing) console.log(`\n${r.label}: ${r.missing} deliveries missing (30 s timeout)`);
  if (r.failure) console.log(`\n${r.label}: not every client connected — ${r.failure}`);
  if (r.missing || r.failure) process.exitCode = 2;
}
