import { HandlerRegistry, type MessageHandler, type PubSub } from './pubsub.ts';

/** One process's pub/sub. Delivery is asynchronous and JSON-copied, as it is through Redis. */
export class MemoryPubSub implements PubSub {
  private readonly registry = new HandlerRegistry();

  publish(channel: string, message: unknown): Promise<void> {
    const copy = JSON.stringify(message);
    queueMicrotask(() => this.registry.deliver(channel, JSON.parse(copy)));
    return Promise.resolve();
  }

  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    this.registry.add(channel, handler);
    return Promise.resolve(() => {
      this.registry.remove(channel, handler);
      return Promise.resolve();
    });
  }

  close(): Promise<void> {
    this.registry.clear();
    return Promise.resolve();
  }
}
