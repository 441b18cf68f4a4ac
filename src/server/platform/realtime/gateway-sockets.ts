/**
 * The sockets this process holds (all, and per person) and the pub/sub channels they are in:
 * joining and leaving a channel, fanning a published frame out to its sockets, and writing to a
 * socket (dropping a client that does not read). Closing a socket takes it out of everything.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  STREAM_LIMITS,
  type Frame,
  type RealtimeType,
  type StreamErrorCode,
} from '../../../shared/realtime.ts';
import type { PubSub } from '../events/pubsub.ts';
import type { Conn, StreamOptions } from './gateway-connection.ts';
import { threadChannel, userChannel } from './event-log.ts';

/** Live frames kept per subscription while it is re-authorized; more are dropped. */
const MAX_HELD = 256;
/** Every frame type a client may receive; anything else on a channel is never forwarded. */
const SENDABLE: Record<RealtimeType, true> = {
  'notification.created': true,
  'message.created': true,
  'conversation.read': true,
  'unread.changed': true,
  'post.created': true,
  subscribed: true,
  unsubscribed: true,
  error: true,
  pong: true,
};
const isSendable = (m: unknown): m is Frame =>
  typeof m === 'object' &&
  m !== null &&
  Object.hasOwn(SENDABLE, (m as { type?: unknown }).type as string) &&
  'data' in m &&
  'id' in m;

/** The process's sockets and channels, and every way a frame reaches a socket. */
export class StreamSockets {
  readonly channels = new Map<
    string,
    { conns: Set<Conn>; threadId: string | null; off: Promise<() => Promise<void>> }
  >();
  readonly conns = new Set<Conn>();
  readonly byUser = new Map<string, Set<Conn>>();
  private readonly pubsub: PubSub;
  private readonly maxBuffered: number;
  private readonly log: FastifyBaseLogger;

  constructor(opts: StreamOptions) {
    this.pubsub = opts.pubsub;
    this.maxBuffered = opts.maxBufferedBytes ?? STREAM_LIMITS.maxBufferedBytes;
    this.log = opts.log;
  }

  close(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    const mine = this.byUser.get(conn.viewer.userId);
    mine?.delete(conn);
    if (mine?.size === 0) this.byUser.delete(conn.viewer.userId);
    conn.held.clear();
    void this.leave(userChannel(conn.viewer.userId), conn);
    for (const threadId of conn.threads.keys()) void this.leave(threadChannel(threadId), conn);
  }

  /** Closes the socket with a code after taking it out of every channel. */
  shut(conn: Conn, code: number, reason: string): void {
    conn.closing = true;
    this.close(conn);
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.close(code, reason);
  }

  error(conn: Conn, code: StreamErrorCode, message: string): void {
    this.reply(conn, { id: null, type: 'error', data: { code, message } });
  }

  reply(conn: Conn, frame: Frame): void {
    this.write(conn, JSON.stringify(frame));
  }

  /** Adds the socket to a channel, subscribing the process to it first if need be. */
  async join(channel: string, conn: Conn): Promise<void> {
    let entry = this.channels.get(channel);
    if (!entry) {
      const off = this.pubsub.subscribe(channel, (message) => this.fanOut(channel, message));
      const created = {
        conns: new Set<Conn>(),
        threadId: channel.startsWith('thread:') ? channel.slice('thread:'.length) : null,
        off,
      };
      entry = created;
      this.channels.set(channel, created);
      // A failed subscription is forgotten, so the next join tries again.
      off.catch(() => {
        if (this.channels.get(channel) === created) this.channels.delete(channel);
      });
    }
    entry.conns.add(conn);
    await entry.off;
  }

  /** Takes the socket out of a channel; the last one out unsubscribes. Never rejects. */
  async leave(channel: string, conn: Conn): Promise<void> {
    const entry = this.channels.get(channel);
    if (!entry || !entry.conns.delete(conn)) return;
    if (entry.conns.size > 0) return;
    this.channels.delete(channel);
    try {
      await (
        await entry.off
      )();
    } catch (err) {
      this.log.warn({ err, channel }, 'stream: leaving a channel failed');
    }
  }

  /** One message from pub/sub → every socket on the channel, serialised once. */
  private fanOut(channel: string, message: unknown): void {
    try {
      const entry = this.channels.get(channel);
      if (!entry) return;
      if (!isSendable(message)) {
        this.log.warn({ channel }, 'stream: dropped a message that is not a client frame');
        return;
      }
      const text = JSON.stringify(message);
      const author =
        message.type === 'post.created'
          ? (message.data as { post?: { author?: { id?: unknown } } }).post?.author?.id
          : undefined;
      for (const conn of entry.conns) {
        if (typeof author === 'string' && conn.blocked.has(author)) continue;
        const held = entry.threadId === null ? undefined : conn.held.get(entry.threadId);
        if (held) {
          if (held.frames.length < MAX_HELD) held.frames.push(text);
          continue;
        }
        this.deliver(conn, message.id, text);
      }
    } catch (err) {
      this.log.error({ err, channel }, 'stream: fan-out failed');
    }
  }

  deliver(conn: Conn, id: number | null, text: string): void {
    if (conn.pending) {
      conn.pending.push(text);
      conn.pendingIds.push(id);
      return;
    }
    if (id === null) this.write(conn, text);
    else this.sendLogged(conn, id, text);
  }

  sendLogged(conn: Conn, id: number, text: string): void {
    if (id <= conn.lastId) return;
    conn.lastId = id;
    this.write(conn, text);
  }

  private write(conn: Conn, text: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > this.maxBuffered) {
      // A client that does not read would make us buffer without bound: drop it; it resumes
      // with ?since= when it comes back.
      conn.ws.terminate();
      this.close(conn);
      return;
    }
    conn.ws.send(text);
  }
}
