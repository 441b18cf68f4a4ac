import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_DIR } from './web-client.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** What the client is built from: a change in any of these makes the build stale. */
const SOURCES = ['src/client', 'src/shared', 'vite.config.ts'];

function newestMtime(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p))
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/**
 * `npm start` serves the client it finds in dist/client; `npm ci` builds it (the `prepare`
 * script). This builds it again when it is missing or older than its sources (a `git pull`
 * without `npm ci`), so the README's two commands stay two. Without Vite (an install without
 * dev dependencies) it says so and the API runs alone.
 */
export function ensureClientBuilt(log: (msg: string) => void): void {
  const index = path.join(CLIENT_DIR, 'index.html');
  const built = fs.statSync(index, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (built >= sources) return;
  let vite: string;
  try {
    vite = createRequire(import.meta.url).resolve('vite/bin/vite.js');
  } catch {
    log('the web client is not built and Vite is not installed: serving the API only');
    return;
  }
  log(built ? 'the web client is older than its sources: building it' : 'building the web client');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0)
    log(`building the web client failed (exit ${r.status}): serving the API only`);
}
