/**
 * `npm run seed -- --scale=small|city|metro [--database-url=postgres://…] [--data-dir=DIR]
 * [--seed=N] [--manifest=FILE] [--now=ISO]`: seeds an empty database (SQLite DIR/quanzi.sqlite by
 * default, the file `npm start` uses) and writes the manifest (default DIR/seed-manifest.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fmt } from './progress.ts';
import { isScaleName, SCALES } from './scales.ts';
import { runSeed, SeedRefused } from './seed.ts';

const USAGE =
  'usage: npm run seed -- --scale=small|city|metro [--database-url=postgres://…] ' +
  '[--data-dir=DIR] [--seed=N] [--manifest=FILE] [--now=ISO-TIME]';

function parse(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    out[m[1]!] = m[2] ?? 'true';
  }
  return out;
}

try {
  const args = parse(process.argv.slice(2));
  const known = ['scale', 'database-url', 'data-dir', 'seed', 'manifest', 'now', 'help'];
  const unknown = Object.keys(args).find((k) => !known.includes(k));
  if (unknown || args.help)
    throw new Error(unknown ? `unknown option --${unknown}\n${USAGE}` : USAGE);
  const scale = args.scale ?? 'small';
  if (!isScaleName(scale))
    throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  const seed = Number(args.seed ?? '1');
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be a whole number');
  const now = args.now ? Date.parse(args.now) : Date.now();
  if (!Number.isFinite(now)) throw new Error('--now must be an ISO 8601 time');
  const dataDir = path.resolve(args['data-dir'] ?? process.env.DATA_DIR ?? './data');
  const databaseUrl = args['database-url'] ?? null;
  const manifestFile = path.resolve(args.manifest ?? path.join(dataDir, 'seed-manifest.json'));
  fs.mkdirSync(dataDir, { recursive: true });
  const where = databaseUrl
    ? databaseUrl.replace(/\/\/[^@/]*@/, '//…@')
    : path.join(dataDir, 'quanzi.sqlite');
  console.error(`Seeding ${scale} (seed ${seed}) into ${where}`);
  const manifest = await runSeed({
    scale,
    seed,
    now,
    target: databaseUrl ? { databaseUrl } : { sqliteFile: path.join(dataDir, 'quanzi.sqlite') },
  });
  fs.mkdirSync(path.dirname(manifestFile), { recursive: true });
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  console.error('');
  for (const [k, v] of Object.entries(manifest.counts))
    console.error(`${k.padEnd(16)} ${fmt(v).padStart(12)}`);
  console.error(
    `\nDone in ${manifest.timings.totalSeconds}s (${manifest.dialect}); heavy user ` +
      `${manifest.heavyUser.username} has ${fmt(manifest.heavyUser.unreadNotifications)} unread; ` +
      `manifest: ${manifestFile}`,
  );
} catch (err) {
  console.error(
    err instanceof SeedRefused || !(err instanceof Error)
      ? String(err instanceof Error ? err.message : err)
      : (err.stack ?? err.message),
  );
  process.exitCode = 1;
}
