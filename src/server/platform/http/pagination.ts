import { Type, type Static, type TSchema } from 'typebox';
import { AppError } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Query string of every list route. */
export const PageQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});
export type PageQuery = Static<typeof PageQuery>;

/** `{items, nextCursor}`: the shape of every list. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/**
 * Cursors are opaque: base64url of a JSON array holding the last item's sort key and id, tagged
 * with the list they belong to so that a cursor from another list is rejected.
 */
export function encodeCursor(list: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor for `list`; anything else is a 400 invalid_cursor. */
export function decodeCursor<K extends readonly ('string' | 'number')[]>(
  list: string,
  cursor: string,
  shape: K,
): { [I in keyof K]: K[I] extends 'number' ? number : string } {
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
    if (typeof v !== want || (want === 'number' && !Number.isFinite(v))) {
      throw new AppError('invalid_cursor');
    }
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
