/**
 * The seeded data sets `npm run bench` measures, kept under bench/.data/<scale>-<dialect>/
 * (gitignored) and re-seeded only when missing or stale; each run works on a throw-away copy,
 * so the writes it measures (sign-ups, replies, messages) never use up the data set.
 *
 * - SQLite: DIR/quanzi.sqlite, copied to DIR/run/quanzi.sqlite for each run.
 * - PostgreSQL: database quanzi_bench_<scale>, seeded once; each run gets
 *   quanzi_bench_<scale>_run, made with `create database … template quanzi_bench_<scale>`
 *   (a file-level copy, statistics included) and dropped afterwards.
 *
 * Stale means: DIR/bench-stamp.json is missing, or names another schema version (a hash of the
 * migration file names), other seed code (a hash of the seed's source files), or was written more
 * than MAX_AGE_DAYS ago: the seed's times are relative to its run, and the activities it reserves
 * for the benchmark start 10–50 days later (so their sign-ups close), while "upcoming", "hot" and
 * "new in my groups" drift.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { SeedManifest } from '../src/server/seed/manifest.ts';

/**
 * How the data set is made: `npm run seed -- --scale=… --data-dir=DIR --manifest=FILE
 * [--database-url=URL]`. Adjust here if the seed's entry or arguments change.
 */
export const SEED_COMMAND = ['npm', 'run', '--silent', 'seed', '--'];
/** The seed's sources, hashed for the staleness check (files or folders; missing ones skipped). */
export const SEED_SOURCES = ['src/server/seed'];
const MIGRATIONS_DIR = 'src/server/platform/db/migrations';
const MAX_AGE_DAYS = 7;

export type Dialect = 'sqlite' | 'postgres';

/** The seed's manifest: its contract is the seed's own type. */
export type Manifest = SeedManifest;

export interface Dataset {
  dir: string;
  manifest: Manifest;
  /** Seconds spent seeding in this run (0 when the kept data set was fresh). */
  seededS: number;
  seedCommand: string;
  /** DATABASE_URL for PostgreSQL (the kept database), null on SQLite. */
  databaseUrl: string | null;
}

/** A short hash of the migration file names: the schema the data set was made for. */
export function schemaVersion(): string {
  const names = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /\.(ts|js|sql)$/.test(f))
    .sort();
  return createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 12);
}

function filesUnder(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (fs.statSync(p).isFile()) return [p];
  return fs
    .readdirSync(p, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(p, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort();
}

function seedScript(): string | null {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
    scripts?: Record<string, string>;
  };
  return pkg.scripts?.seed ?? null;
}

/** What seeds, and the sources that make up the seed code. */
function seedCommand(): { argv: string[]; label: string; sources: string[] } {
  const script = seedScript();
  if (script === null) throw new Error('package.json has no "seed" script: nothing to seed with');
  // The files the script names (e.g. `tsx src/server/seed/cli.ts`) count as seed code too.
  const named = script.split(/\s+/).filter((w) => /\.[cm]?[jt]s$/.test(w));
  return {
    argv: SEED_COMMAND,
    label: `${SEED_COMMAND.join(' ')} (${script})`,
    sources: [...SEED_SOURCES, ...named],
  };
}

function seedCodeHash(sources: string[]): string {
  const h = createHash('sha256');
  for (const f of [...new Set(sources.flatMap(filesUnder))].sort()) {
    h.update(f).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

interface Stamp {
  schemaVersion: string;
  seedCodeHash: string;
  seedCommand: string;
  seededAt: string;
  seedSeconds: number;
  database: string | null;
}

const pgDbName = (scale: string, suffix = '') => `quanzi_bench_${scale}${suffix}`;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pgAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function pgDatabaseExists(adminUrl: string, name: string): Promise<boolean> {
  return pgAdmin(adminUrl, async (c) => {
    const r = await c.query('select 1 from pg_database where datname = $1', [name]);
    return r.rowCount === 1;
  });
}

function run(argv: string[], log: (m: string) => void): Promise<void> {
  log(`$ ${argv.join(' ')}`);
  return new Promise((resolve, reject) => {
    // Not detached: Ctrl-C reaches the seed with the rest of the foreground group.
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`seed failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** The kept data set for this scale and dialect, seeded first when missing or stale. */
export async function ensureDataset(opts: {
  scale: string;
  dialect: Dialect;
  pgAdminUrl: string;
  reseed: boolean;
  log: (m: string) => void;
}): Promise<Dataset> {
  const { scale, dialect, log } = opts;
  const dir = path.resolve(`bench/.data/${scale}-${dialect}`);
  const manifestFile = path.join(dir, 'seed-manifest.json');
  const stampFile = path.join(dir, 'bench-stamp.json');
  const seed = seedCommand();
  const want = { schemaVersion: schemaVersion(), seedCodeHash: seedCodeHash(seed.sources) };
  const database = dialect === 'postgres' ? pgDbName(scale) : null;
  const databaseUrl = database ? withDatabase(opts.pgAdminUrl, database) : null;

  const stamp = fs.existsSync(stampFile)
    ? (JSON.parse(fs.readFileSync(stampFile, 'utf8')) as Stamp)
    : null;
  const reasons: string[] = [];
  if (opts.reseed) reasons.push('--reseed');
  if (!stamp) reasons.push('no data set yet');
  else {
    if (stamp.schemaVersion !== want.schemaVersion) reasons.push('the migrations changed');
    if (stamp.seedCodeHash !== want.seedCodeHash) reasons.push('the seed code changed');
    const ageDays = (Date.now() - Date.parse(stamp.seededAt)) / 86_400_000;
    if (!(ageDays < MAX_AGE_DAYS)) reasons.push(`seeded ${ageDays.toFixed(0)} days ago`);
  }
  if (!fs.existsSync(manifestFile)) reasons.push('no manifest');
  if (dialect === 'sqlite' && !fs.existsSync(path.join(dir, 'quanzi.sqlite')))
    reasons.push('no database file');
  if (database && !(await pgDatabaseExists(opts.pgAdminUrl, database)))
    reasons.push(`no database ${database}`);

  let seededS = 0;
  if (reasons.length > 0) {
    log(`seeding ${scale} on ${dialect}: ${[...new Set(reasons)].join(', ')}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    if (database) {
      await pgAdmin(opts.pgAdminUrl, async (c) => {
        await c.query(`drop database if exists ${database} with (force)`);
        await c.query(`create database ${database}`);
      });
    }
    const t0 = Date.now();
    await run(
      [
        ...seed.argv,
        `--scale=${scale}`,
        `--data-dir=${dir}`,
        `--manifest=${manifestFile}`,
        ...(databaseUrl ? [`--database-url=${databaseUrl}`] : []),
      ],
      log,
    );
    seededS = (Date.now() - t0) / 1000;
    const newStamp: Stamp = {
      ...want,
      seedCommand: seed.label,
      seededAt: new Date().toISOString(),
      seedSeconds: seededS,
      database,
    };
    fs.writeFileSync(stampFile, JSON.stringify(newStamp, null, 2));
    log(`seeded in ${seededS.toFixed(1)} s`);
  } else {
    log(`using the data set in ${path.relative(process.cwd(), dir)} (seeded ${stamp!.seededAt})`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
  return { dir, manifest, seededS, seedCommand: seed.label, databaseUrl };
}

/**
 * A throw-away copy of the data set for one run; `remove()` deletes it. Returns the server
 * environment that points at it (DATA_DIR, and DATABASE_URL on PostgreSQL).
 */
export async function workingCopy(
  ds: Dataset,
  scale: string,
  pgAdminUrl: string,
): Promise<{ env: Record<string, string>; remove: () => Promise<void> }> {
  const runDir = path.join(ds.dir, 'run');
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.mkdirSync(runDir, { recursive: true });
  if (!ds.databaseUrl) {
    for (const suffix of ['', '-wal']) {
      const from = path.join(ds.dir, `quanzi.sqlite${suffix}`);
      if (fs.existsSync(from)) {
        fs.copyFileSync(
          from,
          path.join(runDir, `quanzi.sqlite${suffix}`),
          fs.constants.COPYFILE_FICLONE,
        );
      }
    }
    // ext4 has no reflink, so the copy is gigabytes of dirty pages. Left to the kernel, they are
    // written back during the measurements, and the server's first WAL checkpoint (its fsync)
    // waits for all of them: a stall of seconds that production, whose file is not freshly
    // copied, never sees. Write them out now.
    execFileSync('sync');
    return {
      env: { DATA_DIR: runDir },
      remove: async () => fs.rmSync(runDir, { recursive: true, force: true }),
    };
  }
  const name = pgDbName(scale, '_run');
  await pgAdmin(pgAdminUrl, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name} template ${pgDbName(scale)}`);
  });
  return {
    env: { DATA_DIR: runDir, DATABASE_URL: withDatabase(pgAdminUrl, name) },
    remove: async () => {
      await pgAdmin(pgAdminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}
