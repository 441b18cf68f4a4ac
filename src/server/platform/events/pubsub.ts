/**
 * Publish/subscribe between server processes: the in-memory implementation serves one process,
 * the Redis one fans messages out to every process on the same Redis. Messages are JSON values.
 */
export type MessageHandler = (message: unknown) => void;

export interface PubSub {
  publish(channel: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is live; the returned function ends it. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Keeps one set of handlers per channel; used by both implementations. */
export class HandlerRegistry {
  private readonly byChannel = new Map<string, Set<MessageHandler>>();

  /** Returns true when this is the channel's first handler. */
  add(channel: string, handler: MessageHandler): boolean {
    let set = this.byChannel.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.byChannel.set(channel, set);
    }
    set.add(handler);
    return first;
  }

  /** Returns true when the channel has no handlers left. */
  remove(channel: string, handler: MessageHandler): boolean {
    const set = this.byChannel.get(channel);
    if (!set) return false;
    set.delete(handler);
    if (set.size === 0) {
      this.byChannel.delete(channel);
      return true;
    }
    return false;
  }

  deliver(channel: string, message: unknown): void {
    for (const h of this.byChannel.get(channel) ?? []) h(message);
  }

  clear(): void {
    this.byChannel.clear();
  }
}
