import { Type, type Static } from 'typebox';

/**
 * The realtime event map: every frame the stream (`GET /api/v1/stream`) sends is
 * `{id, type, data}` with `data` typed by `type` here. `id` is the person's event number — it
 * increases with every logged event and is what `?since=` takes. Live-only frames (new posts in a
 * thread the client subscribed to) are not logged and carry `id: null`.
 */
export interface UnreadCounts {
  notifications: number;
  messages: number;
  community: number;
}

export interface RealtimeEventMap {
  'notification.created': { notification: unknown };
  'message.created': { conversationId: string; message: unknown };
  'conversation.read': { conversationId: string; userId: string; readUpTo: number };
  'unread.changed': UnreadCounts;
  'post.created': { threadId: string; post: unknown };
  /** Answers to the client's own messages (live only). */
  subscribed: { threadId: string };
  /**
   * The subscription ended: at the client's request (no `reason`), or because the person may no
   * longer read the thread (`reason: 'access_revoked'` — left, removed, banned, the group became
   * approval-only, the thread was deleted or hidden…).
   */
  unsubscribed: { threadId: string; reason?: 'access_revoked' };
  error: { code: StreamErrorCode; message: string };
  pong: Record<string, never>;
}

export type RealtimeType = keyof RealtimeEventMap;

export interface Frame<T extends RealtimeType = RealtimeType> {
  id: number | null;
  type: T;
  data: RealtimeEventMap[T];
}

/** Codes of `error` frames (all from the error catalogue in errors.ts). */
export type StreamErrorCode =
  'invalid_input' | 'not_found' | 'too_many_subscriptions' | 'internal_error';

/** A thread id as the stream accepts it: 1–64 letters, digits, `-` or `_` (UUIDv7s are). */
export const StreamThreadId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\w-]+$' });

/** What a client may send on the stream: exactly one of these, as a JSON text frame. */
export const ClientMessage = Type.Union([
  Type.Object(
    { type: Type.Literal('subscribe'), threadId: StreamThreadId },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('unsubscribe'), threadId: StreamThreadId },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('ping') }, { additionalProperties: false }),
]);
export type ClientMessage = Static<typeof ClientMessage>;

export { STREAM_CLOSE, STREAM_LIMITS } from './stream-limits.ts';
