/**
 * Idempotency-Keys: a money-moving request runs at most once per (person, key), its answer stored
 * with the movement and replayed to a retry; and the daily job that forgets keys older than
 * IDEMPOTENCY_KEY_DAYS.
 */
import { createHash } from 'node:crypto';
import type { Trx } from '../../platform/db/database.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import type { CommitHooks } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, invalidInput } from '../../platform/http/errors.ts';
import type { WalletContext } from './wallet.context.ts';

/**
 * How long an Idempotency-Key and its stored answer are kept: far longer than any client retries
 * (Stripe keeps them 24 hours). A key older than this is forgotten, and reusing it starts a new
 * request.
 */
export const IDEMPOTENCY_KEY_DAYS = 30;
const DAY = 24 * 3_600_000;
const EXPIRE_KEYS = 'wallet.expire_idempotency_keys';

/** The stored answer to a money-moving request, replayed for a retry with the same key. */
export interface StoredResponse<T> {
  status: number;
  body: T;
}

const requestHash = (route: string, body: unknown) =>
  createHash('sha256')
    .update(`${route}\n${JSON.stringify(body)}`)
    .digest('hex');

/** Requests run once per key, and the keys' daily clean-up. */
export class Idempotency {
  constructor(private readonly ctx: WalletContext) {}

  /** Registers the handler of the daily key clean-up job. */
  subscribe(): void {
    // Daily: forget idempotency keys older than IDEMPOTENCY_KEY_DAYS, then schedule the next run.
    this.ctx.deps.jobs.handle(EXPIRE_KEYS, async (job, ctx) => {
      await this.ctx.keys.with(ctx.trx).deleteKeysBefore(job.runAt - IDEMPOTENCY_KEY_DAYS * DAY);
      await this.ctx.deps.jobs.schedule(ctx.trx, {
        type: EXPIRE_KEYS,
        key: EXPIRE_KEYS,
        runAt: job.runAt + DAY,
        payload: null,
      });
    });
  }

  /** Makes sure the daily key clean-up is scheduled (a pending one keeps its time). */
  async scheduleHousekeeping(now = Date.now()): Promise<void> {
    await this.ctx.uow.run((trx) =>
      this.ctx.deps.jobs.ensure(trx, {
        type: EXPIRE_KEYS,
        key: EXPIRE_KEYS,
        runAt: now + DAY,
        payload: null,
      }),
    );
  }

  /**
   * Runs a money-moving request at most once per (person, key): the key is stored in the same
   * transaction as the movement and its response. A retry gets the stored response; a
   * concurrent duplicate waits on the key's unique index and then gets it too; the same key with
   * a different body is refused (409). A request that fails moves nothing and stores nothing.
   */
  async run<T>(
    viewer: Viewer,
    key: string | undefined,
    route: string,
    body: unknown,
    run: (trx: Trx, hooks: CommitHooks) => Promise<StoredResponse<T>>,
  ): Promise<StoredResponse<T>> {
    if (!key || key.length > 128 || !/^[\x21-\x7e]+$/.test(key)) {
      throw invalidInput('Send an Idempotency-Key header (1–128 visible ASCII characters).');
    }
    const hash = requestHash(route, body);
    const replay = async (): Promise<StoredResponse<T> | null> => {
      const stored = await this.ctx.keys.findKey(viewer.userId, key);
      if (!stored) return null;
      if (stored.requestHash !== hash) throw new AppError('idempotency_key_reused');
      return { status: stored.responseStatus, body: JSON.parse(stored.responseBody) as T };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    try {
      return await this.ctx.uow.run(async (trx, hooks) => {
        await this.ctx.keys
          .with(trx)
          .insertKey({ userId: viewer.userId, key, requestHash: hash, status: 0, body: 'null' });
        const result = await run(trx, hooks);
        await this.ctx.keys
          .with(trx)
          .storeResponse(viewer.userId, key, result.status, JSON.stringify(result.body));
        return result;
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        const won = await replay();
        if (won) return won;
      }
      throw err;
    }
  }
}
