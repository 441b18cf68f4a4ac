/**
 * What `npm run counters:check` reports (src/server/counters-check.ts): each module recounts
 * the values it keeps by hand (`<module>.counters.ts`) and names every row that disagrees.
 */
export interface CounterViolation {
  /** The table holding the kept value (its SQL name). */
  table: string;
  /** The row: its id, or its key columns joined with '/'. */
  rowId: string;
  /** The kept column (its SQL name). */
  column: string;
  /** What the row holds; null when the row that should hold it is missing. */
  stored: number | string | null;
  /**
   * What the rows it summarises say: the recount, or, for a value that only has to lie within
   * bounds (a time, a rank, a sequence's high-water mark), the bounds (`>= n`, `lo..hi`).
   */
  actual: number | string;
}

/** A column value as a number (SQLite may hand back bigints, PostgreSQL text for numerics). */
export function num(v: unknown): number {
  return Number(v ?? 0);
}

/** A column value as a number, keeping null (a missing aggregate) apart from 0. */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** A violation, with the stored value as a number unless it is text or missing. */
export function violation(
  table: string,
  rowId: string,
  column: string,
  stored: unknown,
  actual: number | string,
): CounterViolation {
  return {
    table,
    rowId,
    column,
    stored:
      typeof stored === 'string' || stored === null || stored === undefined
        ? (stored ?? null)
        : num(stored),
    actual,
  };
}
