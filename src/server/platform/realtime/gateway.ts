import type {} from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import { STREAM_CLOSE, STREAM_LIMITS } from '../../../shared/realtime.ts';
import type { Viewer } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { ACCESS_CHANNEL } from './access.ts';
import { userChannel } from './event-log.ts';
import { ClientFrames } from './gateway-client-frames.ts';
import type { Conn, StreamOptions } from './gateway-connection.ts';
import { StreamSockets } from './gateway-sockets.ts';
import { StreamSubscriptions } from './gateway-subscriptions.ts';
import { assertValidUpgrade } from './gateway-upgrade.ts';

export type { StreamOptions } from './gateway-connection.ts';

const REPLAY_BATCH = 500;

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
 *
 * This file holds the route and each socket's life (open and resume, heartbeats, close); the
 * parts are gateway-sockets.ts (channels, fan-out, writes), gateway-client-frames.ts (what
 * clients send), gateway-subscriptions.ts (threads followed, access changes, blocks) and
 * gateway-upgrade.ts (the handshake's headers).
 */
export class StreamGateway {
  private readonly sockets: StreamSockets;
  private readonly subscriptions: StreamSubscriptions;
  private readonly frames: ClientFrames;
  private accessOff: (() => Promise<void>) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly log: FastifyBaseLogger;

  constructor(private readonly opts: StreamOptions) {
    this.sockets = new StreamSockets(opts);
    this.subscriptions = new StreamSubscriptions(opts, this.sockets);
    this.frames = new ClientFrames(this.sockets, this.subscriptions, opts.log);
    this.log = opts.log;
  }

  /** How many sockets this process holds (for metrics and tests). */
  get size(): number {
    return this.sockets.conns.size;
  }

  register(app: FastifyInstance): void {
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    app.addHook('onReady', async () => {
      this.accessOff = await this.opts.pubsub.subscribe(ACCESS_CHANNEL, (m) =>
        this.subscriptions.onAccessChange(m),
      );
    });
    app.addHook('onClose', async () => {
      if (this.heartbeat) clearInterval(this.heartbeat);
      for (const c of this.sockets.conns) c.ws.terminate();
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
    this.sockets.conns.add(conn);
    let mine = this.sockets.byUser.get(viewer.userId);
    if (!mine) this.sockets.byUser.set(viewer.userId, (mine = new Set()));
    mine.add(conn);
    ws.on('message', (data, isBinary) => this.frames.receive(conn, data, isBinary));
    // Control frames cost a token too, so a ping flood is bounded like any other.
    ws.on('ping', () => this.frames.spend(conn));
    ws.on('pong', () => {
      conn.alive = true;
      this.frames.spend(conn);
    });
    ws.on('close', () => this.sockets.close(conn));
    ws.on('error', () => this.sockets.close(conn));
    // Client frames queue behind the set-up, so they are handled once the backlog is sent.
    conn.queue = this.open(conn, since);
  }

  private async open(conn: Conn, since: number | undefined): Promise<void> {
    try {
      await this.sockets.join(userChannel(conn.viewer.userId), conn);
      await this.subscriptions.reloadBlocks(conn);
      if (since !== undefined) {
        for (;;) {
          const frames = await this.opts.eventLog.since(
            this.opts.db,
            conn.viewer.userId,
            conn.lastId,
            REPLAY_BATCH,
          );
          for (const f of frames) this.sockets.sendLogged(conn, f.id!, JSON.stringify(f));
          if (frames.length < REPLAY_BATCH || !this.sockets.conns.has(conn)) break;
        }
      }
      const held = conn.pending ?? [];
      const ids = conn.pendingIds;
      conn.pending = null;
      held.forEach((text, i) => this.sockets.deliver(conn, ids[i] ?? null, text));
    } catch (err) {
      this.log.error({ err, userId: conn.viewer.userId }, 'stream: opening a socket failed');
      conn.ws.terminate();
      this.sockets.close(conn);
    }
  }

  private beat(): void {
    for (const conn of this.sockets.conns) {
      if (!conn.alive) {
        conn.ws.terminate();
        this.sockets.close(conn);
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }
}
