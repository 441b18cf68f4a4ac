/**
 * What a client sends on its socket: each frame costs a token of the socket's bucket (control
 * frames too), at most STREAM_LIMITS.maxFramesInFlight wait, and they are handled one at a time
 * in order — parsed, validated against the ClientMessage schema, and answered (ping, subscribe,
 * unsubscribe) or refused with an `error` frame that never echoes what was sent.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Compile } from 'typebox/compile';
import type { RawData } from 'ws';
import { ClientMessage, STREAM_CLOSE, STREAM_LIMITS } from '../../../shared/realtime.ts';
import type { Conn } from './gateway-connection.ts';
import type { StreamSockets } from './gateway-sockets.ts';
import type { StreamSubscriptions } from './gateway-subscriptions.ts';

const validClientMessage = Compile(ClientMessage);

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

/** Rate limits, queues and answers the frames clients send. */
export class ClientFrames {
  constructor(
    private readonly sockets: StreamSockets,
    private readonly subscriptions: StreamSubscriptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Takes one token from the socket's bucket; closes the socket with 4429 when it is empty. */
  spend(conn: Conn): boolean {
    if (conn.closing) return false;
    const now = Date.now();
    conn.tokens = Math.min(
      STREAM_LIMITS.frameBurst,
      conn.tokens + ((now - conn.refilledAt) * STREAM_LIMITS.framesPerSecond) / 1000,
    );
    conn.refilledAt = now;
    if (conn.tokens < 1) {
      this.sockets.shut(conn, STREAM_CLOSE.tooManyFrames, 'too many frames');
      return false;
    }
    conn.tokens -= 1;
    return true;
  }

  receive(conn: Conn, data: RawData, isBinary: boolean): void {
    if (conn.closing || !this.sockets.conns.has(conn) || !this.spend(conn)) return;
    if (conn.inFlight >= STREAM_LIMITS.maxFramesInFlight) {
      this.sockets.shut(conn, STREAM_CLOSE.tooManyFrames, 'too many frames in flight');
      return;
    }
    conn.inFlight++;
    const text = isBinary ? null : (Array.isArray(data) ? Buffer.concat(data) : data).toString();
    conn.queue = conn.queue.then(() => this.handle(conn, text));
  }

  /** Answers one client frame; never rejects (a failure is logged and answered internal_error). */
  private async handle(conn: Conn, text: string | null): Promise<void> {
    try {
      if (!this.sockets.conns.has(conn)) return;
      if (text === null) {
        return this.sockets.error(conn, 'invalid_input', 'Send JSON text frames, not binary ones.');
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return this.sockets.error(conn, 'invalid_input', 'Send one JSON object per text frame.');
      }
      if (!validClientMessage.Check(value)) {
        return this.sockets.error(conn, 'invalid_input', describeInvalid(value));
      }
      switch (value.type) {
        case 'ping':
          return this.sockets.reply(conn, { id: null, type: 'pong', data: {} });
        case 'subscribe':
          return await this.subscriptions.subscribe(conn, value.threadId);
        case 'unsubscribe':
          return await this.subscriptions.unsubscribe(conn, value.threadId);
      }
    } catch (err) {
      this.log.error({ err, userId: conn.viewer.userId }, 'stream: handling a client frame failed');
      this.sockets.error(conn, 'internal_error', 'Something went wrong on our side; try again.');
    } finally {
      conn.inFlight--;
    }
  }
}
