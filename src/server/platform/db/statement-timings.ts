/**
 * A statement whose recent runs took less than this many milliseconds counts as quick: it
 * has room kept for it (a reader of its own on SQLite, pool connections on PostgreSQL) that
 * slow statements never take, so a session lookup is not queued behind a burst of searches.
 */
export const QUICK_MS = 20;
/** How many recent run times are kept per statement. */
const SAMPLES = 4;
/**
 * A statement whose last SAMPLES runs each took less than this many milliseconds (primary-key
 * and short index reads) runs inline, on a read-only connection in the server's own thread: it
 * blocks the event loop for less than the hop to a reader would cost. One slower run sends it
 * back to the readers until it has proved itself again.
 */
export const INLINE_MS = 1;

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

  /** Its last SAMPLES runs were each under INLINE_MS. */
  isInline(sql: string): boolean {
    const times = this.#times.get(sql);
    return times !== undefined && times.length === SAMPLES && times.every((ms) => ms < INLINE_MS);
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
