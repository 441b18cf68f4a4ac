import type { QueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { PageOf } from '../../shared/api/common.ts';
import type { Post } from '../../shared/api/forum.ts';
import type { Conversation, Message, Notification } from '../../shared/api/messaging.ts';
import type {
  ClientMessage,
  Frame,
  RealtimeEventMap,
  UnreadCounts,
} from '../../shared/realtime.ts';
import { STREAM_CLOSE } from '../../shared/stream-limits.ts';
import { keys } from '../api/keys.ts';

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The realtime stream (`GET /api/v1/stream`): one WebSocket per tab, authenticated by the
 * session cookie. Frames update the query cache (Mastodon's model: the stream keeps what is on
 * screen fresh, nothing polls): unread counts are written straight into the cache, the rest
 * invalidates the key the frame names. After a drop it reconnects with backoff and resumes with
 * `?since=<last id>`, so an event sent while it was away still arrives.
 */
export class Stream {
  #socket: WebSocket | null = null;
  #lastId = 0;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #status: StreamStatus = 'closed';
  #stopped = true;
  readonly #listeners = new Set<() => void>();
  /** Threads on screen, with how many views follow each (a thread may be open twice). */
  readonly #following = new Map<string, number>();

  constructor(private readonly qc: QueryClient) {}

  get status(): StreamStatus {
    return this.#status;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000);
    this.#socket = null;
    this.#lastId = 0;
    this.#set('closed');
  }

  /**
   * Live posts of a thread while it is on screen: subscribes now if connected, and again after
   * every reconnect (the server forgets subscriptions with the socket).
   */
  follow(threadId: string): void {
    const n = this.#following.get(threadId) ?? 0;
    this.#following.set(threadId, n + 1);
    if (n === 0) this.#send({ type: 'subscribe', threadId });
  }

  unfollow(threadId: string): void {
    const n = this.#following.get(threadId) ?? 0;
    if (n > 1) {
      this.#following.set(threadId, n - 1);
      return;
    }
    this.#following.delete(threadId);
    if (n === 1) this.#send({ type: 'unsubscribe', threadId });
  }

  #send(message: ClientMessage) {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #set(status: StreamStatus) {
    if (this.#status === status) return;
    this.#status = status;
    for (const l of this.#listeners) l();
  }

  #connect() {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const since = this.#lastId ? `?since=${this.#lastId}` : '';
    const socket = new WebSocket(`${proto}//${window.location.host}/api/v1/stream${since}`);
    this.#socket = socket;
    if (this.#status !== 'reconnecting') this.#set('connecting');
    socket.onopen = () => {
      this.#attempt = 0;
      this.#set('open');
      for (const threadId of this.#following.keys()) this.#send({ type: 'subscribe', threadId });
      // Whatever happened while away: counts and lists are re-read once.
      void this.qc.invalidateQueries({ queryKey: keys.inbox });
    };
    socket.onmessage = (e) => this.#onFrame(e.data);
    socket.onclose = (e) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (this.#stopped) return;
      if (e.code === STREAM_CLOSE.unauthenticated) {
        // The session ended (logged out elsewhere): ask who is signed in again.
        this.#set('closed');
        this.#stopped = true;
        void this.qc.invalidateQueries({ queryKey: keys.me });
        return;
      }
      this.#set('reconnecting');
      const delay = Math.min(10_000, 500 * 2 ** this.#attempt++) * (0.5 + Math.random() / 2);
      this.#timer = setTimeout(() => this.#connect(), delay);
    };
  }

  #onFrame(raw: unknown) {
    if (typeof raw !== 'string') return;
    let frame: Frame;
    try {
      frame = JSON.parse(raw) as Frame;
    } catch {
      return;
    }
    if (typeof frame.id === 'number' && frame.id > this.#lastId) this.#lastId = frame.id;
    switch (frame.type) {
      case 'unread.changed':
        this.qc.setQueryData(keys.inbox, frame.data as UnreadCounts);
        break;
      case 'notification.created': {
        void this.qc.invalidateQueries({ queryKey: keys.notificationsAll });
        const { notification } = frame.data as RealtimeEventMap['notification.created'];
        onGroupNotice(this.qc, notification as NotificationView);
        onActivityNotice(this.qc, notification as NotificationView);
        onMoneyNotice(this.qc, notification as NotificationView);
        break;
      }
      case 'message.created': {
        const { conversationId, message } = frame.data as RealtimeEventMap['message.created'];
        insertMessage(this.qc, conversationId, message as MessageView);
        void this.qc.invalidateQueries({ queryKey: keys.conversations });
        break;
      }
      case 'conversation.read': {
        const read = frame.data as RealtimeEventMap['conversation.read'];
        applyRead(this.qc, read.conversationId, read.userId, read.readUpTo);
        void this.qc.invalidateQueries({ queryKey: keys.conversations });
        break;
      }
      case 'post.created': {
        const { threadId, post } = frame.data as RealtimeEventMap['post.created'];
        appendPost(this.qc, threadId, post as Post);
        break;
      }
      case 'unsubscribed': {
        const { threadId, reason } = frame.data as RealtimeEventMap['unsubscribed'];
        if (reason === 'access_revoked') {
          // May no longer read it: asking again shows the page's error state.
          this.#following.delete(threadId);
          void this.qc.invalidateQueries({ queryKey: keys.thread(threadId) });
        }
        break;
      }
      case 'subscribed':
      case 'error':
      case 'pong':
        break;
    }
  }
}

type NotificationView = Static<typeof Notification>;

/**
 * Notices that change someone's standing in a group re-read the group there and then: an
 * approved requester's page turns "joined", a new moderator's shows the manage entry, a banned
 * member's says so; a join request refreshes the admins' list of requests and its count.
 */
function onGroupNotice(qc: QueryClient, n: NotificationView): void {
  if (!n.groupId) return;
  switch (n.type) {
    case 'group.join_request':
      void qc.invalidateQueries({ queryKey: keys.groupPending(n.groupId) });
      break;
    case 'group.join_approved':
    case 'group.join_rejected':
    case 'group.role_changed':
    case 'group.banned':
      void qc.invalidateQueries({ queryKey: keys.group(n.groupId) });
      void qc.invalidateQueries({ queryKey: keys.community });
      break;
  }
}

/**
 * A notice about an activity (signed up, waitlisted, moved up from the waitlist, changed,
 * cancelled, a reminder) re-reads that activity, so its page shows the new place or state.
 */
function onActivityNotice(qc: QueryClient, n: NotificationView): void {
  if (n.subject.type !== 'activity') return;
  void qc.invalidateQueries({ queryKey: keys.activity(n.subject.id) });
  void qc.invalidateQueries({ queryKey: keys.community });
}

/**
 * Money notices (`payment.*`, `bill.*`) re-read what they change: the balance and the history
 * of the wallet it touched, and the bill (a payer paid: the creator's open bill page turns that
 * share "paid" live), and the list of bills.
 */
function onMoneyNotice(qc: QueryClient, n: NotificationView): void {
  const money = n.type.startsWith('payment.') || n.type.startsWith('bill.');
  if (!money) return;
  void qc.invalidateQueries({ queryKey: keys.wallet });
  if (n.subject.type === 'bill') {
    void qc.invalidateQueries({ queryKey: keys.bill(n.subject.id) });
    void qc.invalidateQueries({ queryKey: keys.bills });
  }
}

type PostPages = { pages: PageOf<Post>[]; pageParams: unknown[] };

/**
 * Adds a post to the end of its thread's loaded replies, unless it is there already (a frame
 * repeated) or more pages are still to load (it will arrive with them, in order).
 */
export function appendPost(qc: QueryClient, threadId: string, post: Post): void {
  qc.setQueryData<PostPages>(keys.threadPosts(threadId), (data) => {
    if (!data || data.pages.length === 0) return data;
    if (data.pages.some((p) => p.items.some((x) => x.id === post.id))) return data;
    // The author's own reply may come back over the stream before its POST answers: it takes
    // the place of the pending copy rather than showing twice.
    const isPendingCopy = (x: Post) =>
      x.id.startsWith('pending-') && x.author.id === post.author.id && x.body === post.body;
    if (data.pages.some((p) => p.items.some(isPendingCopy))) {
      let replaced = false;
      return {
        ...data,
        pages: data.pages.map((p) => ({
          ...p,
          items: p.items.map((x) => {
            if (replaced || !isPendingCopy(x)) return x;
            replaced = true;
            return post;
          }),
        })),
      };
    }
    const last = data.pages[data.pages.length - 1]!;
    if (last.nextCursor) return data;
    return {
      ...data,
      pages: [...data.pages.slice(0, -1), { ...last, items: [...last.items, post] }],
    };
  });
}

type MessageView = Static<typeof Message>;
type ConversationView = Static<typeof Conversation>;
type MessagePages = { pages: PageOf<MessageView>[]; pageParams: unknown[] };

/**
 * Puts a message into an open chat's cache (pages are newest first): once, whether it comes from
 * the stream or from the answer to my own send, whichever is first.
 */
export function insertMessage(qc: QueryClient, conversationId: string, message: MessageView): void {
  qc.setQueryData<MessagePages>(keys.conversationMessages(conversationId), (data) => {
    if (!data || data.pages.length === 0) return data;
    if (data.pages.some((p) => p.items.some((m) => m.id === message.id))) return data;
    const [first, ...rest] = data.pages;
    const items = [...first!.items, message].sort((a, b) => b.seq - a.seq);
    return { ...data, pages: [{ ...first!, items }, ...rest] };
  });
  qc.setQueryData<ConversationView>(keys.conversation(conversationId), (c) => {
    if (!c) return c;
    // My own message means I have read everything before it (the server moves it the same way).
    const mine = message.sender.id !== c.with.id;
    return {
      ...c,
      lastMessage: message,
      readUpTo: mine ? Math.max(c.readUpTo, message.seq) : c.readUpTo,
    };
  });
}

/** A read receipt: theirs moves "已读" under my messages; mine (another device) clears unread. */
export function applyRead(
  qc: QueryClient,
  conversationId: string,
  userId: string,
  readUpTo: number,
): void {
  qc.setQueryData<ConversationView>(keys.conversation(conversationId), (c) => {
    if (!c) return c;
    if (userId === c.with.id) return { ...c, otherReadUpTo: Math.max(c.otherReadUpTo, readUpTo) };
    return { ...c, readUpTo: Math.max(c.readUpTo, readUpTo), unreadCount: 0 };
  });
}
