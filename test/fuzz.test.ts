import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from './support/context.ts';
import { countersCheck } from './support/counters.ts';
import { caller, setUpFixtures } from './support/fuzz/fixtures.ts';
import type { Fixtures } from './support/fuzz/fixtures-types.ts';
import {
  changedTables,
  diff,
  pgReader,
  sqliteReader,
  VOLATILE,
  type DbReader,
  type Snapshot,
} from './support/fuzz/digest.ts';
import { operationsOf, type Operation } from './support/fuzz/openapi.ts';
import {
  check,
  codeOf,
  formatFailures,
  type Exchange,
  type Failure,
  type Printer,
} from './support/fuzz/report.ts';
import { materialize, type SendState } from './support/fuzz/materialize.ts';
import type { Context } from './support/fuzz/model.ts';
import { batchArb } from './support/fuzz/requests.ts';
import { startBarrage, type BarrageStats } from './support/fuzz/ws-barrage.ts';
import { send, type Target } from './support/fuzz/wire.ts';
import { seedFrom } from './support/random.ts';
import {
  freePort,
  processStorage,
  processAlive,
  startServer,
  ledgerCheck,
  type RunningServer,
} from './support/server.ts';

/**
 * Hostile HTTP requests generated from the server's own /openapi.json, for every route, against
 * one real server process (the `npm start` entry), with a barrage of random WebSocket frames at
 * the stream alongside. Every answer must be a non-5xx; every 4xx the one error shape with a
 * JSON content type; no request may hang. Requests go in batches, and a batch whose requests
 * were all refused must leave the database exactly as it was (a digest of every table). At the
 * end the same process still answers /healthz and `npm run ledger:check` passes.
 *
 * FUZZ_RUNS requests per project (default 5,000; the file runs on both the sqlite and the
 * postgres project, so a CI run sends 10,000). FUZZ_SEED=<the seed it printed> repeats a run.
 */
const seed = seedFrom('FUZZ_SEED');
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const BATCH = 25;
const CONCURRENCY = 8;
const TIMEOUT_MS = 20_000;
const BODY_LIMIT = 1_048_576;
const MAX_RESTARTS = 3;

let dataDir = '';
let removeStorage = async () => {};
let reader: DbReader | undefined;
const running: RunningServer[] = [];
let agent: http.Agent | undefined;

afterAll(async () => {
  agent?.destroy();
  await reader?.close();
  for (const s of running) await s.stop('SIGKILL');
  await removeStorage();
});

/** Everything the run found, for the assertions below. */
const run = {
  operations: [] as Operation[],
  /** Documented routes no request went to. */
  unhit: [] as string[],
  total: 0,
  httpFailures: [] as Failure[],
  digestFailures: [] as Failure[],
  survival: [] as string[],
  batches: 0,
  checkedBatches: 0,
  allRefusedBatches: 0,
  busyBatches: 0,
  report: '',
  httpReport: '',
  digestReport: '',
};

/** A loopback address of our own, so our log-in traffic has its own rate-limit bucket. */
async function ownAddress(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    s.once('connect', () => {
      s.destroy();
      resolve('127.0.0.2');
    });
    s.once('error', () => resolve(undefined));
  });
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** The server's error-level log lines, counted by message and error (first 200 chars). */
function serverErrors(output: string): string[] {
  const counts = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line) as {
        level?: number;
        msg?: string;
        err?: { type?: string; message?: string };
      };
      if ((j.level ?? 0) < 50) continue;
      const key = `${j.msg ?? ''}: ${j.err?.type ?? ''} ${(j.err?.message ?? '').slice(0, 200)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      // not a log line
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v}× ${k}`);
}

/** Gone, or exited and not yet reaped (a zombie holds no port and answers nothing). */
function serverGone(pid: number): boolean {
  if (!processAlive(pid)) return true;
  try {
    return /^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until nothing changes for `stableMs` and no outbox event or job is due. */
async function quiet(db: DbReader, stableMs: number, stepMs: number, maxMs: number) {
  const start = Date.now();
  let last = await db.snapshot();
  let since = Date.now();
  for (;;) {
    await sleep(stepMs);
    // Owed work first, then the snapshot: work done before the check is in the snapshot.
    const pending = await db.pendingWork();
    const s = await db.snapshot();
    if (s.digest !== last.digest || pending > 0) {
      last = s;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) {
      return { snapshot: s, quiet: true };
    }
    if (Date.now() - start > maxMs) return { snapshot: s, quiet: false };
  }
}

describe(`fuzzing every route from /openapi.json (${dialect})`, () => {
  beforeAll(async () => {
    const started = Date.now();
    const storage = await processStorage('fuzz');
    ({ dataDir } = storage);
    removeStorage = storage.remove;
    const env: Record<string, string> = {
      ...storage.env,
      LOG_LEVEL: 'warn',
      // High enough that limits do not hide the fuzzing, low enough that some requests meet them
      // (log-in/registration, posting): 429 is a fine answer.
      RATE_LIMIT_PER_MINUTE: '100000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100',
      POSTS_PER_MINUTE: '5',
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
    };
    const port = await freePort();
    let server = await startServer(env, port);
    running.push(server);
    const firstPid = server.pid;
    const localAddress = await ownAddress(port);
    const target: Target = { host: '127.0.0.1', port, localAddress };
    // A fresh connection per request: after a refused oversize request the server closes its
    // socket, and a kept-alive one could be reused in that instant and read as a reset.
    agent = new http.Agent({ keepAlive: false });
    const call = caller(target, agent);

    // The routes, from the running server's own document.
    const doc = await call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    const { operations, skipped } = operationsOf(doc.body as Parameters<typeof operationsOf>[0]);
    run.operations = operations;
    const documented = new Set(operations.map((o) => o.path));
    const notInDoc = ['/api/v1/stream', '/docs'].filter(
      (p) => !documented.has(p) && !skipped.some((s) => s.key.endsWith(` ${p}`)),
    );

    const fx: Fixtures = await setUpFixtures(call, operations, 25);
    reader =
      dialect === 'postgres'
        ? await pgReader(env.DATABASE_URL!)
        : sqliteReader(path.join(dataDir, 'quanzi.sqlite'));
    const db = reader;
    const settled = await quiet(db, 2_000, 250, 30_000);
    expect(settled.quiet, 'the server did not go quiet after set-up').toBe(true);
    const setupMs = Date.now() - started;

    const ctx: Context = { fx, operations, bodyLimit: BODY_LIMIT };
    const state: SendState = { disposable: [...fx.disposableTokens], seq: 0 };
    const batches = fc.sample(batchArb(ctx, BATCH), { seed, numRuns: Math.ceil(RUNS / BATCH) });

    const printer: Printer = {
      tokens: new Map([
        ...fx.users.map((u) => [u.token, `${u.name}'s token`] as [string, string]),
        ...fx.disposableTokens.map((t, i) => [t, `throwaway token ${i}`] as [string, string]),
      ]),
      serverOutput: () => running.map((s) => s.output()).join('\n'),
    };

    const barrage = startBarrage({
      wsUrl: `ws://127.0.0.1:${port}/api/v1/stream`,
      tokens: fx.users.map((u) => u.token),
      threadIds: fx.ids.thread,
      seed: seed + 7,
      frames: 2_000,
      sockets: 3,
      localAddress,
      alive: () => !serverGone(firstPid),
    });

    // The run.
    const statuses = new Map<string, number>();
    const perRoute = new Map<string, { sent: number; ok: number; statuses: Map<string, number> }>(
      operations.map((o) => [o.key, { sent: 0, ok: 0, statuses: new Map() }]),
    );
    const acceptedHostile = new Map<string, Exchange>();
    let n = 0;
    let before: Snapshot = settled.snapshot;
    let needQuiet = false;
    let restarts = 0;
    fs.mkdirSync('.test-results', { recursive: true });
    const trace = process.env.FUZZ_TRACE
      ? fs.createWriteStream(`.test-results/fuzz-${dialect}.jsonl`)
      : null;
    const fuzzStarted = Date.now();
    const spent = { sending: 0, digest: 0, quiet: 0, restart: 0 };
    const timed = async <T>(k: keyof typeof spent, f: () => Promise<T>): Promise<T> => {
      const t = Date.now();
      try {
        return await f();
      } finally {
        spent[k] += Date.now() - t;
      }
    };
    for (const [b, batch] of batches.entries()) {
      let busy = false;
      if (needQuiet) {
        const q = await timed('quiet', () => quiet(db, 100, 40, 8_000));
        before = q.snapshot;
        // Still delivering earlier writes' events: what the next batch sees may be theirs.
        busy = !q.quiet;
      }
      // Numbered in generation order (the same for the same seed), sent 8 at a time.
      const wire = batch.map((desc) => ({ n: ++n, req: materialize(desc, ctx, state) }));
      const exchanges = await timed('sending', () =>
        pool(wire, CONCURRENCY, async ({ n: i, req }) => {
          const out = await send(target, agent!, req, TIMEOUT_MS);
          return { n: i, batch: b, req, out } satisfies Exchange;
        }),
      );
      run.batches++;
      // A request with no answer: give a dying process a moment to be gone before judging.
      if (exchanges.some((x) => x.out.kind === 'error' && !x.req.oversize)) await sleep(500);
      const died = serverGone(server.pid);
      if (trace) {
        for (const x of exchanges) {
          trace.write(
            `${JSON.stringify({
              n: x.n,
              batch: b,
              op: x.req.op,
              method: x.req.method,
              target: x.req.target.slice(0, 500),
              tags: x.req.tags,
              actor: x.req.actor,
              body: x.req.body?.toString('utf8').slice(0, 500),
              status: x.out.kind === 'response' ? x.out.res.status : x.out.kind,
              answer:
                x.out.kind === 'response'
                  ? x.out.res.body.toString('utf8').slice(0, 300)
                  : undefined,
            })}\n`,
          );
        }
      }
      for (const x of exchanges) {
        const key =
          x.out.kind === 'response'
            ? String(x.out.res.status)
            : x.out.kind === 'timeout'
              ? 'hang'
              : `no answer (${x.out.code})`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const r = perRoute.get(x.req.op)!;
        r.sent++;
        const sc =
          x.out.kind === 'response' ? `${x.out.res.status} ${codeOf(x.out.res.body)}` : key;
        r.statuses.set(sc, (r.statuses.get(sc) ?? 0) + 1);
        if (x.out.kind === 'response' && x.out.res.status < 300) {
          r.ok++;
          if (x.req.hostile) acceptedHostile.set(`${x.req.op} [${x.req.tags.join(', ')}]`, x);
        }
        // When the process died, the requests it left unanswered are not faults of their own.
        if (died && x.out.kind === 'error') continue;
        run.httpFailures.push(...check(x, TIMEOUT_MS));
      }
      run.total += exchanges.length;

      if (died) {
        const tail = server.output().split('\n').slice(-25);
        run.survival.push(
          `the server process (pid ${server.pid}) died during batch ${b}${restarts === 0 ? ', the WebSocket barrage running' : ''}`,
        );
        run.httpFailures.push({
          cls: `server process died (batch ${b}, after request #${n})`,
          cause: 'server process died',
          detail: [
            'last server output:',
            ...tail.map((l) => `  ${l.slice(0, 400)}`),
            'requests of the batch:',
            ...exchanges.map(
              (x) =>
                `  #${x.n} ${x.req.method} ${x.req.target.slice(0, 120)} [${x.req.tags.join(', ')}]`,
            ),
          ],
        });
        if (restarts++ >= MAX_RESTARTS) break;
        // Keep fuzzing on the same data so the rest of the run still reports what it finds.
        server = await timed('restart', () => startServer(env, port));
        running.push(server);
        needQuiet = true;
        continue;
      }

      const refused = exchanges.every((x) =>
        x.out.kind === 'response'
          ? x.out.res.status >= 400 && x.out.res.status < 500
          : x.out.kind === 'error' && x.req.oversize,
      );
      if (!refused || busy) {
        if (refused) run.busyBatches++;
        needQuiet = true;
        continue;
      }
      run.allRefusedBatches++;
      const after = await timed('digest', () => db.snapshot());
      run.checkedBatches++;
      if (after.digest !== before.digest) {
        const tables = changedTables(before, after);
        run.digestFailures.push({
          cls: `a batch of refused requests changed ${tables.join(', ')}`,
          cause: `refused requests changed ${tables.join(', ')}`,
          detail: [
            `batch ${b}: every answer was 4xx, yet the database changed:`,
            ...diff(before, after).map((l) => `  ${l.slice(0, 400)}`),
            'its requests:',
            ...exchanges.map(
              (x) =>
                `  #${x.n} ${x.req.method} ${x.req.target.slice(0, 120)} [${x.req.tags.join(', ')}]${x.req.actor ? ` as ${x.req.actor}` : ''} → ${x.out.kind === 'response' ? `${x.out.res.status} ${codeOf(x.out.res.body)}` : x.out.kind}`,
            ),
          ],
        });
      }
      before = after;
      needQuiet = false;
    }
    const fuzzMs = Date.now() - fuzzStarted;
    trace?.end();
    const ws: BarrageStats = await barrage.stop();
    if (ws.died) {
      run.survival.push(
        `the WebSocket barrage saw the server die; its last frames: ${ws.lastFrames.join(' ; ')}`,
      );
    }

    // The same process is still there, healthy, and the books balance.
    const health = await call('GET', '/healthz').catch((e: Error) => ({
      status: 0,
      body: e.message,
    }));
    if (health.status !== 200) run.survival.push(`/healthz answered ${health.status}`);
    if (server.pid !== firstPid || serverGone(firstPid)) {
      run.survival.push(`the server that started the run (pid ${firstPid}) is gone`);
    }
    const ledger = await ledgerCheck(env);
    if (ledger.code !== 0)
      run.survival.push(`npm run ledger:check exited ${ledger.code}: ${ledger.output}`);

    // The report.
    const hit = [...perRoute].filter(([, r]) => r.sent > 0);
    run.unhit = [...perRoute].filter(([, r]) => r.sent === 0).map(([k]) => k);
    const neverOk = [...perRoute].filter(([, r]) => r.sent > 0 && r.ok === 0).map(([k]) => k);
    const lines = [
      `fuzz (${dialect}): seed ${seed} — repeat with FUZZ_SEED=${seed}${process.env.FUZZ_RUNS ? ` FUZZ_RUNS=${RUNS}` : ''}`,
      `requests: ${run.total} on this project (${dialect}); the file runs on the sqlite and postgres projects, so a CI run sends ${run.total * 2}`,
      `time: set-up ${(setupMs / 1000).toFixed(1)} s, fuzzing ${(fuzzMs / 1000).toFixed(1)} s (${Math.round(run.total / (fuzzMs / 1000))} requests/s, ${CONCURRENCY} in flight; ${Object.entries(
        spent,
      )
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(', ')})${localAddress ? `, sent from ${localAddress}` : ''}`,
      `routes hit: ${hit.length} of ${operations.length} documented operations (method + path template)`,
      `skipped: ${[...skipped.map((s) => `${s.key} (${s.why})`), ...notInDoc.map((p) => `${p} (not in the document; ${p === '/docs' ? 'static Swagger UI' : 'WebSocket, covered by the barrage'})`)].join('; ')}`,
      `statuses: ${[...statuses]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`,
      `batches: ${run.batches} of ${BATCH} requests; all-refused batches checked against the digest: ${run.checkedBatches} (${Math.round((100 * run.checkedBatches) / Math.max(1, run.batches))}%), changed: ${run.digestFailures.length}${run.busyBatches ? `; ${run.busyBatches} not checked: the server was still delivering earlier events` : ''}`,
      `digest leaves out: ${Object.entries(VOLATILE)
        .map(([t, v]) => `${t}.${v.columns === '*' ? '*' : `{${v.columns.join(',')}}`}`)
        .join(' ')}`,
      `WebSocket barrage: ${ws.framesSent} frames on ${ws.socketsOpened} sockets (${ws.upgradesRefused} upgrades refused), close codes ${JSON.stringify(ws.closeCodes)}${ws.died ? ' — the server died under it' : ''}`,
      `routes never answered 2xx (reached only by refusals): ${neverOk.length ? neverOk.join(', ') : 'none'}`,
      `server restarts after a crash: ${restarts}`,
    ];
    const errors = serverErrors(running.map((x) => x.output()).join('\n'));
    if (errors.length)
      lines.push(`server error log (level ≥ 50), by message:`, ...errors.map((e) => `  ${e}`));
    if (acceptedHostile.size) {
      lines.push(
        `hostile requests that were accepted (2xx; informational, ${acceptedHostile.size} kinds), e.g.:`,
      );
      for (const [k] of [...acceptedHostile].slice(0, 15)) lines.push(`  ${k.slice(0, 200)}`);
    }
    lines.push('', formatFailures([...run.httpFailures, ...run.digestFailures], printer));
    if (run.survival.length) lines.push('', 'survival:', ...run.survival.map((s) => `  ${s}`));
    run.report = lines.join('\n');
    run.httpReport = formatFailures(run.httpFailures, printer, 1);
    run.digestReport = formatFailures(run.digestFailures, printer, 1);
    fs.mkdirSync('.test-results', { recursive: true });
    const table = [...perRoute].map(
      ([k, r]) =>
        `  ${k}: ${r.sent} sent, ${r.ok} 2xx — ${[...r.statuses]
          .sort((a, b) => b[1] - a[1])
          .map(([c, v]) => `${c} ×${v}`)
          .join(', ')}`,
    );
    fs.writeFileSync(
      `.test-results/fuzz-${dialect}.txt`,
      `${run.report}\n\nPer route (answers):\n${table.join('\n')}\n`,
    );
    console.log(run.report);

    // Every counter kept by hand is still in step with its rows.
    const counters = await countersCheck(env);
    if (counters.code !== 0)
      run.survival.push(`npm run counters:check exited ${counters.code}: ${counters.output}`);
  }, 1_500_000);

  it(`sends at least FUZZ_RUNS (${RUNS}) requests, reaching every documented route`, () => {
    expect(run.total).toBeGreaterThanOrEqual(RUNS);
    expect(run.operations.length).toBeGreaterThan(50);
    expect(run.unhit, 'documented routes that got no request').toEqual([]);
  });

  it('answers every request: no 5xx, every 4xx in the one JSON error shape, no hang', () => {
    expect(run.httpFailures.length, run.httpReport).toBe(0);
  });

  it('changes nothing in the database for a batch of refused requests', () => {
    expect(run.checkedBatches, 'no batch was checked against the digest').toBeGreaterThan(0);
    expect(run.checkedBatches * 2, 'fewer than half the batches were checked').toBeGreaterThan(
      run.batches,
    );
    expect(run.digestFailures.length, run.digestReport).toBe(0);
  });

  it('survives: the same process answers /healthz, and ledger:check passes', () => {
    expect(run.survival, run.survival.join('\n')).toEqual([]);
  });
});
