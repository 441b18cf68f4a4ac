import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LEFTOVERS_FILE, processesOfRun } from './processes.ts';

/**
 * Gives the run an id that every server process a test starts carries (see server.ts), and at
 * the end fails the run, naming each one, if any of them is still alive; then kills them so
 * not even a failed run leaves one behind.
 */
export default function setup() {
  // Each vitest project runs this; they share one id.
  const runId = process.env.QUANZI_TEST_RUN ?? randomUUID();
  if (!process.env.QUANZI_TEST_RUN) fs.rmSync(LEFTOVERS_FILE, { force: true });
  process.env.QUANZI_TEST_RUN = runId;
  return async () => {
    // A process signalled in the last test's teardown may take a moment to be reaped.
    let left = processesOfRun(runId);
    for (let i = 0; i < 50 && left && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = processesOfRun(runId);
    }
    if (left === null) {
      console.warn('global teardown: no /proc here, so leftover server processes are not checked');
      return;
    }
    if (left.length === 0) return;
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const report = `test processes outlived the suite (killed now):\n${left
      .map((p) => `  pid ${p.pid}: ${p.command}`)
      .join('\n')}`;
    // vitest reports an error thrown here but still exits 0, so the run fails explicitly too:
    // `npm test` (test/run.ts) reads this file and fails the run.
    fs.mkdirSync(path.dirname(LEFTOVERS_FILE), { recursive: true });
    fs.writeFileSync(LEFTOVERS_FILE, `${report}\n`);
    process.exitCode = 1;
    throw new Error(report);
  };
}
