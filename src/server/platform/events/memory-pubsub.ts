import { HandlerRegistry, type MessageHandler, type PubSub } from './pubsub.ts';

/**
 * One process's pub/sub. Delivery is asynchronous and JSON-copied, as it is through Redis, and
 * happens on a later turn of the event loop (setImmediate), so the request that published —
 * say a post fanned out to 10,000 sockets — answers its caller before the fan-out runs.
 */
export class MemoryPubSub implements PubSub {
  private readonly registry = new HandlerRegistry();

  publish(channel: string, message: unknown): Promise<void> {
    const copy = JSON.stringify(message);
    setImmediate(() => this.registry.deliver(channel, JSON.parse(copy)));
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
