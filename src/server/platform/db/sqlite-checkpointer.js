// @ts-check
/**
 * The WAL checkpointer: a worker thread with its own read-write connection that copies the
 * write-ahead log back into the database file (`PRAGMA wal_checkpoint(PASSIVE)`) every
 * `intervalMs` (see database.ts, `startCheckpointer`).
 *
 * Why a thread: SQLite's automatic checkpoint runs inside the COMMIT that crosses the threshold,
 * on the connection that commits — the server's main thread — and ends with an fsync of the
 * database file. While it runs, every request waits. A passive checkpoint needs no lock that a
 * writer or reader holds, so here it runs beside them and only this thread waits for the disk.
 *
 * Plain JavaScript, like sqlite-reader.js, so the thread starts without the TypeScript loader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ file: string, intervalMs: number }} */
const { file, intervalMs } = workerData;
if (!parentPort) throw new Error('sqlite-checkpointer: run as a worker thread');
const port = parentPort;

const db = new Database(file, { fileMustExist: true });
// This connection never checkpoints on its own commits (it makes none) nor waits for locks.
db.pragma('wal_autocheckpoint = 0');

/** @type {{ busy: number, log: number, checkpointed: number }[]} */
let last = [];
function checkpoint() {
  try {
    const started = performance.now();
    last = /** @type {typeof last} */ (db.pragma('wal_checkpoint(PASSIVE)'));
    const r = last[0];
    if (r) port.postMessage({ type: 'checkpoint', ...r, ms: performance.now() - started });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

const timer = setInterval(checkpoint, intervalMs);
port.on('message', (/** @type {{type: string}} */ m) => {
  if (m.type === 'stop') {
    clearInterval(timer);
    db.close();
    port.postMessage({ type: 'stopped' });
    port.close();
  }
});
port.postMessage({ type: 'ready' });
