import { AppError } from './errors.ts';

// The list shapes are part of the API contract, shared with the web client.
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageQuery } from '../../../shared/api/common.ts';

/**
 * Cursors are opaque: base64url of a JSON array holding the last item's sort key and id, tagged
 * with the list they belong to so that a cursor from another list is rejected.
 */
export function encodeCursor(list: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/** What a cursor position may hold: `int` for 32-bit integer columns (seq, pinned, score). */
type CursorPart = 'string' | 'number' | 'int';
const INT32_MAX = 2_147_483_647;

/**
 * Decodes a cursor made by encodeCursor for `list`; anything else is a 400 invalid_cursor —
 * including a forged number the database could not compare (`number`: a finite value within
 * ±2^53, as times and ranks are; `int`: a whole number within a 32-bit column's range).
 */
export function decodeCursor<K extends readonly CursorPart[]>(
  list: string,
  cursor: string,
  shape: K,
): { [I in keyof K]: K[I] extends 'string' ? string : number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('invalid_cursor');
  }
  if (!Array.isArray(parsed) || parsed[0] !== list || parsed.length !== shape.length + 1) {
    throw new AppError('invalid_cursor');
  }
  const values = parsed.slice(1);
  values.forEach((v, i) => {
    const want = shape[i];
    const ok =
      want === 'string'
        ? typeof v === 'string'
        : typeof v === 'number' &&
          (want === 'int'
            ? Number.isInteger(v) && Math.abs(v) <= INT32_MAX
            : Number.isFinite(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER);
    if (!ok) throw new AppError('invalid_cursor');
  });
  return values as never;
}

/** Splits a fetch of limit+1 rows into the page and the cursor for the next one. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => string,
): { items: T[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last !== undefined ? cursorOf(last) : null,
  };
}

/**
 * One page of a list ordered by a (number, id) key, e.g. (createdAt, id) newest first: decodes
 * the cursor, lets `fetch` read limit + 1 rows after it (fetch comes before keyOf so that
 * TypeScript infers the row type from it), and returns the page with the cursor
 * of its last row. Every keyset list of the API goes through here.
 */
export async function keysetPage<R>(
  list: string,
  limit: number,
  cursor: string | undefined,
  fetch: (after: readonly [number, string] | undefined) => Promise<R[]>,
  keyOf: (row: R) => readonly [number, string],
): Promise<{ items: R[]; nextCursor: string | null }> {
  const after = cursor ? decodeCursor(list, cursor, ['number', 'string'] as const) : undefined;
  const rows = await fetch(after);
  return toPage(
    rows,
    limit,
    (r) => r,
    (r) => encodeCursor(list, keyOf(r)),
  );
}
