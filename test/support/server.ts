import { spawn, type ChildProcess, type SpawnSyncOptions } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dialect } from './context.ts';
import { TEST_SERVER_MARKER } from './processes.ts';

/**
 * The real process entry, run the way `npm start` runs it: `node --import tsx main.ts`, so the
 * PID a test signals is the server itself (the `tsx` command would run the server as a child of
 * its own, and a SIGKILL would kill only that wrapper).
 */
export const mainEntry = path.resolve('src/server/main.ts');
export const serverArgs = ['--import', 'tsx', mainEntry];

/** Environment every process a test starts carries, so the global teardown can find leftovers. */
export function markedEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...env,
    [TEST_SERVER_MARKER]: process.env.QUANZI_TEST_RUN ?? 'adhoc',
  };
}

/** `npm run ledger:check` on the database the environment names, as an operator runs it. */
export function ledgerCheck(
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'ledger:check'], {
      env: markedEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Runs the server entry to completion (for start-up failures); never leaves it running. */
export function runServerSync(env: Record<string, string>, options: SpawnSyncOptions = {}) {
  return spawnSync(process.execPath, serverArgs, {
    env: markedEnv(env),
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
    ...options,
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on the port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether a process with this PID exists (a reaped child no longer does). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A fresh PostgreSQL database for whole-process tests; `drop()` removes it. */
export async function freshPgDatabase(
  url: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `quanzi_proc_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Storage for whole-process tests: a fresh data directory and, on the postgres project, a fresh
 * PostgreSQL database with the test Redis, as environment for `startServer`; `remove()` deletes
 * them (a no-op for what was not made).
 */
export async function processStorage(
  prefix: string,
): Promise<{ dataDir: string; env: Record<string, string>; remove(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `quanzi-${prefix}-`));
  const env: Record<string, string> = { DATA_DIR: dataDir, DEMO_DATA: 'false' };
  let drop = async () => {};
  if (dialect === 'postgres') {
    const db = await freshPgDatabase(process.env.TEST_DATABASE_URL!);
    drop = db.drop;
    env.DATABASE_URL = db.url;
    env.REDIS_URL = process.env.TEST_REDIS_URL!;
    // Its own rate-limit counters and channels: servers of other files share the Redis.
    env.REDIS_NAMESPACE = `p_${path.basename(dataDir).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  }
  return {
    dataDir,
    env,
    async remove() {
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RunningServer {
  url: string;
  port: number;
  /** The PID of the server process itself (the one holding the database). */
  pid: number;
  output(): string;
  /**
   * Signals the server's process group and resolves once the server process has exited and been
   * reaped, so its PID is gone. SIGTERM shuts down gracefully; SIGKILL is a crash.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function exited(child: ChildProcess): boolean {
  // A process killed by a signal has no exit code, only a signalCode.
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Starts `main.ts` (or a test entry that runs it, `entry`) with extra environment and waits until
 * /healthz answers.
 */
export async function startServer(
  env: Record<string, string>,
  port?: number,
  entry = mainEntry,
): Promise<RunningServer> {
  const p = port ?? (await freePort());
  // Its own process group (detached), so a signal to the group reaches anything it started too.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: markedEnv({ LOG_LEVEL: 'warn', ...env, PORT: String(p) }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!exited(child)) {
      try {
        process.kill(-pid, signal);
      } catch {
        child.kill(signal); // the group is already gone; the process itself may not be
      }
    }
    await gone;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited(child)) throw new Error(`server exited: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${p}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`server did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `http://127.0.0.1:${p}`, port: p, pid, output: () => output, stop };
}
