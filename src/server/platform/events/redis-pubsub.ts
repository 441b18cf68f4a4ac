import { Redis } from 'ioredis';
import { HandlerRegistry, type MessageHandler, type PubSub } from './pubsub.ts';

/**
 * Pub/sub across processes over Redis. One connection publishes, one subscribes (a subscribed
 * Redis connection can do nothing else). Channels are prefixed so several deployments — or test
 * files — can share one Redis without hearing each other.
 */
export class RedisPubSub implements PubSub {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly registry = new HandlerRegistry();

  constructor(
    url: string,
    private readonly prefix = 'quanzi:',
  ) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub.on('message', (prefixed: string, raw: string) => {
      if (!prefixed.startsWith(this.prefix)) return;
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      this.registry.deliver(prefixed.slice(this.prefix.length), message);
    });
  }

  /** Resolves when both connections answer, rejects with the connection error otherwise. */
  async ready(): Promise<void> {
    await Promise.all([this.pub.ping(), this.sub.ping()]);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.pub.publish(this.prefix + channel, JSON.stringify(message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.registry.add(channel, handler)) {
      try {
        await this.sub.subscribe(this.prefix + channel);
      } catch (err) {
        // Forget the handler, so the next subscribe to the channel asks Redis again.
        this.registry.remove(channel, handler);
        throw err;
      }
    }
    return async () => {
      if (this.registry.remove(channel, handler)) await this.sub.unsubscribe(this.prefix + channel);
    };
  }

  async close(): Promise<void> {
    this.registry.clear();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
