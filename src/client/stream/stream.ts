import type { QueryClient } from '@tanstack/react-query';
import { STREAM_CLOSE, type Frame, type UnreadCounts } from '../../shared/realtime.ts';
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
      case 'notification.created':
        void this.qc.invalidateQueries({ queryKey: keys.notificationsAll });
        break;
      case 'message.created':
      case 'conversation.read':
        void this.qc.invalidateQueries({ queryKey: keys.conversations });
        break;
      case 'post.created':
      case 'subscribed':
      case 'unsubscribed':
        // Thread pages follow their thread (part of the thread screen).
        break;
      case 'error':
      case 'pong':
        break;
    }
  }
}
