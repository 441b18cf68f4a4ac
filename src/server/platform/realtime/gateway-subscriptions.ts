/**
 * Following threads live and keeping it allowed: subscribe and unsubscribe, the access changes
 * heard on ACCESS_CHANNEL (from any process) and the re-authorization they start, which ends a
 * subscription no longer allowed; and each person's block list, whose live posts are skipped.
 */
import type { FastifyBaseLogger } from 'fastify';
import { STREAM_CLOSE, STREAM_LIMITS } from '../../../shared/realtime.ts';
import type { AccessChange } from './access.ts';
import type { Conn, StreamOptions } from './gateway-connection.ts';
import type { StreamSockets } from './gateway-sockets.ts';
import { threadChannel } from './event-log.ts';

/** Thread subscriptions and what may end them. */
export class StreamSubscriptions {
  /** Counts access changes heard; a subscription authorized across one is checked again. */
  private accessChanges = 0;
  private readonly log: FastifyBaseLogger;

  constructor(
    private readonly opts: StreamOptions,
    private readonly sockets: StreamSockets,
  ) {
    this.log = opts.log;
  }

  async subscribe(conn: Conn, threadId: string): Promise<void> {
    if (!conn.threads.has(threadId) && conn.threads.size >= STREAM_LIMITS.maxSubscriptions) {
      return this.sockets.error(
        conn,
        'too_many_subscriptions',
        `A connection follows at most ${STREAM_LIMITS.maxSubscriptions} threads; unsubscribe from one first.`,
      );
    }
    const seen = this.accessChanges;
    const ok = await this.opts.authorizeThread(conn.viewer, threadId);
    if (!this.sockets.conns.has(conn)) return;
    if (!ok) return this.sockets.error(conn, 'not_found', 'No such thread.');
    if (!conn.threads.has(threadId)) {
      conn.threads.set(threadId, ok.groupId);
      try {
        await this.sockets.join(threadChannel(threadId), conn);
      } catch (err) {
        if (conn.threads.get(threadId) === ok.groupId) conn.threads.delete(threadId);
        throw err;
      }
    }
    this.sockets.reply(conn, { id: null, type: 'subscribed', data: { threadId } });
    // Access changed while we looked: what we read may predate it, so look again.
    if (this.accessChanges !== seen) await this.recheck(conn, threadId);
  }

  async unsubscribe(conn: Conn, threadId: string): Promise<void> {
    conn.held.delete(threadId);
    if (conn.threads.delete(threadId)) await this.sockets.leave(threadChannel(threadId), conn);
    this.sockets.reply(conn, { id: null, type: 'unsubscribed', data: { threadId } });
  }

  /** A change of who may see what, from any process: re-check what it concerns here. */
  onAccessChange(message: unknown): void {
    try {
      this.accessChanges++;
      const change = message as AccessChange;
      const usersConns = (userId: string) => [...(this.sockets.byUser.get(userId) ?? [])];
      switch (change.scope) {
        case 'group':
          for (const conn of this.sockets.conns) {
            for (const [threadId, groupId] of conn.threads) {
              if (groupId === change.groupId) void this.recheck(conn, threadId);
            }
          }
          return;
        case 'member':
          for (const conn of usersConns(change.userId)) {
            for (const [threadId, groupId] of conn.threads) {
              if (groupId === change.groupId) void this.recheck(conn, threadId);
            }
          }
          return;
        case 'thread':
          for (const conn of [
            ...(this.sockets.channels.get(threadChannel(change.threadId))?.conns ?? []),
          ])
            void this.recheck(conn, change.threadId);
          return;
        case 'blocks':
          for (const conn of usersConns(change.userId)) void this.reloadBlocks(conn);
          return;
        case 'session':
          for (const conn of usersConns(change.userId)) {
            if (conn.viewer.sessionId === change.sessionId) {
              this.sockets.shut(conn, STREAM_CLOSE.unauthenticated, 'session ended');
            }
          }
          return;
        default:
          this.log.warn({ change: message }, 'stream: unknown access change');
      }
    } catch (err) {
      this.log.error({ err }, 'stream: handling an access change failed');
    }
  }

  /**
   * Asks again whether the socket's person may follow the thread; if not (or if that cannot be
   * told), ends the subscription and sends `unsubscribed` with `reason: 'access_revoked'`. Live
   * frames of the thread wait meanwhile. Never rejects.
   */
  private async recheck(conn: Conn, threadId: string): Promise<void> {
    const groupId = conn.threads.get(threadId);
    if (groupId === undefined) return;
    let held = conn.held.get(threadId);
    if (!held) conn.held.set(threadId, (held = { checks: 0, frames: [] }));
    held.checks++;
    let allowed = false;
    try {
      allowed = (await this.opts.authorizeThread(conn.viewer, threadId)) !== null;
    } catch (err) {
      this.log.warn({ err, threadId }, 'stream: re-authorizing failed; ending the subscription');
    }
    try {
      held.checks--;
      const last = held.checks === 0 && conn.held.get(threadId) === held;
      if (!this.sockets.conns.has(conn) || conn.threads.get(threadId) !== groupId) {
        if (last) conn.held.delete(threadId);
        return;
      }
      if (!allowed) {
        conn.held.delete(threadId);
        conn.threads.delete(threadId);
        this.sockets.reply(conn, {
          id: null,
          type: 'unsubscribed',
          data: { threadId, reason: 'access_revoked' },
        });
        await this.sockets.leave(threadChannel(threadId), conn);
        return;
      }
      if (last) {
        conn.held.delete(threadId);
        for (const text of held.frames) this.sockets.deliver(conn, null, text);
      }
    } catch (err) {
      this.log.error({ err, threadId }, 'stream: ending a subscription failed');
    }
  }

  /** Loads whom the person blocked; only the latest load counts. Never rejects. */
  async reloadBlocks(conn: Conn): Promise<void> {
    const version = ++conn.blocksVersion;
    try {
      const ids = await this.opts.blockedIds(conn.viewer.userId);
      if (version === conn.blocksVersion) conn.blocked = new Set(ids);
    } catch (err) {
      this.log.warn({ err }, 'stream: loading blocks failed; keeping the previous list');
    }
  }
}
