import { TOPUP_MAX_FEN, WALLET_MAX_FEN } from '../modules/wallet/index.ts';
import { counted, DAY, HOUR, NOTIFY_WINDOW_MS, type SeedContext, type World } from './context.ts';
import type { Ledger } from './ledger.ts';
import { Rng } from './random.ts';

const AMOUNTS = [10_000, 20_000, 50_000, 100_000, 200_000, TOPUP_MAX_FEN];
/** What the benchmark's session users keep after their own sign-ups. */
export const SESSION_BALANCE_FEN = 1_000_000;

/**
 * Wallets: everyone who paid for a sign-up topped up enough before their first payment (sandbox
 * top-ups through the ledger, each within the app's limits), the session and heavy users to at
 * least SESSION_BALANCE_FEN after their payments, and some others who just topped up. Every
 * wallet owner has the common payment PIN. Then every ledger account with its balance.
 */
export async function makeWallets(ctx: SeedContext, world: World, ledger: Ledger) {
  const { now } = ctx;
  const rng = Rng.for(ctx.seed, 'wallets');
  const pins = counted(ctx, world, 'walletPins', 'wallet_pins', [
    'user_id',
    'pin_hash',
    'failed_attempts',
    'locked_until',
    'updated_at',
  ]);
  const rich = new Set([...world.sessionIdxs, world.heavyIdx]);
  const n = world.users.length;
  ctx.progress.start('payments', n);
  for (let u = 0; u < n; u++) {
    const spent = world.spent.get(u);
    const user = world.users[u]!;
    if (!spent && !rich.has(u) && !rng.chance(0.2)) {
      ctx.progress.tick();
      continue;
    }
    const need = (spent?.fen ?? 0) + (rich.has(u) ? SESSION_BALANCE_FEN : 0) + rng.int(0, 50_000);
    const amounts: number[] = [];
    let sum = 0;
    while (sum < need) {
      const left = need - sum;
      const fen = rich.has(u) ? TOPUP_MAX_FEN : (AMOUNTS.find((x) => x >= left) ?? TOPUP_MAX_FEN);
      amounts.push(fen);
      sum += fen;
    }
    // Top-ups come before the first payment (or any time since joining), oldest first; one
    // that would take the wallet over its ceiling waits until after the payments.
    const before = spent ? spent.first - HOUR : now - HOUR;
    const from = Math.max(user.createdAt, before - 30 * DAY);
    let held = 0;
    let firstAt = Infinity;
    for (const fen of amounts) {
      const early = held + fen <= WALLET_MAX_FEN;
      const at = early
        ? Math.floor(from + rng.next() * Math.max(0, before - from))
        : Math.floor(now - rng.next() * Math.max(HOUR, now - (spent?.first ?? now)));
      if (early) held += fen;
      const entryId = ledger.topup(u, fen, at);
      firstAt = Math.min(firstAt, at);
      if (at >= now - NOTIFY_WINDOW_MS) {
        world.notifications.push({
          userIdx: u,
          type: 'payment.topup',
          actorIdx: null,
          subjectType: 'payment',
          subjectId: entryId,
          groupId: null,
          target: '/wallet',
          createdAt: at,
          data: JSON.stringify({ amountFen: fen, purpose: 'topup', entryId, reference: null }),
        });
      }
    }
    if (rich.has(u) && ledger.balance(u) < SESSION_BALANCE_FEN) throw new Error('seed bug: poor');
    pins.add([user.id, ctx.pinHash, 0, 0, firstAt]);
    world.counts.wallets = (world.counts.wallets ?? 0) + 1;
    ctx.progress.tick();
    if ((u & 1023) === 1023) await ctx.sink.tick();
  }
  await ledger.writeAccounts();
  ctx.progress.end();
}
