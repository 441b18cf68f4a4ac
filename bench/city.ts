/**
 * `npm run bench` — the city-scale HTTP benchmark: the real server, started as users start it,
 * on a seeded data set, loaded with wrk endpoint by endpoint, beside a bare-Fastify ceiling.
 *
 *   npm run bench -- --scale=small                 # a smoke run, about 3 minutes
 *   npm run bench -- --scale=city                  # SQLite (the default stack)
 *   npm run bench -- --scale=city --stack=postgres # two servers on PostgreSQL + Redis
 *   npm run bench -- --scale=city --stack=both     # both, side by side
 *   npm run bench -- --scale=small --only=reply,nearby --rounds=1 --duration=2
 *
 * Options: --scale=small|city|metro (city), --stack=sqlite|postgres|both (sqlite; --postgres is
 * --stack=postgres), --only=name,… (see the names with --list), --rounds=N (3), --duration=S
 * (seconds per measurement: 1 for small, 10 otherwise), --warmup=S (1 for small, 3 otherwise),
 * --auth=bearer|cookie (bearer), --reseed, --no-docs, --server-env=NAME=VALUE,… (settings for the
 * servers beyond the defaults, to compare one against them: --server-env=WAL_CHECKPOINT_MS=0;
 * such a run writes no docs). BENCH_PG_URL (postgres://postgres@
 * 127.0.0.1:5432/postgres) is where the PostgreSQL data sets are created; BENCH_REDIS_URL
 * (redis://127.0.0.1:6379) the Redis of the PostgreSQL stack.
 *
 * How (docs/benchmarks.md, "City scale", says why):
 * 1. the data set comes from bench/city-dataset.ts (seeded once, a fresh copy per run);
 * 2. the server is `node --import tsx src/server/main.ts` with DEMO_DATA off, LOG_LEVEL=warn and
 *    only the rate limits raised that one load-generating address trips (SERVER_OVERRIDES);
 * 3. the ceiling is bench/ceiling.ts, a bare Fastify app in its own process;
 * 4. a warm-up of every endpoint, then per round: ceiling, endpoint A, ceiling, endpoint B, …;
 *    the median of the rounds per endpoint, and its ratio to the median of all ceilings;
 * 5. every response's status is counted; any non-2xx is in the table and fails the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDataset, workingCopy, type Dataset } from './city-dataset.ts';
import { cityEndpoints, openConversations, type Endpoint } from './city-endpoints.ts';
import { cpuShares, machineInfo, sampleCpu, waitIdle } from './city-machine.ts';
import { installCleanup, startNodeService, stopAll, type Running } from './city-processes.ts';
import {
  docsBlock,
  median,
  sideBySide,
  summarise,
  table,
  writeDocs,
  writeJson,
  writeText,
  type Row,
  type RunInfo,
  type Stack,
} from './city-report.ts';
import { runWrk, writeSpec, wrkVersion, type Measurement } from './city-wrk.ts';

/**
 * What the server runs with beyond its defaults, and why: one wrk on one address is thousands of
 * people at once.
 * - RATE_LIMIT_PER_MINUTE (600 per client a minute): the heavy user's endpoints use one token for
 *   every request, and with --auth=cookie every request counts against the one address.
 * - POSTS_PER_MINUTE (10 per person a minute): the reply endpoint posts hundreds a second from
 *   the 2,000 sessions, i.e. more than 10 a minute each.
 * Not raised: AUTH_RATE_LIMIT_PER_MINUTE and the log-in lock-outs (the benchmark never logs in;
 * its sessions come from the seed's manifest).
 */
export const SERVER_OVERRIDES: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: '10000000',
  POSTS_PER_MINUTE: '100000',
};
/** Always: no demo data, quiet logs. */
const SERVER_BASE: Record<string, string> = {
  DEMO_DATA: 'false',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
};
/**
 * Configuration variables the server reads (every `(env, 'NAME'` in its config), never inherited
 * from the caller's environment: the server runs on its defaults plus what is set here.
 */
const CONFIG_VARIABLES = [
  ...new Set(
    [
      ...fs
        .readFileSync('src/server/platform/config.ts', 'utf8')
        .matchAll(/\(env, '([A-Z][A-Z0-9_]*)'/g),
    ].map((m) => m[1]!),
  ),
];
const SCALES = ['small', 'city', 'metro'];
const CONNECTIONS = 50;
const THREADS = 2;
/** Headroom on the measured rate when sizing rounds of pair-limited writes. */
const PAIR_MARGIN = 1.5;
/** A measurement lasts at least this many times the endpoint's warm-up p50… */
const MIN_P50_MULTIPLE = 5;
/** …but no longer than this on that account (seconds). */
const SLOW_CAP_SECONDS = 10;

const log = (msg: string) => console.error(`[bench] ${msg}`);

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'city' },
    stack: { type: 'string' },
    postgres: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    auth: { type: 'string', default: 'bearer' },
    reseed: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
    'server-env': { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return n;
}

if (args.help) {
  const doc = fs.readFileSync(new URL(import.meta.url), 'utf8');
  console.log(/\/\*\*([\s\S]*?)\*\//.exec(doc)![1]!.replace(/^ \* ?/gm, ''));
  process.exit(0);
}
const scale = args.scale!;
if (!SCALES.includes(scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}`);
const stackArg = args.stack ?? (args.postgres ? 'postgres' : 'sqlite');
if (!['sqlite', 'postgres', 'both'].includes(stackArg))
  throw new Error('--stack must be sqlite, postgres or both');
const stacks: Stack[] = stackArg === 'both' ? ['sqlite', 'postgres'] : [stackArg as Stack];
const auth = args.auth as 'bearer' | 'cookie';
if (!['bearer', 'cookie'].includes(auth)) throw new Error('--auth must be bearer or cookie');
const rounds = positiveInt('rounds', args.rounds!);
const seconds = positiveInt('duration', args.duration ?? (scale === 'small' ? '1' : '10'));
const warmupSeconds = positiveInt('warmup', args.warmup ?? (scale === 'small' ? '1' : '3'));
const only = args.only
  ? new Set(
      args.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
  : null;
const pgAdminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
const started = Date.now();

if (args.list) {
  const names = cityEndpoints(
    {
      sessions: [],
      heavyUser: { token: '' },
      searchTerms: ['x'],
      nearbyPoint: { lat: 0, lng: 0 },
      freeActivityIds: [],
      paidActivityIds: [],
    } as unknown as Dataset['manifest'],
    [],
  );
  for (const e of names) console.log(`${e.name.padEnd(18)} ${e.label}`);
  process.exit(0);
}

const wrk: string =
  wrkVersion() ??
  (() => {
    console.error(
      'wrk is not installed: `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`.',
    );
    return process.exit(2);
  })();

installCleanup(log);

/** --server-env: settings under comparison, named in the output and never written to the docs. */
const compared: Record<string, string> = Object.fromEntries(
  (args['server-env'] ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => {
      const eq = kv.indexOf('=');
      if (eq < 1) throw new Error(`--server-env: expected NAME=VALUE, got ${kv}`);
      return [kv.slice(0, eq), kv.slice(eq + 1)];
    }),
);

function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of CONFIG_VARIABLES) delete env[k];
  return { ...env, ...SERVER_BASE, ...SERVER_OVERRIDES, ...compared, ...extra };
}

const fmt = (m: Measurement) =>
  `${Math.round(m.rps).toLocaleString('en')} req/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms` +
  (m.non2xx ? `, ${m.non2xx} non-2xx: ${JSON.stringify(m.statuses)} ${m.sample ?? ''}` : '') +
  (m.timeouts ? `, ${m.timeouts} timeouts` : '');

interface StackResult {
  stack: Stack;
  rows: Row[];
  endpoints: Endpoint[];
  info: RunInfo;
  failed: string[];
}

async function runStack(stack: Stack): Promise<StackResult> {
  const stackStarted = Date.now();
  const ds = await ensureDataset({ scale, dialect: stack, pgAdminUrl, reseed: args.reseed, log });
  const m = ds.manifest;
  const copy = await workingCopy(ds, scale, pgAdminUrl);
  const processes: Running[] = [];
  try {
    const extra: Record<string, string> = {
      ...copy.env,
      ...(stack === 'postgres' ? { REDIS_URL: redisUrl } : {}),
    };
    const serverCount = stack === 'postgres' ? 2 : 1;
    // The ceilings start while the first server starts; the servers one after the other (the
    // first applies any migrations, the second finds none).
    const ceilingsStarting = Promise.all(
      Array.from({ length: serverCount }, (_, i) =>
        startNodeService(`ceiling ${i + 1}`, 'bench/ceiling.ts', serverEnv({}), '/'),
      ),
    );
    const servers: Running[] = [];
    try {
      for (let i = 0; i < serverCount; i++) {
        const env = serverEnv(extra);
        const s = await startNodeService(`server ${i + 1}`, 'src/server/main.ts', env, '/healthz');
        servers.push(s);
        processes.push(s);
      }
    } finally {
      processes.push(...(await ceilingsStarting));
    }
    const ceilings = processes.filter((p) => p.name.startsWith('ceiling'));
    log(
      `${stack}: server(s) ${servers.map((s) => `pid ${s.pid} :${s.port}`).join(', ')}; ceiling(s) ${ceilings.map((c) => `pid ${c.pid} :${c.port}`).join(', ')}`,
    );

    const all = cityEndpoints(m, []);
    if (only) {
      const unknown = [...only].filter((n) => !all.some((e) => e.name === n));
      if (unknown.length) throw new Error(`--only: unknown ${unknown.join(', ')} (see --list)`);
    }
    const wanted = (e: Endpoint) => !only || only.has(e.name);
    let conversations: { id: string; token: string }[] = [];
    if (all.some((e) => e.name === 'message' && wanted(e))) {
      const opened = await openConversations(servers[0]!.url, m);
      conversations = opened.conversations;
      const skipped = Object.entries(opened.refused);
      log(
        `opened ${conversations.length} conversations for the message endpoint` +
          (skipped.length ? `; refused: ${skipped.map(([k, v]) => `${v} × ${k}`).join(', ')}` : ''),
      );
    }
    const endpoints = cityEndpoints(m, conversations).filter(wanted);

    const machine = await machineInfo({
      pgUrl: stack === 'postgres' ? pgAdminUrl : null,
      redisUrl: stack === 'postgres' ? redisUrl : null,
      wrk,
    });
    const specDir = path.join(ds.dir, 'run', 'wrk');
    const nonce = Date.now().toString(36);
    const offsets = new Map<string, number>();
    let idleWaitMs = 0;
    const slots = THREADS; // one wrk × 2 threads, or two wrk × 1 thread
    const measure = async (e: Endpoint | null, secs: number): Promise<Measurement> => {
      const key = e?.name ?? 'ceiling';
      const offset = offsets.get(key) ?? 0;
      const spec = writeSpec(specDir, key, e, {
        auth,
        cookie: m.auth?.cookie ?? 'quanzi_session',
        nonce,
        offset,
        slots,
      });
      const r = await runWrk({
        urls: (e ? servers : ceilings).map((s) => s.url),
        spec,
        seconds: secs,
        connections: CONNECTIONS / serverCount,
        threads: THREADS / serverCount,
      });
      offsets.set(key, Math.max(offset, r.nextK));
      // What wrk left in flight is still being served: wait for it before the next measurement.
      if (e) {
        const waited = await waitIdle(servers.map((s) => s.pid));
        idleWaitMs += waited;
        if (waited > 5_000) log(`  (the server took ${(waited / 1000).toFixed(1)} s to go idle)`);
      }
      return r;
    };

    const pids = processes.map((p) => p.pid);
    const services = stack === 'postgres' ? ['postgres', 'redis-server'] : [];
    const cpuStart = sampleCpu(pids, services);
    const loadavgStart = os.loadavg();

    // Warm-up: every endpoint once; an endpoint that answers errors now would only measure them.
    log(`warm-up, ${warmupSeconds} s each`);
    const warm = new Map<string, Measurement>();
    warm.set('ceiling', await measure(null, warmupSeconds));
    for (const e of endpoints) {
      // A cold server, or a slow endpoint, may answer few requests in a short warm-up: warm up
      // for twice as long until every connection has had an answer (at most 3 more times).
      let secs = warmupSeconds;
      let r = await measure(e, secs);
      for (let again = 0; again < 3 && r.non2xx === 0 && r.requests < CONNECTIONS; again++) {
        log(`  warm-up ${e.name}: ${r.requests} answers in ${secs} s; again for ${secs * 2} s`);
        secs *= 2;
        r = await measure(e, secs);
      }
      warm.set(e.name, r);
      log(`  warm-up ${e.name}: ${fmt(r)}`);
      if (r.non2xx > 0 || r.requests === 0) {
        throw new Error(
          r.requests === 0
            ? `${e.label} did not answer during the warm-up (last try ${secs} s).`
            : `${e.label} answered ${JSON.stringify(r.statuses)} during the warm-up; first error: ${r.sample}. Not measuring error pages.`,
        );
      }
    }

    // How long each endpoint is measured per round: --duration, but at least MIN_P50_MULTIPLE ×
    // its warm-up p50 (up to SLOW_CAP_SECONDS), so that every connection completes several
    // requests (wrk drops what is in flight at the end); sign-ups (pair-limited) shorter if the
    // unused (session, activity) pairs could not last the remaining rounds at PAIR_MARGIN × the
    // fastest rate seen so far.
    const base = new Map<string, number>(
      endpoints.map((e) => {
        const need = Math.ceil((MIN_P50_MULTIPLE * warm.get(e.name)!.p50Ms) / 1000);
        return [e.name, Math.max(seconds, Math.min(need, SLOW_CAP_SECONDS))];
      }),
    );
    const fastest = new Map<string, number>([...warm].map(([k, r]) => [k, r.rps]));
    const secondsFor = (e: Endpoint, roundsLeft: number): number => {
      const want = base.get(e.name)!;
      if (e.limit === undefined) return want;
      const left = e.limit - (offsets.get(e.name) ?? 0);
      const rate = Math.max(1, fastest.get(e.name)!) * PAIR_MARGIN;
      const fit = Math.min(want, Math.floor(left / (rate * roundsLeft)));
      if (fit < 1) {
        throw new Error(
          `${e.label}: ${left} unused (session, activity) pairs cannot last ${roundsLeft} more round(s) of even 1 s at ~${Math.round(rate)} req/s; re-seed with more sessions or use fewer --rounds`,
        );
      }
      if (fit < want) log(`  ${e.name}: ${fit} s this round (${left} pairs left)`);
      return fit;
    };

    const byEndpoint = new Map<string, Measurement[]>(endpoints.map((e) => [e.name, []]));
    const besides = new Map<string, Measurement[]>(endpoints.map((e) => [e.name, []]));
    const ceilingAll: Measurement[] = [];
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds}`);
      for (const e of endpoints) {
        const c = await measure(null, seconds);
        ceilingAll.push(c);
        besides.get(e.name)!.push(c);
        const r = await measure(e, secondsFor(e, rounds - round + 1));
        fastest.set(e.name, Math.max(fastest.get(e.name) ?? 0, r.rps));
        byEndpoint.get(e.name)!.push(r);
        log(
          `  ${e.name.padEnd(18)} ${fmt(r)}   (ceiling ${Math.round(c.rps).toLocaleString('en')})`,
        );
      }
    }
    const cpu = cpuShares(cpuStart, sampleCpu(pids, services));
    log(
      `waited ${(idleWaitMs / 1000).toFixed(1)} s in all for the server to go idle between measurements`,
    );

    const ceilingRps = median(ceilingAll.map((c) => c.rps));
    const ceilingRow = summarise(
      {
        name: 'ceiling',
        label: serverCount === 2 ? 'ceiling: bare Fastify ×2' : 'ceiling: bare Fastify',
        kind: 'ceiling',
      },
      ceilingAll,
      [],
      ceilingRps,
    );
    const rows = [
      ceilingRow,
      ...endpoints.map((e) =>
        summarise(e, byEndpoint.get(e.name)!, besides.get(e.name)!, ceilingRps),
      ),
    ];
    const failed = [
      ...rows
        .filter((r) => r.non2xx > 0)
        .map((r) => `${r.label}: ${JSON.stringify(r.statuses)} ${r.sample ?? ''}`),
      ...rows
        .filter((r) => r.rounds.some((m) => m.requests === 0))
        .map((r) => `${r.label}: no answer at all in a ${r.seconds} s round`),
    ];
    const info: RunInfo = {
      scale,
      stack,
      command,
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine,
      counts: m.counts,
      seedCommand: ds.seedCommand,
      servers: serverCount,
      wrk,
      seconds,
      warmupSeconds,
      rounds,
      env: { ...SERVER_BASE, ...SERVER_OVERRIDES, ...compared },
      load: { ...cpu, loadavgStart },
      elapsedS: (Date.now() - stackStarted) / 1000,
      seededS: ds.seededS,
    };
    return { stack, rows, endpoints, info, failed };
  } finally {
    for (const p of processes.reverse()) await p.stop();
    // What the servers wrote (warnings and errors only, at LOG_LEVEL=warn), for a look afterwards.
    for (const p of processes.filter((x) => x.name.startsWith('server'))) {
      const out = p.output();
      if (out.trim()) {
        const file = writeText(
          'bench/results',
          `${scale}-${stack}-${p.name.replace(' ', '')}.log`,
          out.slice(-200_000),
        );
        log(`${p.name} wrote ${out.length.toLocaleString('en')} characters of log: ${file}`);
      }
    }
    await copy.remove();
  }
}

let exitCode = 0;
try {
  const results: StackResult[] = [];
  for (const stack of stacks) {
    const r = await runStack(stack);
    results.push(r);
    const title = `${scale}, ${stack === 'sqlite' ? 'SQLite, one server' : 'PostgreSQL + Redis, two servers'}`;
    console.log(`\n### ${title}\n\n${table(r.rows)}\n`);
    console.log(
      `other processes' CPU share during the run: ${r.info.load.otherPct.toFixed(0)} % (the benchmark's ${r.info.load.oursPct.toFixed(0)} %)`,
    );
    const json = writeJson(
      'bench/results',
      `${scale}-${stack}-${r.info.date.replace(/[:]/g, '')}.json`,
      { info: r.info, rows: r.rows },
    );
    log(`raw results: ${json}`);
    if (r.failed.length) {
      exitCode = 1;
      console.error(
        `\nFAILED — error answers (or none) are not measurements:\n  ${r.failed.join('\n  ')}`,
      );
    } else if (args['no-docs'] || only || Object.keys(compared).length) {
      log('docs/benchmarks.md not updated (--no-docs, --only or --server-env)');
    } else {
      writeDocs('docs/benchmarks.md', scale, stack, docsBlock(r.info, r.rows, r.endpoints));
      log(`docs/benchmarks.md: bench:${scale}:${stack} updated`);
    }
  }
  if (results.length === 2) {
    console.log(
      `\n### ${scale}: SQLite (1 server) and PostgreSQL + Redis (2 servers)\n\n${sideBySide(results[0]!.rows, results[1]!.rows, ['SQLite', 'PG ×2'])}\n`,
    );
  }
} catch (err) {
  exitCode = 1;
  console.error(`\n[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await stopAll();
}
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(exitCode);
