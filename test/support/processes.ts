import fs from 'node:fs';
import path from 'node:path';

/**
 * Every process the tests start carries `QUANZI_TEST_SERVER=<run id>` in its environment (and
 * so do its own children), which lets the global teardown find any that outlived the suite.
 */
export const TEST_SERVER_MARKER = 'QUANZI_TEST_SERVER';

/** Where the global teardown names the processes that outlived a run (absent when none did). */
export const LEFTOVERS_FILE = path.resolve('.test-results/leftover-processes.txt');

export interface LeftoverProcess {
  pid: number;
  command: string;
}

/**
 * Processes whose environment carries the marker for this run. Reads /proc (Linux, where CI
 * runs); elsewhere returns null, meaning "cannot tell".
 */
export function processesOfRun(runId: string): LeftoverProcess[] | null {
  if (!fs.existsSync('/proc/self/environ')) return null;
  const needle = `${TEST_SERVER_MARKER}=${runId}`;
  const found: LeftoverProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (!environ.includes(needle)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z /.test(stat)) continue; // a zombie holds nothing and is about to go
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      found.push({ pid: Number(entry), command: command.trim() });
    } catch {
      // the process ended while we looked, or is not ours to read
    }
  }
  return found;
}
