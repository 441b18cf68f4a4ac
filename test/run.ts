/**
 * `npm test`: runs the suites on SQLite and — when TEST_DATABASE_URL and TEST_REDIS_URL are set —
 * again on PostgreSQL + Redis, then prints one closing line "tests: N passed, N failed".
 * In CI (CI=true) both variables are required: no suite may be silently left out.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const withPostgres = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);
if (process.env.CI === 'true' && !withPostgres) {
  console.error(
    'CI=true needs TEST_DATABASE_URL and TEST_REDIS_URL: the postgres suites must run.',
  );
  process.exit(1);
}
const projects = withPostgres ? ['sqlite', 'postgres'] : ['sqlite'];
if (!withPostgres) {
  console.log('TEST_DATABASE_URL/TEST_REDIS_URL not set: running the SQLite suites only.');
}

const outDir = path.resolve('.test-results');
fs.mkdirSync(outDir, { recursive: true });
const outFile = path.join(outDir, 'vitest.json');
fs.rmSync(outFile, { force: true });

const args = [
  'vitest',
  'run',
  ...projects.flatMap((p) => ['--project', p]),
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${outFile}`,
  ...process.argv.slice(2),
];
const run = spawnSync('npx', args, { stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(outFile)) {
  const report = JSON.parse(fs.readFileSync(outFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
}
// The global teardown names any server process a test left running (test/support/global-setup.ts).
const leftovers = path.join(outDir, 'leftover-processes.txt');
const leftBehind = fs.existsSync(leftovers);
if (leftBehind) console.error(`\n${fs.readFileSync(leftovers, 'utf8')}`);
console.log(`\nprojects: ${projects.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
const code = run.status ?? 1;
process.exit(code !== 0 ? code : failed > 0 || passed === 0 || leftBehind ? 1 : 0);
