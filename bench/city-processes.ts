/**
 * The processes `npm run bench` starts — servers, ceilings, wrk — each in its own process group,
 * all remembered here so that every one of them is stopped at the end, on an error and on
 * Ctrl-C (SIGINT/SIGTERM). A process group is signalled as a whole, so nothing it started
 * outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

interface Tracked {
  name: string;
  child: ChildProcess;
  gone: Promise<void>;
  stopping: boolean;
}

const running = new Set<Tracked>();

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

function signalGroup(t: Tracked, signal: NodeJS.Signals) {
  if (exited(t.child)) return;
  try {
    process.kill(-t.child.pid!, signal);
  } catch {
    t.child.kill(signal);
  }
}

/** Starts a command in its own process group and tracks it until it exits. */
export function startTracked(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdio: 'pipe' | 'inherit' = 'pipe',
): { child: ChildProcess; gone: Promise<void>; output: () => string } {
  const child = spawn(command, args, {
    env,
    detached: true,
    stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const gone = new Promise<void>((resolve) => {
    // 'exit' can come before the last of the output has been read (a wrk's BENCH_RESULT line
    // was once lost that way, failing a run); 'close' comes after the pipes end. A grandchild
    // still holding a pipe must not keep us waiting, so 'close' gets one second after 'exit'.
    child.once('close', () => resolve());
    child.once('exit', () => setTimeout(resolve, 1000).unref());
    child.once('error', (err) => {
      out += String(err);
      resolve();
    });
  });
  const t: Tracked = { name, child, gone, stopping: false };
  running.add(t);
  void gone.then(() => {
    running.delete(t);
    // A server or ceiling that ends before we stop it: say so, with how it ended.
    if (!t.stopping && name !== 'wrk') {
      console.error(
        `[bench] ${name} (pid ${child.pid}) exited by itself: ${child.signalCode ?? `exit ${child.exitCode}`}\n${out.slice(-2000)}`,
      );
    }
  });
  return { child, gone, output: () => out };
}

/** SIGTERM to the group, then SIGKILL after `graceMs`; resolves once the process is reaped. */
export async function stopTracked(child: ChildProcess, graceMs = 8_000): Promise<void> {
  const t = [...running].find((r) => r.child === child);
  if (!t) return;
  t.stopping = true;
  signalGroup(t, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(t, 'SIGKILL'), graceMs);
  await t.gone;
  clearTimeout(timer);
  // Anything the process started in its group goes too.
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group is empty
  }
}

/** Stops everything still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((t) => stopTracked(t.child)));
}

let installed = false;
/**
 * Ctrl-C and SIGTERM stop every tracked process before this one exits; at exit, whatever is
 * left (after an uncaught error) is killed synchronously.
 */
export function installCleanup(log: (msg: string) => void): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping ${running.size} process(es)…`);
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    for (const t of running) signalGroup(t, 'SIGKILL');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

export interface Running {
  name: string;
  port: number;
  pid: number;
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `node --import tsx <entry>` in its own group and waits until `readyPath` answers 200. */
export async function startNodeService(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  readyPath: string,
  timeoutMs = 120_000,
): Promise<Running> {
  const port = await freePort();
  const { child, output } = startTracked(
    name,
    process.execPath,
    ['--import', 'tsx', path.resolve(entry)],
    { ...env, PORT: String(port) },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited(child)) throw new Error(`${name} exited during start-up:\n${output()}`);
    try {
      const res = await fetch(url + readyPath);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopTracked(child);
      throw new Error(`${name} did not answer ${readyPath} within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, port, pid: child.pid!, url, output, stop: () => stopTracked(child) };
}
