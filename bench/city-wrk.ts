/**
 * Runs wrk for `npm run bench`: writes the spec bench/wrk/city.lua reads, runs one wrk per server
 * at the same time, and combines what their done() hooks print.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Endpoint } from './city-endpoints.ts';
import { startTracked } from './city-processes.ts';

const SCRIPT = path.resolve('bench/wrk/city.lua');

/** What one wrk process reports (from bench/wrk/city.lua's done()). */
export interface WrkRaw {
  requests: number;
  durationUs: number;
  bytes: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  statuses: Record<string, number>;
  maxK: number;
  sample: string | null;
}

/** One measurement: all wrk processes of it, combined. */
export interface Measurement {
  rps: number;
  /** The worse (higher) of the processes' p50 and p99. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  statuses: Record<string, number>;
  socketErrors: number;
  timeouts: number;
  /** Next unused request index (for pair-limited writes). */
  nextK: number;
  seconds: number;
  sample: string | null;
  raw: WrkRaw[];
}

/** `wrk -v` (it exits 1 after printing its version), or null when wrk is not installed. */
export function wrkVersion(): string | null {
  const r = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (r.error) return null;
  const v = /(\d+\.\d+\.\d+)/.exec(r.stdout + r.stderr)?.[1];
  return v ? `wrk ${v}` : 'wrk';
}

function luaString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out +=
      byte < 0x20 || byte >= 0x7f || c === '"' || c === '\\'
        ? `\\${String(byte).padStart(3, '0')}`
        : c;
  }
  return out + '"';
}

const luaList = (xs: string[]) => `{${xs.map(luaString).join(',\n')}}`;

export interface SpecOptions {
  auth: 'bearer' | 'cookie';
  cookie: string;
  nonce: string;
  offset: number;
  slots: number;
}

/** Writes the Lua spec for an endpoint (or for the ceiling, `null`) and returns its path. */
export function writeSpec(dir: string, name: string, e: Endpoint | null, o: SpecOptions): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.lua`);
  const fields = [
    `method = ${luaString(e?.method ?? 'GET')}`,
    `mode = ${luaString(e?.mode ?? 'rotate')}`,
    `auth = ${luaString(o.auth)}`,
    `cookie = ${luaString(o.cookie)}`,
    `nonce = ${luaString(o.nonce)}`,
    `offset = ${o.offset}`,
    `slots = ${o.slots}`,
    `paths = ${luaList(e?.paths ?? ['/'])}`,
    `tokens = ${luaList(e?.tokens ?? [])}`,
  ];
  if (e?.body !== undefined) fields.push(`body = ${luaString(e.body)}`);
  if (e?.idempotencyKey) fields.push('idempotencyKey = true');
  if (e?.limit !== undefined) fields.push(`limit = ${e.limit}`);
  fs.writeFileSync(file, `return {\n${fields.join(',\n')}\n}\n`);
  return file;
}

/**
 * Runs one wrk per target URL at the same time (`connections` and `threads` each), all with the
 * spec; the wrk processes take disjoint request indexes (slot bases 0, threads, 2×threads…).
 */
export async function runWrk(opts: {
  urls: string[];
  spec: string;
  seconds: number;
  connections: number;
  threads: number;
}): Promise<Measurement> {
  const runs = opts.urls.map((url, i) => {
    const args = [
      `-t${opts.threads}`,
      `-c${opts.connections}`,
      `-d${opts.seconds}s`,
      '--timeout',
      '10s',
      '--latency',
      '-s',
      SCRIPT,
      url,
    ];
    const p = startTracked('wrk', 'wrk', args, {
      ...process.env,
      BENCH_WRK_SPEC: opts.spec,
      BENCH_WRK_SLOT_BASE: String(i * opts.threads),
      BENCH_WRK_ORIGIN: new URL(url).origin,
    });
    return p.gone.then(() => {
      const out = p.output();
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line || p.child.exitCode !== 0) {
        throw new Error(`wrk ${args.join(' ')} failed (exit ${p.child.exitCode}):\n${out}`);
      }
      return { raw: JSON.parse(line.slice('BENCH_RESULT '.length)) as WrkRaw, text: out };
    });
  });
  const results = await Promise.all(runs);
  const raw = results.map((r) => r.raw);
  const statuses: Record<string, number> = {};
  for (const r of raw) {
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  }
  const non2xx = Object.entries(statuses)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((s, [, n]) => s + n, 0);
  return {
    rps: raw.reduce((s, r) => s + r.requests / (r.durationUs / 1e6), 0),
    p50Ms: Math.max(...raw.map((r) => r.p50Us)) / 1000,
    p99Ms: Math.max(...raw.map((r) => r.p99Us)) / 1000,
    requests: raw.reduce((s, r) => s + r.requests, 0),
    non2xx,
    statuses,
    socketErrors: raw.reduce((s, r) => s + r.errors.connect + r.errors.read + r.errors.write, 0),
    timeouts: raw.reduce((s, r) => s + r.errors.timeout, 0),
    nextK: Math.max(...raw.map((r) => r.maxK)) + 1,
    seconds: opts.seconds,
    sample: raw.find((r) => r.sample)?.sample ?? null,
    raw,
  };
}
