/**
 * A statement whose recent runs took less than this many milliseconds counts as quick: it
 * has room kept for it (a reader of its own on SQLite, pool connections on PostgreSQL) that
 * slow statements never take, so a session lookup is not queued behind a burst of searches.
 */
export const QUICK_MS = 20;
/** How many recent run times are kept per statement. */
const SAMPLES = 4;

/**
 * Recent run times per SQL text, bounded (least recently used dropped). A statement never seen
 * is not quick: new SQL texts cannot jump the queue.
 */
export class StatementTimings {
  readonly #times = new Map<string, number[]>();
  constructor(private readonly capacity: number) {}

  /** Fewer than half of its recent runs were slow (one hiccup of a busy machine is forgiven). */
  isQuick(sql: string): boolean {
    const times = this.#times.get(sql);
    if (times === undefined) return false;
    return times.filter((ms) => ms >= QUICK_MS).length * 2 < times.length;
  }

  record(sql: string, ms: number): void {
    const times = this.#times.get(sql) ?? [];
    this.#times.delete(sql);
    times.push(ms);
    if (times.length > SAMPLES) times.shift();
    this.#times.set(sql, times);
    if (this.#times.size > this.capacity) this.#times.delete(this.#times.keys().next().value ?? '');
  }
}
