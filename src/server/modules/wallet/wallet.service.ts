import { createHash } from 'node:crypto';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Trx } from '../../platform/db/database.ts';
import type { LedgerAccountKind } from '../../platform/db/tables.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import { recordEvent, type OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { CommitHooks, UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { JobScheduler } from '../../platform/jobs/index.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, invalidInput } from '../../platform/http/errors.ts';
import { keysetPage } from '../../platform/http/pagination.ts';
import {
  CHECK_IN_FLIGHT_LOCK_MS,
  hashSecret,
  verifySecret,
  type AccountsService,
} from '../accounts/index.ts';
import type { ActivitiesService, ActivityPayments } from '../activities/index.ts';
import { LedgerRepository } from './ledger.repository.ts';

/** Sandbox top-up limits, in fen: one top-up, and the most a wallet may hold after one. */
export const TOPUP_MAX_FEN = 500_000;
export const WALLET_MAX_FEN = 5_000_000;
/** Wrong PINs before payments lock, and for how long. */
export const PIN_MAX_FAILURES = 5;
export const PIN_LOCK_MS = 15 * 60_000;

/**
 * Payments are locked: `Retry-After` says for how many more seconds, and `details.lockedUntil`
 * (ISO time) until when, so a client can show the time.
 */
const pinLocked = (lockedUntil: number, now: number) => {
  const seconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  return new AppError('pin_locked', undefined, {
    headers: { 'retry-after': String(seconds) },
    details: {
      lockedUntil: toIsoWithOffset(now + seconds * 1000),
      retryAfterSeconds: seconds,
    },
  });
};
/**
 * How long an Idempotency-Key and its stored answer are kept: far longer than any client retries
 * (Stripe keeps them 24 hours). A key older than this is forgotten, and reusing it starts a new
 * request.
 */
export const IDEMPOTENCY_KEY_DAYS = 30;
const DAY = 24 * 3_600_000;
const EXPIRE_KEYS = 'wallet.expire_idempotency_keys';
export const PLATFORM = 'platform';
const HOUR = 3_600_000;

/** The platform's cut of a payout: floor(gross × bps / 10,000), in exact integer arithmetic. */
export function platformFee(grossFen: number, feeBps: number): number {
  return Number((BigInt(grossFen) * BigInt(feeBps)) / 10_000n);
}

export interface WalletDeps {
  uow: UnitOfWork;
  accounts: AccountsService;
  activities: ActivitiesService;
  jobs: JobScheduler;
  /** Fee on payouts, in basis points. */
  platformFeeBps: number;
  /** Hours after an activity ends before its escrow is paid out. */
  payoutHoldHours: number;
}

/** One side of a movement: an account, named by its kind and owner, and the signed amount. */
export interface MoveLeg {
  kind: LedgerAccountKind;
  ownerId: string;
  amountFen: number;
  /** The most the account may hold afterwards (checked in the same conditional update). */
  ceilingFen?: number;
}

/** What a movement is: its purpose, who asked for it, what it is about. */
export interface MoveEntry {
  kind: 'topup' | 'signup_payment' | 'refund' | 'payout' | 'bill_payment';
  actorId: string | null;
  reference: string | null;
  memo: Record<string, unknown>;
  /** Applied at most once: a second movement with this key fails on the unique index. */
  transferKey?: string;
}

/** The stored answer to a money-moving request, replayed for a retry with the same key. */
export interface StoredResponse<T> {
  status: number;
  body: T;
}

const memoTitle = (memo: string): string | null => {
  const title = (JSON.parse(memo) as { title?: unknown }).title;
  return typeof title === 'string' ? title : null;
};

const requestHash = (route: string, body: unknown) =>
  createHash('sha256')
    .update(`${route}\n${JSON.stringify(body)}`)
    .digest('hex');

/**
 * The wallet: balances derived from a double-entry ledger, sandbox top-ups, the payment PIN and
 * idempotency keys. Other modules move money only through this service.
 */
export class WalletService {
  readonly ledger: LedgerRepository;
  private readonly uow: UnitOfWork;

  constructor(private readonly deps: WalletDeps) {
    this.uow = deps.uow;
    this.ledger = new LedgerRepository(deps.uow.db);
  }

  /**
   * Posts one balanced movement in the caller's transaction and records `wallet.moved`, from
   * which the messaging centre tells every wallet owner involved. Returns false when a wallet or
   * escrow would go below zero; the caller must then roll back (throw).
   */
  async move(
    trx: Trx,
    entry: MoveEntry,
    legs: MoveLeg[],
  ): Promise<{ ok: true; entryId: string } | { ok: false }> {
    const ledger = this.ledger.with(trx);
    const resolved = [];
    for (const leg of legs) {
      const account = await ledger.account(leg.kind, leg.ownerId);
      resolved.push({
        accountId: account.id,
        kind: leg.kind,
        amountFen: leg.amountFen,
        ceilingFen: leg.ceilingFen,
      });
    }
    const r = await ledger.post(
      {
        kind: entry.kind,
        userId: entry.actorId,
        reference: entry.reference,
        memo: entry.memo,
        transferKey: entry.transferKey ?? null,
      },
      resolved,
    );
    if (!r.ok) return r;
    await recordEvent(trx, 'wallet.moved', {
      entryId: r.entryId,
      kind: entry.kind,
      reference: entry.reference,
      actorId: entry.actorId,
      memo: entry.memo,
      legs: legs.map((l) => ({ kind: l.kind, ownerId: l.ownerId, amountFen: l.amountFen })),
    });
    return r;
  }

  /**
   * Pays out an activity's escrow once it has completed and the hold has passed: the job is
   * scheduled in the transaction that completes the activity, runs once across processes
   * (JobScheduler), and the entry's transfer key `payout:<activity>` makes a second payout
   * impossible even if it ran again.
   */
  subscribe(dispatcher: OutboxDispatcher): void {
    dispatcher.on('activity.completed', async (e, { trx }) => {
      const a = await this.deps.activities.record(e.payload.activityId, trx);
      if (!a || a.priceFen <= 0) return;
      await this.deps.jobs.schedule(trx, {
        type: 'wallet.payout',
        key: `payout:${a.id}`,
        runAt: a.endAt + this.deps.payoutHoldHours * HOUR,
        payload: { activityId: a.id },
      });
    });
    this.deps.jobs.handle<{ activityId: string }>('wallet.payout', (job, ctx) =>
      this.payout(ctx.trx, job.payload.activityId).then(() => undefined),
    );
    // Daily: forget idempotency keys older than IDEMPOTENCY_KEY_DAYS, then schedule the next run.
    this.deps.jobs.handle(EXPIRE_KEYS, async (job, ctx) => {
      await this.ledger.with(ctx.trx).deleteKeysBefore(job.runAt - IDEMPOTENCY_KEY_DAYS * DAY);
      await this.deps.jobs.schedule(ctx.trx, {
        type: EXPIRE_KEYS,
        key: EXPIRE_KEYS,
        runAt: job.runAt + DAY,
        payload: null,
      });
    });
  }

  /** Makes sure the daily key clean-up is scheduled (a pending one keeps its time). */
  async scheduleHousekeeping(now = Date.now()): Promise<void> {
    await this.uow.run((trx) =>
      this.deps.jobs.ensure(trx, {
        type: EXPIRE_KEYS,
        key: EXPIRE_KEYS,
        runAt: now + DAY,
        payload: null,
      }),
    );
  }

  /** Escrow → organizer's wallet, less the platform fee. Returns the entry, or null if none due. */
  async payout(trx: Trx, activityId: string): Promise<string | null> {
    const a = await this.deps.activities.record(activityId, trx);
    if (!a || a.status !== 'completed') return null;
    const ledger = this.ledger.with(trx);
    const transferKey = `payout:${activityId}`;
    if (await ledger.findTransfer(transferKey)) return null;
    const gross = await ledger.balance('escrow', activityId);
    if (gross <= 0) return null;
    const fee = platformFee(gross, this.deps.platformFeeBps);
    const legs: MoveLeg[] = [{ kind: 'escrow', ownerId: activityId, amountFen: -gross }];
    if (gross - fee > 0)
      legs.push({ kind: 'wallet', ownerId: a.organizerId, amountFen: gross - fee });
    if (fee > 0) legs.push({ kind: 'platform_fee', ownerId: PLATFORM, amountFen: fee });
    const r = await this.move(
      trx,
      {
        kind: 'payout',
        actorId: null,
        reference: activityId,
        memo: { title: a.title, grossFen: gross, feeFen: fee, feeBps: this.deps.platformFeeBps },
        transferKey,
      },
      legs,
    );
    if (!r.ok) throw new Error(`payout of ${activityId} refused by the ledger`);
    return r.entryId;
  }

  /**
   * Runs a money-moving request at most once per (person, key): the key is stored in the same
   * transaction as the movement and its response. A retry gets the stored response; a
   * concurrent duplicate waits on the key's unique index and then gets it too; the same key with
   * a different body is refused (409). A request that fails moves nothing and stores nothing.
   */
  async idempotent<T>(
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
      const stored = await this.ledger.findKey(viewer.userId, key);
      if (!stored) return null;
      if (stored.requestHash !== hash) throw new AppError('idempotency_key_reused');
      return { status: stored.responseStatus, body: JSON.parse(stored.responseBody) as T };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    try {
      return await this.uow.run(async (trx, hooks) => {
        await this.ledger
          .with(trx)
          .insertKey({ userId: viewer.userId, key, requestHash: hash, status: 0, body: 'null' });
        const result = await run(trx, hooks);
        await this.ledger
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

  async balanceOf(userId: string): Promise<number> {
    return this.ledger.balance('wallet', userId);
  }

  async summary(viewer: Viewer) {
    const [balanceFen, pin] = await Promise.all([
      this.balanceOf(viewer.userId),
      this.ledger.findPin(viewer.userId),
    ]);
    const lockedUntil = pin?.lockedUntil ?? 0;
    const locked = lockedUntil > Date.now();
    return {
      balanceFen,
      pinSet: pin !== undefined,
      pinLocked: locked,
      pinLockedUntil: locked ? toIsoWithOffset(lockedUntil) : null,
    };
  }

  /** Sandbox funding: money comes from the platform's funding account. */
  topup(viewer: Viewer, amountFen: number, key: string | undefined) {
    if (!Number.isSafeInteger(amountFen) || amountFen < 1 || amountFen > TOPUP_MAX_FEN) {
      throw invalidInput(`amountFen must be a whole number from 1 to ${TOPUP_MAX_FEN}.`);
    }
    return this.idempotent(viewer, key, 'topup', { amountFen }, async (trx) => {
      // The limit is checked in the wallet's conditional update, so concurrent top-ups cannot
      // together pass it.
      const r = await this.move(
        trx,
        { kind: 'topup', actorId: viewer.userId, reference: null, memo: {} },
        [
          { kind: 'sandbox_funding', ownerId: PLATFORM, amountFen: -amountFen },
          { kind: 'wallet', ownerId: viewer.userId, amountFen, ceilingFen: WALLET_MAX_FEN },
        ],
      );
      if (!r.ok) throw invalidInput(`A wallet holds at most ${WALLET_MAX_FEN} fen after a top-up.`);
      const balanceFen = await this.ledger.with(trx).balance('wallet', viewer.userId);
      return { status: 201, body: { entryId: r.entryId, amountFen, balanceFen } };
    });
  }

  /**
   * Sets the 6-digit payment PIN. Changing it needs the old PIN, or, for a forgotten one, the
   * login password; a wrong password counts as a wrong PIN, so the lock-out covers both paths.
   */
  async setPin(
    viewer: Viewer,
    pin: string,
    proof: { oldPin?: string; password?: string } = {},
  ): Promise<void> {
    const current = await this.ledger.findPin(viewer.userId);
    if (current) {
      if (proof.oldPin) {
        await this.verifyPin(viewer.userId, proof.oldPin);
      } else if (proof.password) {
        await this.verifyPasswordForPin(viewer.userId, proof.password);
      } else {
        throw invalidInput('Send oldPin (or your login password) to change the PIN.');
      }
    }
    const pinHash = await hashSecret(pin);
    await this.ledger.upsertPin(viewer.userId, pinHash, Date.now());
  }

  /** The login password in place of a forgotten PIN: it takes a PIN attempt, like a PIN. */
  private async verifyPasswordForPin(userId: string, password: string) {
    const slot = await this.reservePinCheck(userId);
    if (await this.deps.accounts.verifyPassword(userId, password)) {
      await this.ledger.pinOk(userId);
      return;
    }
    await this.refuseWrong(userId, slot, 'wrong_password', 'Wrong login password');
  }

  /** Checks the PIN; 5 wrong ones lock payments for 15 minutes. */
  async verifyPin(userId: string, pin: string | undefined): Promise<void> {
    const slot = await this.reservePinCheck(userId);
    const row = (await this.ledger.findPin(userId))!;
    if (pin && (await verifySecret(row.pinHash, pin))) {
      await this.ledger.pinOk(userId); // gives back the reserved attempt
      return;
    }
    await this.refuseWrong(userId, slot, 'wrong_pin', 'Wrong payment PIN');
  }

  /**
   * Reserves a PIN check before anything is verified (see `reservePinAttempt`), so parallel
   * wrong PINs cannot get more than PIN_MAX_FAILURES tries. Locked → `pin_locked` with
   * Retry-After.
   */
  private async reservePinCheck(userId: string) {
    const now = Date.now();
    const slot = await this.ledger.reservePinAttempt(
      userId,
      now,
      PIN_MAX_FAILURES,
      CHECK_IN_FLIGHT_LOCK_MS,
    );
    if (slot) return slot;
    const row = await this.ledger.findPin(userId);
    if (!row) throw new AppError('pin_not_set');
    throw pinLocked(row.lockedUntil, Date.now()); // read after the row: never over the lock
  }

  private async refuseWrong(
    userId: string,
    slot: { attempt: number; lockedUntil: number },
    code: 'wrong_pin' | 'wrong_password',
    what: string,
  ): Promise<never> {
    if (slot.lockedUntil > 0) {
      // The check that reached the limit was wrong too: its lock becomes the full one.
      const now = Date.now();
      await this.ledger.lockPin(userId, now + PIN_LOCK_MS);
      throw pinLocked(now + PIN_LOCK_MS, now);
    }
    const triesLeft = PIN_MAX_FAILURES - slot.attempt;
    throw new AppError(code, `${what} (${triesLeft} tries left).`, { details: { triesLeft } });
  }

  async transactions(viewer: Viewer, limit: number, cursor?: string) {
    // Reading history creates nothing: no wallet yet means no movements.
    const wallet = await this.ledger.findAccount('wallet', viewer.userId);
    if (!wallet) return { items: [], nextCursor: null };
    const page = await keysetPage(
      'wallet-tx',
      limit,
      cursor,
      (after) =>
        this.ledger.history(wallet.id, limit, after && { createdAt: after[0], id: after[1] }),
      (r) => [r.createdAt, r.id],
    );
    const others = await this.ledger.counterparties(
      page.items.map((r) => r.entryId),
      wallet.id,
    );
    // The counterparty is the other side's biggest leg (a payout's escrow, not its fee).
    const byEntry = new Map<string, (typeof others)[number]>();
    for (const o of others) {
      const seen = byEntry.get(o.entryId);
      if (!seen || Math.abs(Number(o.amountFen)) > Math.abs(Number(seen.amountFen))) {
        byEntry.set(o.entryId, o);
      }
    }
    // A person on the other side is named (one query for the page, not one per row).
    const people = await this.deps.accounts.summaries([
      ...new Set([...byEntry.values()].filter((o) => o.kind === 'wallet').map((o) => o.ownerId)),
    ]);
    return {
      items: page.items.map((r) => {
        const o = byEntry.get(r.entryId);
        return {
          id: r.id,
          entryId: r.entryId,
          amountFen: Number(r.amountFen),
          purpose: r.kind,
          title: memoTitle(r.memo),
          reference: r.reference,
          counterparty: o
            ? { kind: o.kind, id: o.ownerId, user: people.get(o.ownerId) ?? null }
            : null,
          createdAt: toIsoWithOffset(r.createdAt),
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * What activities need from the wallet: a paid sign-up checks the PIN, runs once per
   * Idempotency-Key, and moves the price from the person's wallet into the activity's escrow in
   * the sign-up's transaction; refunds move it back.
   */
  activityPayments(): ActivityPayments {
    return {
      runPaidSignup: async (viewer, activity, input, work) => {
        await this.verifyPin(viewer.userId, input.pin);
        const r = await this.idempotent(
          viewer,
          input.idempotencyKey,
          `signup:${activity.id}`,
          {},
          async (trx) => ({
            status: 200,
            body: await work(trx),
          }),
        );
        return r.body;
      },
      runOnce: async (viewer, key, route, body, work) => {
        await this.idempotent(viewer, key, route, body, async (trx) => {
          await work(trx);
          return { status: 200, body: null };
        });
      },
      payoutOf: async (a) => {
        const done = await this.ledger.findTransfer(`payout:${a.id}`);
        if (done) {
          const m = JSON.parse(done.memo) as { grossFen: number; feeFen: number; feeBps: number };
          return {
            heldFen: 0,
            feeBps: m.feeBps,
            feeFen: m.feeFen,
            payoutFen: m.grossFen - m.feeFen,
            payoutAt: toIsoWithOffset(done.createdAt),
            paidOut: true,
          };
        }
        const held = await this.ledger.balance('escrow', a.id);
        const fee = platformFee(held, this.deps.platformFeeBps);
        return {
          heldFen: held,
          feeBps: this.deps.platformFeeBps,
          feeFen: fee,
          payoutFen: held - fee,
          payoutAt:
            a.status === 'cancelled'
              ? null
              : toIsoWithOffset(a.endAt + this.deps.payoutHoldHours * HOUR),
          paidOut: false,
        };
      },
      charge: async (trx, activity, userId) => {
        const r = await this.move(
          trx,
          {
            kind: 'signup_payment',
            actorId: userId,
            reference: activity.id,
            memo: { title: activity.title },
          },
          [
            { kind: 'wallet', ownerId: userId, amountFen: -activity.priceFen },
            { kind: 'escrow', ownerId: activity.id, amountFen: activity.priceFen },
          ],
        );
        return r.ok;
      },
      refund: async (trx, activity, userId, amountFen, reason) => {
        const r = await this.move(
          trx,
          {
            kind: 'refund',
            actorId: null,
            reference: activity.id,
            memo: { title: activity.title, reason },
          },
          [
            { kind: 'escrow', ownerId: activity.id, amountFen: -amountFen },
            { kind: 'wallet', ownerId: userId, amountFen },
          ],
        );
        if (!r.ok) throw new Error(`escrow of ${activity.id} cannot cover a refund`);
      },
    };
  }
}
