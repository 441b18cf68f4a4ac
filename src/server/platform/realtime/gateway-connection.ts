/**
 * What the stream gateway is given (StreamOptions) and what it keeps for each open socket
 * (Conn): its person, resume position, followed threads, held frames, blocks and rate limit.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Db } from '../db/database.ts';
import type { PubSub } from '../events/pubsub.ts';
import type { Viewer } from '../http/auth.ts';
import type { EventLog } from './event-log.ts';

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
export interface Held {
  checks: number;
  frames: string[];
}

export interface Conn {
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
