import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

/** Runs the real process entry (`npm start`) as a child, for tests of whole processes. */
export const tsx = path.resolve('node_modules/.bin/tsx');
export const mainEntry = path.resolve('src/server/main.ts');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
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

export interface RunningServer {
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `main.ts` with extra environment and waits until /healthz answers. */
export async function startServer(
  env: Record<string, string>,
  port?: number,
): Promise<RunningServer> {
  const p = port ?? (await freePort());
  const child = spawn(tsx, [mainEntry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(p) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${p}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `http://127.0.0.1:${p}`,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      // A process killed by a signal has no exit code, only a signalCode.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}
