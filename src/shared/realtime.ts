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
  unsubscribed: { threadId: string };
  error: { code: string; message: string };
  pong: Record<string, never>;
}

export type RealtimeType = keyof RealtimeEventMap;

export interface Frame<T extends RealtimeType = RealtimeType> {
  id: number | null;
  type: T;
  data: RealtimeEventMap[T];
}

/** What a client may send on the stream. */
export type ClientMessage =
  | { type: 'subscribe'; threadId: string }
  | { type: 'unsubscribe'; threadId: string }
  | { type: 'ping' };
