/**
 * The machine under `npm run bench`: what it is (CPU, memory, versions) and how busy other work
 * kept it while the benchmark ran (from /proc/stat, minus this benchmark's own processes).
 */
import fs from 'node:fs';
import os from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Redis } from 'ioredis';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  postgres: string | null;
  redis: string | null;
  wrk: string;
}

function cpuModel(): string {
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

function osName(): string {
  try {
    const m = /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? `${os.type()} ${os.release()}`;
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

export async function machineInfo(opts: {
  pgUrl: string | null;
  redisUrl: string | null;
  wrk: string;
}): Promise<MachineInfo> {
  const mem = new Database(':memory:');
  const sqlite = (mem.prepare('select sqlite_version() as v').get() as { v: string }).v;
  mem.close();
  let postgres: string | null = null;
  if (opts.pgUrl) {
    const c = new pg.Client({ connectionString: opts.pgUrl });
    await c.connect();
    postgres = ((await c.query('show server_version')).rows[0] as { server_version: string })
      .server_version;
    await c.end();
  }
  let redis: string | null = null;
  if (opts.redisUrl) {
    const r = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    redis = /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? 'unknown';
    r.disconnect();
  }
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: osName(),
    node: process.version,
    sqlite,
    postgres,
    redis,
    wrk: opts.wrk,
  };
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number | string): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Clock ticks of a process (its own CPU; with `children`, also its reaped children's). */
function ticksOf(pid: number | 'self', children = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // f[11] utime, f[12] stime, f[13] cutime, f[14] cstime (fields 14–17 of proc(5)).
  const own = Number(f[11]) + Number(f[12]);
  return children ? own + Number(f[13]) + Number(f[14]) : own;
}

/**
 * Clock ticks of every process in the process groups led by `leaders` (a server started in its
 * own group, and any worker processes it started).
 */
function groupTicks(leaders: number[]): number {
  if (leaders.length === 0) return 0;
  const groups = new Set(leaders.map(String));
  let sum = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const f = statFields(pid);
    // f[2] is the process group id.
    if (f && groups.has(f[2]!)) sum += Number(f[11]) + Number(f[12]);
  }
  return sum;
}

function commOf(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Ticks of every process whose name is one of `names` (the database and Redis servers). */
function ticksByName(names: string[]): number {
  let sum = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(pid) && names.includes(commOf(pid))) sum += ticksOf(Number(pid));
  }
  return sum;
}

function cpuTotals(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest is already inside user).
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  return { busy: total - v[3]! - v[4]!, total };
}

export interface CpuSample {
  busy: number;
  total: number;
  ours: number;
}

/**
 * A sample of the machine's CPU time and of ours: this process and its reaped children (every
 * wrk run), the servers and ceilings with their process groups (`pids`), and, for the PostgreSQL stack, every `postgres`
 * and `redis-server` process (they serve the benchmark; other work using them counts as ours).
 */
export function sampleCpu(pids: number[], serviceNames: string[]): CpuSample {
  const { busy, total } = cpuTotals();
  const ours =
    ticksOf('self', true) +
    groupTicks(pids) +
    (serviceNames.length ? ticksByName(serviceNames) : 0);
  return { busy, total, ours };
}

/** Shares of all cores' time between two samples: others' (busy, not ours) and ours, in %. */
export function cpuShares(a: CpuSample, b: CpuSample): { otherPct: number; oursPct: number } {
  const total = b.total - a.total;
  if (total <= 0) return { otherPct: 0, oursPct: 0 };
  const busy = b.busy - a.busy;
  const ours = Math.min(busy, b.ours - a.ours);
  return { otherPct: (100 * (busy - ours)) / total, oursPct: (100 * ours) / total };
}

/**
 * Waits until the process groups are idle — at most `maxIdleTicks` clock ticks (10 ms each) of CPU
 * between them over `windowMs` — so that a measurement does not inherit the previous one's
 * backlog (requests wrk abandoned at the end of its run are still being served). Gives up after
 * `maxMs`; returns how long it waited.
 */
export async function waitIdle(
  pids: number[],
  opts: { windowMs?: number; maxIdleTicks?: number; maxMs?: number } = {},
): Promise<number> {
  const windowMs = opts.windowMs ?? 100;
  const maxIdleTicks = opts.maxIdleTicks ?? 1;
  const maxMs = opts.maxMs ?? 30_000;
  const t0 = Date.now();
  let before = groupTicks(pids);
  for (;;) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = groupTicks(pids);
    if (now - before <= maxIdleTicks || Date.now() - t0 > maxMs) return Date.now() - t0;
    before = now;
  }
}
