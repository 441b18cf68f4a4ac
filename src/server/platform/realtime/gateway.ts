import type {} from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { RawData, WebSocket } from 'ws';
import {
  ClientMessage,
  STREAM_CLOSE,
  STREAM_LIMITS,
  type Frame,
  type RealtimeType,
  type StreamErrorCode,
} from '../../../shared/realtime.ts';
import type { Db } from '../db/database.ts';
import type { PubSub } from '../events/pubsub.ts';
import type { Viewer } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { ACCESS_CHANNEL, type AccessChange } from './access.ts';
import { threadChannel, userChannel, type EventLog } from './event-log.ts';

export interface StreamOptions {
  db: Db;
  pubsub: PubSub;
  eventLog: EventLog;
  log: FastifyBaseLogger;
  /**
   * May the viewer follow this thread live? Resolves with its group, or null when the viewer may
   * not read it; rejects only when it could not tell (then the gateway answers internal_error).
   */
  authorizeThread(viewer: Viewer, threadId: string): Promise<{ groupId: string } | null>;
  /** The people this person has blocked: their live posts are not forwarded to them. */
  blockedIds(userId: string): Promise<string[]>;
  heartbeatMs?: number;
  /** A client whose unsent data passes this many bytes is dropped, not buffered without end. */
  maxBufferedBytes?: number;
}

/** Live frames of one subscription held back while it is being re-authorized. */
interface Held {
  checks: number;
  frames: string[];
}

interface Conn {
  ws: WebSocket;
  viewer: Viewer;
  /** Highest logged id sent; logged frames at or below it are not sent again. */
  lastId: number;
  /** Frames that arrived while the backlog was being replayed. */
  pending: string[] | null;
  pendingIds: (number | null)[];
  /** Thread id → its group id, for each thread followed. */
  threads: Map<string, string>;
  /** Subscriptions being re-authorized after an access change: their live frames wait. */
  held: Map<string, Held>;
  /** People this person blocked (their live posts are skipped); reloaded on every change. */
  blocked: Set<string>;
  blocksVersion: number;
  alive: boolean;
  /** Token bucket: tokens left and when it was last refilled (ms). */
  tokens: number;
  refilledAt: number;
  /** Client frames are handled one at a time, in order: the tail of that queue. */
  queue: Promise<void>;
  /** Client frames received and not yet answered. */
  inFlight: number;
  /** The server has closed the socket; anything the client still sends is ignored. */
  closing: boolean;
}

const REPLAY_BATCH = 500;
/** Live frames kept per subscription while it is re-authorized; more are dropped. */
const MAX_HELD = 256;
const validClientMessage = Compile(ClientMessage);
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

/** Why a frame that parsed as JSON is not a client message (never echoes what was sent). */
function describeInvalid(value: unknown): string {
  const type =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as { type?: unknown }).type
      : undefined;
  if (type === 'subscribe' || type === 'unsubscribe') {
    return `A ${type} message is {"type":"${type}","threadId":"<id>"} and nothing else; an id is 1–64 letters, digits, "-" or "_".`;
  }
  if (type === 'ping') return 'A ping message is {"type":"ping"} and nothing else.';
  return 'Unknown message: send {"type":"subscribe"|"unsubscribe","threadId":"<id>"} or {"type":"ping"}.';
}

const SEC_WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;
const PROTOCOL_LIST = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:\s*,\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;

/**
 * Refuses, in the one error shape, an upgrade the WebSocket library would refuse with its own
 * plain-text answer (it checks the same things after us).
 */
function assertValidUpgrade(req: FastifyRequest): void {
  const h = req.headers;
  const version = h['sec-websocket-version'];
  if (version !== '13' && version !== '8') {
    throw new AppError('upgrade_required', 'Sec-WebSocket-Version must be 13.', {
      headers: { 'sec-websocket-version': '13' },
    });
  }
  const key = h['sec-websocket-key'];
  if (typeof key !== 'string' || !SEC_WEBSOCKET_KEY.test(key)) {
    throw new AppError('invalid_input', 'Missing or invalid Sec-WebSocket-Key header.');
  }
  const protocols = h['sec-websocket-protocol'];
  if (protocols !== undefined) {
    const names = protocols.split(',').map((p) => p.trim());
    if (!PROTOCOL_LIST.test(protocols.trim()) || new Set(names).size !== names.length) {
      throw new AppError('invalid_input', 'Invalid Sec-WebSocket-Protocol header.');
    }
  }
}

/**
 * What @fastify/websocket does with an error on an open socket (a protocol violation such as an
 * oversize frame or invalid UTF-8, or a reset). The library has already sent the close code
 * (1009, 1007, 1002…) where one applies; it is the client's doing, so it is logged quietly, and
 * the socket is only cut if nothing is closing it.
 */
export function streamSocketErrorHandler(
  error: Error,
  socket: WebSocket,
  request: FastifyRequest,
): void {
  request.log.info({ err: error }, 'stream socket error');
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
    socket.terminate();
  }
}

/**
 * The WebSocket gateway (`GET /api/v1/stream`). Each process keeps one pub/sub subscription per
 * channel it has sockets for (a person's `user:<id>`, a thread's `thread:<id>`) and fans frames
 * out to its sockets; with Redis, a frame published by any process reaches them all.
 *
 * Resume: with `?since=N` the socket subscribes first and holds live frames back, replays the
 * log after N, then releases the held frames it has not sent — so nothing is missed and
 * nothing is sent twice.
 *
 * Client frames are validated against the ClientMessage schema, rate-limited per socket by a
 * token bucket, and handled one at a time; no handler path can reject unobserved. Changes of who
 * may see what arrive on ACCESS_CHANNEL and re-authorize the subscriptions they concern.
 */
export class StreamGateway {
  private readonly channels = new Map<
    string,
    { conns: Set<Conn>; threadId: string | null; off: Promise<() => Promise<void>> }
  >();
  private readonly conns = new Set<Conn>();
  private readonly byUser = new Map<string, Set<Conn>>();
  /** Counts access changes heard; a subscription authorized across one is checked again. */
  private accessChanges = 0;
  private accessOff: (() => Promise<void>) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly maxBuffered: number;
  private readonly log: FastifyBaseLogger;

  constructor(private readonly opts: StreamOptions) {
    this.maxBuffered = opts.maxBufferedBytes ?? STREAM_LIMITS.maxBufferedBytes;
    this.log = opts.log;
  }

  /** How many sockets this process holds (for metrics and tests). */
  get size(): number {
    return this.conns.size;
  }

  register(app: FastifyInstance): void {
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    app.addHook('onReady', async () => {
      this.accessOff = await this.opts.pubsub.subscribe(ACCESS_CHANNEL, (m) =>
        this.onAccessChange(m),
      );
    });
    app.addHook('onClose', async () => {
      if (this.heartbeat) clearInterval(this.heartbeat);
      for (const c of this.conns) c.ws.terminate();
      await this.accessOff?.().catch(() => undefined);
    });
    app.route({
      method: 'GET',
      url: '/api/v1/stream',
      config: { auth: 'socket', rateLimit: false },
      schema: {
        // OpenAPI cannot describe a WebSocket; docs/messaging.md does (as before: hidden).
        hide: true,
        tags: ['messaging'],
        summary:
          'WebSocket (bearer token or session cookie): every frame is {id, type, data}; ?since=<last id> first replays what was missed, then continues live. Without a valid session the socket is closed with code 4401. A plain GET (no upgrade) is 426 upgrade_required. Frames, limits and close codes: docs/messaging.md.',
        querystring: Type.Object({
          since: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
        }),
      },
      preValidation: async (req) => {
        if (req.ws) assertValidUpgrade(req);
      },
      // A refused upgrade's socket is destroyed after the answer; say so, so no client reuses it.
      onSend: async (req, reply) => {
        if (req.ws) void reply.header('connection', 'close');
      },
      handler: async () => {
        throw new AppError('upgrade_required', undefined, { headers: { upgrade: 'websocket' } });
      },
      wsHandler: (ws, req) => this.accept(ws, req.viewer, (req.query as { since?: number }).since),
    });
  }

  private accept(ws: WebSocket, viewer: Viewer | null, since: number | undefined): void {
    if (!viewer) {
      ws.close(STREAM_CLOSE.unauthenticated, 'unauthenticated');
      return;
    }
    const conn: Conn = {
      ws,
      viewer,
      lastId: since ?? 0,
      pending: [],
      pendingIds: [],
      threads: new Map(),
      held: new Map(),
      blocked: new Set(),
      blocksVersion: 0,
      alive: true,
      tokens: STREAM_LIMITS.frameBurst,
      refilledAt: Date.now(),
      queue: Promise.resolve(),
      inFlight: 0,
      closing: false,
    };
    this.conns.add(conn);
    let mine = this.byUser.get(viewer.userId);
    if (!mine) this.byUser.set(viewer.userId, (mine = new Set()));
    mine.add(conn);
    ws.on('message', (data, isBinary) => this.receive(conn, data, isBinary));
    // Control frames cost a token too, so a ping flood is bounded like any other.
    ws.on('ping', () => this.spend(conn));
    ws.on('pong', () => {
      conn.alive = true;
      this.spend(conn);
    });
    ws.on('close', () => this.close(conn));
    ws.on('error', () => this.close(conn));
    // Client frames queue behind the set-up, so they are handled once the backlog is sent.
    conn.queue = this.open(conn, since);
  }

  private async open(conn: Conn, since: number | undefined): Promise<void> {
    try {
      await this.join(userChannel(conn.viewer.userId), conn);
      await this.reloadBlocks(conn);
      if (since !== undefined) {
        for (;;) {
          const frames = await this.opts.eventLog.since(
            this.opts.db,
            conn.viewer.userId,
            conn.lastId,
            REPLAY_BATCH,
          );
          for (const f of frames) this.sendLogged(conn, f.id!, JSON.stringify(f));
          if (frames.length < REPLAY_BATCH || !this.conns.has(conn)) break;
        }
      }
      const held = conn.pending ?? [];
      const ids = conn.pendingIds;
      conn.pending = null;
      held.forEach((text, i) => this.deliver(conn, ids[i] ?? null, text));
    } catch (err) {
      this.log.error({ err, userId: conn.viewer.userId }, 'stream: opening a socket failed');
      conn.ws.terminate();
      this.close(conn);
    }
  }

  private close(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    const mine = this.byUser.get(conn.viewer.userId);
    mine?.delete(conn);
    if (mine?.size === 0) this.byUser.delete(conn.viewer.userId);
    conn.held.clear();
    void this.leave(userChannel(conn.viewer.userId), conn);
    for (const threadId of conn.threads.keys()) void this.leave(threadChannel(threadId), conn);
  }

  /** Closes the socket with a code after taking it out of every channel. */
  private shut(conn: Conn, code: number, reason: string): void {
    conn.closing = true;
    this.close(conn);
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.close(code, reason);
  }

  /** Takes one token from the socket's bucket; closes the socket with 4429 when it is empty. */
  private spend(conn: Conn): boolean {
    if (conn.closing) return false;
    const now = Date.now();
    conn.tokens = Math.min(
      STREAM_LIMITS.frameBurst,
      conn.tokens + ((now - conn.refilledAt) * STREAM_LIMITS.framesPerSecond) / 1000,
    );
    conn.refilledAt = now;
    if (conn.tokens < 1) {
      this.shut(conn, STREAM_CLOSE.tooManyFrames, 'too many frames');
      return false;
    }
    conn.tokens -= 1;
    return true;
  }

  private receive(conn: Conn, data: RawData, isBinary: boolean): void {
    if (conn.closing || !this.conns.has(conn) || !this.spend(conn)) return;
    if (conn.inFlight >= STREAM_LIMITS.maxFramesInFlight) {
      this.shut(conn, STREAM_CLOSE.tooManyFrames, 'too many frames in flight');
      return;
    }
    conn.inFlight++;
    const text = isBinary ? null : (Array.isArray(data) ? Buffer.concat(data) : data).toString();
    conn.queue = conn.queue.then(() => this.handle(conn, text));
  }

  /** Answers one client frame; never rejects (a failure is logged and answered internal_error). */
  private async handle(conn: Conn, text: string | null): Promise<void> {
    try {
      if (!this.conns.has(conn)) return;
      if (text === null) {
        return this.error(conn, 'invalid_input', 'Send JSON text frames, not binary ones.');
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return this.error(conn, 'invalid_input', 'Send one JSON object per text frame.');
      }
      if (!validClientMessage.Check(value)) {
        return this.error(conn, 'invalid_input', describeInvalid(value));
      }
      switch (value.type) {
        case 'ping':
          return this.reply(conn, { id: null, type: 'pong', data: {} });
        case 'subscribe':
          return await this.subscribe(conn, value.threadId);
        case 'unsubscribe':
          return await this.unsubscribe(conn, value.threadId);
      }
    } catch (err) {
      this.log.error({ err, userId: conn.viewer.userId }, 'stream: handling a client frame failed');
      this.error(conn, 'internal_error', 'Something went wrong on our side; try again.');
    } finally {
      conn.inFlight--;
    }
  }

  private async subscribe(conn: Conn, threadId: string): Promise<void> {
    if (!conn.threads.has(threadId) && conn.threads.size >= STREAM_LIMITS.maxSubscriptions) {
      return this.error(
        conn,
        'too_many_subscriptions',
        `A connection follows at most ${STREAM_LIMITS.maxSubscriptions} threads; unsubscribe from one first.`,
      );
    }
    const seen = this.accessChanges;
    const ok = await this.opts.authorizeThread(conn.viewer, threadId);
    if (!this.conns.has(conn)) return;
    if (!ok) return this.error(conn, 'not_found', 'No such thread.');
    if (!conn.threads.has(threadId)) {
      conn.threads.set(threadId, ok.groupId);
      try {
        await this.join(threadChannel(threadId), conn);
      } catch (err) {
        if (conn.threads.get(threadId) === ok.groupId) conn.threads.delete(threadId);
        throw err;
      }
    }
    this.reply(conn, { id: null, type: 'subscribed', data: { threadId } });
    // Access changed while we looked: what we read may predate it, so look again.
    if (this.accessChanges !== seen) await this.recheck(conn, threadId);
  }

  private async unsubscribe(conn: Conn, threadId: string): Promise<void> {
    conn.held.delete(threadId);
    if (conn.threads.delete(threadId)) await this.leave(threadChannel(threadId), conn);
    this.reply(conn, { id: null, type: 'unsubscribed', data: { threadId } });
  }

  private error(conn: Conn, code: StreamErrorCode, message: string): void {
    this.reply(conn, { id: null, type: 'error', data: { code, message } });
  }

  private reply(conn: Conn, frame: Frame): void {
    this.write(conn, JSON.stringify(frame));
  }

  /** Adds the socket to a channel, subscribing the process to it first if need be. */
  private async join(channel: string, conn: Conn): Promise<void> {
    let entry = this.channels.get(channel);
    if (!entry) {
      const off = this.opts.pubsub.subscribe(channel, (message) => this.fanOut(channel, message));
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
  private async leave(channel: string, conn: Conn): Promise<void> {
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

  private deliver(conn: Conn, id: number | null, text: string): void {
    if (conn.pending) {
      conn.pending.push(text);
      conn.pendingIds.push(id);
      return;
    }
    if (id === null) this.write(conn, text);
    else this.sendLogged(conn, id, text);
  }

  private sendLogged(conn: Conn, id: number, text: string): void {
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

  /** A change of who may see what, from any process: re-check what it concerns here. */
  private onAccessChange(message: unknown): void {
    try {
      this.accessChanges++;
      const change = message as AccessChange;
      const usersConns = (userId: string) => [...(this.byUser.get(userId) ?? [])];
      switch (change.scope) {
        case 'group':
          for (const conn of this.conns) {
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
          for (const conn of [...(this.channels.get(threadChannel(change.threadId))?.conns ?? [])])
            void this.recheck(conn, change.threadId);
          return;
        case 'blocks':
          for (const conn of usersConns(change.userId)) void this.reloadBlocks(conn);
          return;
        case 'session':
          for (const conn of usersConns(change.userId)) {
            if (conn.viewer.sessionId === change.sessionId) {
              this.shut(conn, STREAM_CLOSE.unauthenticated, 'session ended');
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
      if (!this.conns.has(conn) || conn.threads.get(threadId) !== groupId) {
        if (last) conn.held.delete(threadId);
        return;
      }
      if (!allowed) {
        conn.held.delete(threadId);
        conn.threads.delete(threadId);
        this.reply(conn, {
          id: null,
          type: 'unsubscribed',
          data: { threadId, reason: 'access_revoked' },
        });
        await this.leave(threadChannel(threadId), conn);
        return;
      }
      if (last) {
        conn.held.delete(threadId);
        for (const text of held.frames) this.deliver(conn, null, text);
      }
    } catch (err) {
      this.log.error({ err, threadId }, 'stream: ending a subscription failed');
    }
  }

  /** Loads whom the person blocked; only the latest load counts. Never rejects. */
  private async reloadBlocks(conn: Conn): Promise<void> {
    const version = ++conn.blocksVersion;
    try {
      const ids = await this.opts.blockedIds(conn.viewer.userId);
      if (version === conn.blocksVersion) conn.blocked = new Set(ids);
    } catch (err) {
      this.log.warn({ err }, 'stream: loading blocks failed; keeping the previous list');
    }
  }

  private beat(): void {
    for (const conn of this.conns) {
      if (!conn.alive) {
        conn.ws.terminate();
        this.close(conn);
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }
}
