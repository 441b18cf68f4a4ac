import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../src/server/platform/http/pagination.ts';
import { createTestApp, dialect, type TestContext } from './support/context.ts';
import { buildGroup, buildThread, buildUser } from './support/factories.ts';
import { expectError, requester } from './support/http.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());
const req = requester(() => ctx.app);

const forged = (list: string, ...key: unknown[]) =>
  Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');

describe('cursors', () => {
  it('decode what they encoded', () => {
    const c = encodeCursor('x', [12, 1.5e12, 'id']);
    expect(decodeCursor('x', c, ['int', 'number', 'string'] as const)).toEqual([12, 1.5e12, 'id']);
  });

  it.each([
    ['another list', forged('y', 1), ['int']],
    ['a string for a number', forged('x', '1'), ['number']],
    ['a number past 32 bits for an int', forged('x', 2 ** 31), ['int']],
    ['a fraction for an int', forged('x', 1.5), ['int']],
    ['a number past 2^53', forged('x', 1e20), ['number']],
    ['too few parts', forged('x'), ['number']],
    ['not JSON', 'bm90IGpzb24', ['number']],
  ] as const)('refuse %s with 400 invalid_cursor', (_what, cursor, shape) => {
    expect(() => decodeCursor('x', cursor, shape)).toThrow(
      expect.objectContaining({ code: 'invalid_cursor', status: 400 }),
    );
  });

  it(`a forged cursor past a column's range is a 400, not a database error (${dialect})`, async () => {
    const owner = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, owner);
    const t = await buildThread(ctx.app, g, owner);
    const posts = forged(`posts:${t.id}`, 1e20);
    expectError(
      await req('GET', `/api/v1/threads/${t.id}/posts?cursor=${posts}`),
      400,
      'invalid_cursor',
    );
    const seq32 = forged(`posts:${t.id}`, 2 ** 31);
    expectError(
      await req('GET', `/api/v1/threads/${t.id}/posts?cursor=${seq32}`),
      400,
      'invalid_cursor',
    );
  });
});
