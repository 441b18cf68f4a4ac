/**
 * A digest of everything the server stored: every table's rows, ordered by primary key, read
 * from the same database the server uses (the SQLite file read-only, or the PostgreSQL
 * database). A batch of requests that were all refused must leave it unchanged.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * What may change without a client's write succeeding, and so is left out of the digest. Each
 * entry says why; everything else — every other column of every table — is compared.
 */
export const VOLATILE: Record<string, { columns: string[] | '*'; why: string }> = {
  sessions: {
    columns: ['last_seen_at', 'expires_at'],
    why: 'renewed by any authenticated request, reads and refused requests included (sliding expiry)',
  },
  auth_throttle: {
    columns: '*',
    why: 'failed log-ins are counted here by design: a refused log-in (401/429) bumps it',
  },
  wallet_pins: {
    columns: ['failed_attempts', 'locked_until'],
    why: 'a wrong PIN (403 wrong_pin) counts towards the lock-out; a right PIN in a request refused later (409 insufficient_funds) resets the count',
  },
  outbox_events: {
    columns: ['dispatched_at', 'attempts', 'available_at', 'last_error'],
    why: 'the dispatcher marks events of earlier accepted writes as it delivers or retries them',
  },
  jobs: {
    columns: ['status', 'attempts', 'run_at', 'last_error', 'updated_at', 'finished_at'],
    why: 'the scheduler claims, runs and retries due jobs on its own clock',
  },
  threads: {
    columns: ['hot_rank'],
    why: 'a timer recomputes hot ranks every 10 minutes as threads age',
  },
};

/** Tables of this name pattern are left out whole (derived storage, not data). */
function internalTable(name: string, virtualTables: string[]): string | null {
  if (name.startsWith('sqlite_')) return 'SQLite internal';
  if (virtualTables.includes(name)) {
    return 'external-content FTS5 index: its rows are search_documents, compared there';
  }
  if (virtualTables.some((v) => name.startsWith(`${v}_`)))
    return 'FTS5 shadow table (index storage)';
  return null;
}

export interface Snapshot {
  digest: string;
  /** table → primary key (JSON) → row (JSON, volatile columns left out). */
  tables: Map<string, Map<string, string>>;
}

export interface DbReader {
  snapshot(): Promise<Snapshot>;
  /**
   * Work the server still owes for earlier writes: outbox events not yet dispatched (including
   * ones waiting to be retried after a failed handler) and jobs that are due.
   */
  pendingWork(): Promise<number>;
  close(): Promise<void>;
}

function encodeValue(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return `hex:${v.toString('hex')}`;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return v;
}

function build(tables: Map<string, { columns: string[]; pk: string[]; rows: unknown[][] }>) {
  const hash = createHash('sha256');
  const out = new Map<string, Map<string, string>>();
  for (const name of [...tables.keys()].sort()) {
    const t = tables.get(name)!;
    const skip = VOLATILE[name]?.columns ?? [];
    const keep = t.columns.map((c, i) => [c, i] as const).filter(([c]) => !skip.includes(c));
    const pkIdx = t.pk.map((c) => t.columns.indexOf(c));
    const rows = new Map<string, string>();
    hash.update(`\u0000table ${name}\n`);
    for (const r of t.rows) {
      const key = JSON.stringify(pkIdx.map((i) => encodeValue(r[i])));
      const row = JSON.stringify(Object.fromEntries(keep.map(([c, i]) => [c, encodeValue(r[i])])));
      rows.set(key, row);
      hash.update(`${key}=${row}\n`);
    }
    out.set(name, rows);
  }
  return { digest: hash.digest('hex'), tables: out };
}

/** Reads the server's SQLite file read-only (WAL lets it read while the server writes). */
export function sqliteReader(file: string): DbReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const quote = (n: string) => `"${n.replaceAll('"', '""')}"`;
  return {
    async snapshot() {
      const all = db.prepare("select name, sql from sqlite_master where type = 'table'").all() as {
        name: string;
        sql: string | null;
      }[];
      const virtual = all
        .filter((t) => /^create virtual table/i.test(t.sql ?? ''))
        .map((t) => t.name);
      const tables = new Map<string, { columns: string[]; pk: string[]; rows: unknown[][] }>();
      // One read transaction: every table as of the same moment.
      db.transaction(() => {
        for (const { name } of all) {
          if (internalTable(name, virtual)) continue;
          if (VOLATILE[name]?.columns === '*') continue;
          const info = db.prepare(`pragma table_info(${quote(name)})`).all() as {
            name: string;
            pk: number;
          }[];
          const declared = info
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name);
          const pk = declared.length ? declared : ['rowid'];
          const columns = declared.length
            ? info.map((c) => c.name)
            : ['rowid', ...info.map((c) => c.name)];
          const select = declared.length ? '*' : 'rowid, *';
          const rows = db
            .prepare(`select ${select} from ${quote(name)} order by ${pk.map(quote).join(', ')}`)
            .raw()
            .all() as unknown[][];
          tables.set(name, { columns, pk, rows });
        }
      })();
      return build(tables);
    },
    async pendingWork() {
      const now = Date.now();
      const r = db
        .prepare(
          `select (select count(*) from outbox_events where dispatched_at is null)
                + (select count(*) from jobs where status = 'pending' and run_at <= ?) as n`,
        )
        .get(now) as { n: number };
      return r.n;
    },
    async close() {
      db.close();
    },
  };
}

/** Reads the server's PostgreSQL database (its default schema). */
export async function pgReader(url: string): Promise<DbReader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const quote = (n: string) => `"${n.replaceAll('"', '""')}"`;
  // The tables and their keys do not change during a run: looked up once.
  let plan: { name: string; pk: string[]; sql: string }[] | null = null;
  const tablesAndKeys = async () => {
    const names = (
      await client.query<{ name: string }>(
        `select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
      )
    ).rows.map((r) => r.name);
    const pks = (
      await client.query<{ table: string; col: string; pos: number }>(
        `select c.relname as table, a.attname as col, array_position(i.indkey::int2[], a.attnum) as pos
           from pg_index i
           join pg_class c on c.oid = i.indrelid
           join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
          where i.indisprimary and n.nspname = current_schema()`,
      )
    ).rows;
    return names
      .filter((name) => VOLATILE[name]?.columns !== '*')
      .map((name) => {
        const pk = pks
          .filter((p) => p.table === name)
          .sort((a, b) => a.pos - b.pos)
          .map((p) => p.col);
        const order = pk.length ? ` order by ${pk.map(quote).join(', ')}` : '';
        return { name, pk, sql: `select * from ${quote(name)}${order}` };
      });
  };
  return {
    async snapshot() {
      plan ??= await tablesAndKeys();
      // One round trip, one repeatable-read transaction: every table as of the same moment.
      const results = (await client.query({
        text: [
          'begin isolation level repeatable read read only',
          ...plan.map((t) => t.sql),
          'commit',
        ].join(';\n'),
        rowMode: 'array',
      })) as unknown as pg.QueryResult<unknown[]>[];
      const tables = new Map<string, { columns: string[]; pk: string[]; rows: unknown[][] }>();
      plan.forEach((t, i) => {
        const r = results[i + 1]!;
        const columns = r.fields.map((f) => f.name);
        if (t.pk.length) {
          tables.set(t.name, { columns, pk: t.pk, rows: r.rows });
        } else {
          // No primary key: the whole row is its key, rows in a stable order.
          const rows = r.rows.map((x) => [JSON.stringify(x), ...x]).sort();
          tables.set(t.name, { columns: ['row', ...columns], pk: ['row'], rows });
        }
      });
      return build(tables);
    },
    async pendingWork() {
      const now = Date.now();
      const r = await client.query<{ n: string }>(
        `select (select count(*) from outbox_events where dispatched_at is null)
              + (select count(*) from jobs where status = 'pending' and run_at <= $1) as n`,
        [now],
      );
      return Number(r.rows[0]!.n);
    },
    async close() {
      await client.end();
    },
  };
}

/** What changed between two snapshots, one line per row (at most `max` lines). */
export function diff(a: Snapshot, b: Snapshot, max = 12): string[] {
  const out: string[] = [];
  const names = new Set([...a.tables.keys(), ...b.tables.keys()]);
  for (const name of [...names].sort()) {
    const x = a.tables.get(name) ?? new Map<string, string>();
    const y = b.tables.get(name) ?? new Map<string, string>();
    for (const [k, v] of y) {
      const was = x.get(k);
      if (was === undefined) out.push(`${name} + ${k} ${v}`);
      else if (was !== v) {
        const before = JSON.parse(was) as Record<string, unknown>;
        const after = JSON.parse(v) as Record<string, unknown>;
        const cols = Object.keys(after).filter(
          (c) => JSON.stringify(before[c]) !== JSON.stringify(after[c]),
        );
        out.push(
          `${name} ~ ${k} ${cols
            .map((c) => `${c}: ${JSON.stringify(before[c])} → ${JSON.stringify(after[c])}`)
            .join(', ')}`,
        );
      }
    }
    for (const k of x.keys()) if (!y.has(k)) out.push(`${name} - ${k}`);
  }
  return out.length > max ? [...out.slice(0, max), `… ${out.length - max} more`] : out;
}

/** The tables that differ (for grouping failures). */
export function changedTables(a: Snapshot, b: Snapshot): string[] {
  const names = new Set([...a.tables.keys(), ...b.tables.keys()]);
  return [...names]
    .filter((n) => {
      const x = a.tables.get(n);
      const y = b.tables.get(n);
      if (!x || !y || x.size !== y.size) return true;
      for (const [k, v] of y) if (x.get(k) !== v) return true;
      return false;
    })
    .sort();
}
