import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import type { ClientMessage, Frame } from '../../../shared/realtime.ts';
import type { Db } from '../db/database.ts';
import type { PubSub } from '../events/pubsub.ts';
import type { Viewer } from '../http/auth.ts';
import { threadChannel, userChannel, type EventLog } from './event-log.ts';

/** An internal frame on a user channel: drop thread subscriptions of a group (never sent). */
export interface AccessRevoked {
  id: null;
  type: 'access.revoked';
  data: { groupId: string };
}

export interface StreamOptions {
  db: Db;
  pubsub: PubSub;
  eventLog: EventLog;
  /** May the viewer follow this thread live? Resolves with its group, or null (not visible). */
  authorizeThread(viewer: Viewer, threadId: string): Promise<{ groupId: string } | null>;
  heartbeatMs?: number;
  /** A client whose unsent data passes this many bytes is dropped, not buffered without end. */
  maxBufferedBytes?: number;
}

interface Conn {
  ws: WebSocket;
  viewer: Viewer;
  /** Highest logged id sent; logged frames at or below it are not sent again. */
  lastId: number;
  /** Frames that arrived while the backlog was being replayed. */
  pending: string[] | null;
  pendingIds: (number | null)[];
  threads: Map<string, string>;
  alive: boolean;
}

const REPLAY_BATCH = 500;

/**
 * The WebSocket gateway (`GET /api/v1/stream`). Each process keeps one pub/sub subscription per
 * channel it has sockets for (a person's `user:<id>`, a thread's `thread:<id>`) and fans frames
 * out to its sockets; with Redis, a frame published by any process reaches them all.
 *
 * Resume: with `?since=N` the socket subscribes first and holds live frames back, replays the
 * log after N, then releases the held frames it has not sent — so nothing is missed and
 * nothing is sent twice.
 */
export class StreamGateway {
  private readonly channels = new Map<
    string,
    { conns: Set<Conn>; off: Promise<() => Promise<void>> }
  >();
  private readonly conns = new Set<Conn>();
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly maxBuffered: number;

  constructor(private readonly opts: StreamOptions) {
    this.maxBuffered = opts.maxBufferedBytes ?? 1_048_576;
  }

  /** How many sockets this process holds (for metrics and tests). */
  get size(): number {
    return this.conns.size;
  }

  register(app: FastifyInstance): void {
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    app.addHook('onClose', async () => {
      if (this.heartbeat) clearInterval(this.heartbeat);
      for (const c of this.conns) c.ws.terminate();
    });
    app.get(
      '/api/v1/stream',
      {
        websocket: true,
        config: { auth: 'socket', rateLimit: false },
        schema: {
          tags: ['messaging'],
          summary:
            'WebSocket (bearer token or session cookie): every frame is {id, type, data}; ?since=<last id> first replays what was missed, then continues live. Without a valid session the socket is closed with code 4401.',
          querystring: Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0 })) }),
        },
      },
      (ws, req) => {
        if (!req.viewer) {
          ws.close(4401, 'unauthenticated');
          return;
        }
        const viewer = req.viewer;
        const since = (req.query as { since?: number }).since;
        void this.open(ws, viewer, since);
      },
    );
  }

  private async open(ws: WebSocket, viewer: Viewer, since: number | undefined): Promise<void> {
    const conn: Conn = {
      ws,
      viewer,
      lastId: since ?? 0,
      pending: [],
      pendingIds: [],
      threads: new Map(),
      alive: true,
    };
    this.conns.add(conn);
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (raw) => void this.onMessage(conn, raw.toString()));
    ws.on('close', () => this.close(conn));
    ws.on('error', () => this.close(conn));
    try {
      await this.join(userChannel(viewer.userId), conn);
      if (since !== undefined) {
        for (;;) {
          const frames = await this.opts.eventLog.since(
            this.opts.db,
            viewer.userId,
            conn.lastId,
            REPLAY_BATCH,
          );
          for (const f of frames) this.sendLogged(conn, f.id!, JSON.stringify(f));
          if (frames.length < REPLAY_BATCH) break;
        }
      }
      const held = conn.pending ?? [];
      const ids = conn.pendingIds;
      conn.pending = null;
      held.forEach((text, i) => this.deliver(conn, ids[i] ?? null, text));
    } catch {
      ws.terminate();
    }
  }

  private close(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    void this.leave(userChannel(conn.viewer.userId), conn);
    for (const threadId of conn.threads.keys()) void this.leave(threadChannel(threadId), conn);
  }

  private async onMessage(conn: Conn, raw: string): Promise<void> {
    let msg: ClientMessage;
    try {
      msg = JSON.parse(raw) as ClientMessage;
    } catch {
      return this.reply(conn, {
        id: null,
        type: 'error',
        data: { code: 'invalid_input', message: 'Send JSON.' },
      });
    }
    switch (msg.type) {
      case 'ping':
        return this.reply(conn, { id: null, type: 'pong', data: {} });
      case 'subscribe': {
        if (typeof msg.threadId !== 'string') break;
        const ok = await this.opts.authorizeThread(conn.viewer, msg.threadId).catch(() => null);
        if (!ok) {
          return this.reply(conn, {
            id: null,
            type: 'error',
            data: { code: 'not_found', message: 'No such thread.' },
          });
        }
        if (!conn.threads.has(msg.threadId)) {
          conn.threads.set(msg.threadId, ok.groupId);
          await this.join(threadChannel(msg.threadId), conn);
        }
        return this.reply(conn, { id: null, type: 'subscribed', data: { threadId: msg.threadId } });
      }
      case 'unsubscribe': {
        if (typeof msg.threadId !== 'string') break;
        if (conn.threads.delete(msg.threadId)) await this.leave(threadChannel(msg.threadId), conn);
        return this.reply(conn, {
          id: null,
          type: 'unsubscribed',
          data: { threadId: msg.threadId },
        });
      }
    }
    this.reply(conn, {
      id: null,
      type: 'error',
      data: { code: 'invalid_input', message: 'Unknown message.' },
    });
  }

  private reply(conn: Conn, frame: Frame): void {
    this.write(conn, JSON.stringify(frame));
  }

  private async join(channel: string, conn: Conn): Promise<void> {
    let entry = this.channels.get(channel);
    if (!entry) {
      const conns = new Set<Conn>();
      const off = this.opts.pubsub.subscribe(channel, (message) => this.fanOut(channel, message));
      entry = { conns, off };
      this.channels.set(channel, entry);
    }
    entry.conns.add(conn);
    await entry.off;
  }

  private async leave(channel: string, conn: Conn): Promise<void> {
    const entry = this.channels.get(channel);
    if (!entry) return;
    entry.conns.delete(conn);
    if (entry.conns.size === 0) {
      this.channels.delete(channel);
      await (
        await entry.off
      )();
    }
  }

  /** One message from pub/sub → every socket on the channel, serialised once. */
  private fanOut(channel: string, message: unknown): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    const frame = message as Frame | AccessRevoked;
    if (frame.type === 'access.revoked') {
      for (const conn of entry.conns) this.revoke(conn, (frame as AccessRevoked).data.groupId);
      return;
    }
    const text = JSON.stringify(frame);
    for (const conn of entry.conns) this.deliver(conn, frame.id, text);
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

  private revoke(conn: Conn, groupId: string): void {
    for (const [threadId, g] of conn.threads) {
      if (g === groupId) {
        conn.threads.delete(threadId);
        void this.leave(threadChannel(threadId), conn);
      }
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
