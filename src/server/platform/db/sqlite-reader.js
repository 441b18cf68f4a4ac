// @ts-check
/**
 * One read-only SQLite connection in a process of its own (see sqlite-readers.ts): it answers
 * `{id, sql, params}` with `{id, rows, ms}` or `{id, error, ms}` over the IPC channel.
 *
 * Plain JavaScript, run by `node` without a loader, so it starts in tens of milliseconds. It is
 * a process and not a worker thread because a running better-sqlite3 statement cannot be
 * interrupted: `worker.terminate()` waits until the statement ends (and so does the server's
 * exit, which joins its threads), while SIGKILL ends a process at once.
 */
import Database from 'better-sqlite3';

const file = process.argv[2];
const cacheSize = Number(process.argv[3] ?? 500);
if (!file || !process.send) {
  console.error('sqlite-reader: run by the server with a database file and an IPC channel');
  process.exit(2);
}
const ipcSend = process.send.bind(process);
/** @param {unknown} message */
function send(message) {
  // A server that is gone cannot be answered: exit instead of throwing.
  if (!process.connected) process.exit(0);
  ipcSend(message, undefined, undefined, (err) => err && process.exit(0));
}

const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('query_only = ON');

// Ctrl-C and SIGTERM reach the server's whole process group; stopping readers is the server's
// job (it kills them after its last read). A reader whose server is gone exits once idle.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('disconnect', () => process.exit(0));

/** @type {Map<string, import('better-sqlite3').Statement>} least recently used first */
const statements = new Map();

/** @param {string} sql */
function statement(sql) {
  let stmt = statements.get(sql);
  if (stmt) {
    statements.delete(sql);
  } else {
    stmt = db.prepare(sql);
    if (statements.size >= cacheSize) statements.delete(statements.keys().next().value ?? '');
  }
  statements.set(sql, stmt);
  return stmt;
}

// Values JSON cannot carry (blobs, bigints, ±Infinity) travel tagged; see sqlite-readers.ts.
/** @param {unknown} v */
function special(v) {
  return (
    (typeof v === 'number' && !Number.isFinite(v)) || typeof v === 'bigint' || Buffer.isBuffer(v)
  );
}
/** @param {unknown} v */
function encode(v) {
  if (Buffer.isBuffer(v)) return { $b: v.toString('base64') };
  if (typeof v === 'bigint') return { $i: v.toString() };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $f: String(v) };
  return v;
}
/** @param {unknown} v */
function decode(v) {
  if (v === null || typeof v !== 'object') return v;
  const o = /** @type {{$b?: string, $i?: string, $f?: string}} */ (v);
  if (o.$b !== undefined) return Buffer.from(o.$b, 'base64');
  if (o.$i !== undefined) return BigInt(o.$i);
  if (o.$f !== undefined) return Number(o.$f);
  return v;
}

/** @param {NodeJS.CpuUsage} since */
function cpuMs(since) {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
}

send({ ready: true });

process.on(
  'message',
  (/** @type {{id: number, sql: string, params: unknown[], enc?: boolean}} */ m) => {
    // The pool tells quick statements from slow ones by `ms`: the CPU time of the run alone
    // (preparing is once per reader and also reads the schema the first time; wall time would
    // count the moments a busy machine gave the CPU to someone else).
    let start = process.cpuUsage();
    try {
      const params = m.enc ? m.params.map(decode) : m.params;
      const stmt = statement(m.sql);
      start = process.cpuUsage();
      /** @type {Record<string, unknown>[]} */
      const rows = stmt.all(params);
      const enc = rows.some((r) => Object.values(r).some(special));
      send({
        id: m.id,
        rows: enc
          ? rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, encode(v)])))
          : rows,
        enc,
        ms: cpuMs(start),
      });
    } catch (err) {
      const e = /** @type {{message?: string, code?: string, name?: string}} */ (err);
      send({
        id: m.id,
        error: { message: String(e.message ?? err), code: e.code, name: e.name },
        ms: cpuMs(start),
      });
    }
  },
);
