/**
 * Blocks between people: blocking and unblocking (`user.blocked` / `user.unblocked`), one's
 * list, and the checks other modules make (whom a person blocked, whether either blocked the
 * other) — those taking `db` may run inside the caller's transaction.
 */
import type { Static } from 'typebox';
import type { BlockedUser } from '../../../shared/api/accounts.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Executor } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, toPage } from '../../platform/http/pagination.ts';
import type { AccountsContext } from './accounts.context.ts';
import { accountsPolicy } from './accounts.policy.ts';
import type { BlocksRepository } from './blocks.repository.ts';

/** Blocking, unblocking, and who blocked whom. */
export class Blocks {
  constructor(private readonly ctx: AccountsContext) {}

  async block(viewer: Viewer, targetId: string): Promise<void> {
    accountsPolicy.assertCanBlock(viewer, targetId);
    if (!(await this.ctx.users.findUserById(targetId))) throw notFound('No such user.');
    await this.ctx.uow.run(async (trx) => {
      if (await this.ctx.blocks.with(trx).insertBlock(viewer.userId, targetId, Date.now())) {
        await recordEvent(trx, 'user.blocked', { blockerId: viewer.userId, blockedId: targetId });
      }
    });
  }

  async unblock(viewer: Viewer, targetId: string): Promise<void> {
    if (!(await this.ctx.users.findUserById(targetId))) throw notFound('No such user.');
    await this.ctx.uow.run(async (trx) => {
      if (await this.ctx.blocks.with(trx).deleteBlock(viewer.userId, targetId)) {
        await recordEvent(trx, 'user.unblocked', { blockerId: viewer.userId, blockedId: targetId });
      }
    });
  }

  async listBlocks(viewer: Viewer, limit: number, cursor?: string) {
    const after = cursor
      ? decodeCursor('blocks', cursor, ['number', 'string'] as const)
      : undefined;
    const rows = await this.ctx.blocks.listBlocks(
      viewer.userId,
      limit,
      after && { createdAt: after[0], id: after[1] },
    );
    return toPage(
      rows,
      limit,
      (r): Static<typeof BlockedUser> => ({
        user: { id: r.id, username: r.username, displayName: r.displayName },
        blockedAt: toIsoWithOffset(r.createdAt),
      }),
      (r) => encodeCursor('blocks', [r.createdAt, r.id]),
    );
  }

  /** Ids of the people the viewer has blocked (their content is hidden from the viewer). */
  blockedIds(userId: string, db?: Executor): Promise<string[]> {
    return this.blocksFor(db).blockedIds(userId);
  }

  /** Has `blockerId` blocked `blockedId`? (Their actions then do not notify the blocker.) */
  hasBlocked(blockerId: string, blockedId: string, db?: Executor): Promise<boolean> {
    return this.blocksFor(db).hasBlocked(blockerId, blockedId);
  }

  /** True when either person blocked the other (for other modules' policies). */
  blockedAmong(userId: string, others: readonly string[], db?: Executor): Promise<Set<string>> {
    return this.blocksFor(db).blockedAmong(userId, others);
  }

  eitherBlocked(a: string, b: string): Promise<boolean> {
    return this.ctx.blocks.eitherBlocked(a, b);
  }

  /** Inside a transaction, reads must use it (see AccountsService's repoFor). */
  private blocksFor(db?: Executor): BlocksRepository {
    return db ? this.ctx.blocks.with(db) : this.ctx.blocks;
  }
}
