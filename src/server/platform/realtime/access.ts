import type { OutboxDispatcher } from '../events/outbox.ts';
import type { PubSub } from '../events/pubsub.ts';

/**
 * The pub/sub channel every process's gateway listens on for changes of who may see what. It is
 * internal: nothing published here is ever sent to a client.
 */
export const ACCESS_CHANNEL = 'stream:access';

/**
 * A change of who may see something, scoped so each process touches only the sockets it
 * concerns. The gateway re-authorizes the subscriptions in scope and drops those no longer
 * allowed (telling the client), or closes the sockets of an ended session.
 */
export type AccessChange =
  /** Everyone's subscriptions to threads of the group (its visibility changed). */
  | { scope: 'group'; groupId: string }
  /** One person's subscriptions to threads of the group (left, removed, banned, role changed). */
  | { scope: 'member'; groupId: string; userId: string }
  /** Everyone's subscription to one thread (deleted, or hidden by the word filter). */
  | { scope: 'thread'; threadId: string }
  /** Whom the person has blocked changed: posts by those people are not forwarded to them. */
  | { scope: 'blocks'; userId: string }
  /** The session ended (log-out): its sockets are closed with 4401. */
  | { scope: 'session'; userId: string; sessionId: string };

/**
 * Maps committed domain events to access changes, published after the dispatch transaction
 * commits. The outbox hands each event to exactly one process and retries after a crash; the
 * pub/sub (Redis with several processes) then reaches every process's gateway.
 */
export function registerAccessRules(on: OutboxDispatcher, pubsub: PubSub): void {
  const publish = (change: AccessChange) => (ctx: { afterCommit(fn: () => Promise<void>): void }) =>
    ctx.afterCommit(() => pubsub.publish(ACCESS_CHANNEL, change));

  on.on('group.updated', async (e, ctx) => {
    if (e.payload.visibilityChanged) publish({ scope: 'group', groupId: e.payload.groupId })(ctx);
  });
  const member = async (
    e: { payload: { groupId: string; userId: string } },
    ctx: { afterCommit(fn: () => Promise<void>): void },
  ) => publish({ scope: 'member', groupId: e.payload.groupId, userId: e.payload.userId })(ctx);
  on.on('group.member_left', member);
  on.on('group.member_removed', member);
  on.on('group.member_banned', member);
  on.on('group.role_changed', member);
  on.on('post.deleted', async (e, ctx) => {
    if (e.payload.threadDeleted !== false)
      publish({ scope: 'thread', threadId: e.payload.threadId })(ctx);
  });
  on.on('post.edited', async (e, ctx) => {
    if (e.payload.threadHidden) publish({ scope: 'thread', threadId: e.payload.threadId })(ctx);
  });
  on.on('user.blocked', async (e, ctx) =>
    publish({ scope: 'blocks', userId: e.payload.blockerId })(ctx),
  );
  on.on('user.unblocked', async (e, ctx) =>
    publish({ scope: 'blocks', userId: e.payload.blockerId })(ctx),
  );
  on.on('session.ended', async (e, ctx) =>
    publish({ scope: 'session', userId: e.payload.userId, sessionId: e.payload.sessionId })(ctx),
  );
}
