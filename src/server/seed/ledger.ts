import { PLATFORM } from '../modules/wallet/index.ts';
import { counted, type SeedContext, type World } from './context.ts';
import { Rng } from './random.ts';

/**
 * The ledger as the wallet records it (wallet.service.ts `move`, ledger.repository.ts `post`):
 * one journal entry per movement with its postings in leg order, accounts made on first use,
 * balances kept on wallet and escrow accounts only (the platform's accounts keep 0 and are
 * summed when read).
 */
export class Ledger {
  private readonly rng: Rng;
  private readonly entries;
  private readonly postings;
  /** account id → [kind, owner, created at, balance]. */
  private readonly accounts = new Map<string, [string, string, number, number]>();
  private readonly byOwner = new Map<string, string>();

  constructor(
    private readonly ctx: SeedContext,
    private readonly world: World,
  ) {
    this.rng = Rng.for(ctx.seed, 'ledger');
    this.entries = counted(ctx, world, 'journalEntries', 'journal_entries', [
      'id',
      'kind',
      'user_id',
      'reference',
      'memo',
      'transfer_key',
      'created_at',
    ]);
    this.postings = counted(ctx, world, 'postings', 'postings', [
      'id',
      'entry_id',
      'account_id',
      'amount_fen',
      'created_at',
    ]);
  }

  private account(kind: string, ownerId: string, at: number): string {
    const key = `${kind}:${ownerId}`;
    let id = this.byOwner.get(key);
    if (!id) {
      id = this.rng.uuid(at);
      this.byOwner.set(key, id);
      this.accounts.set(id, [kind, ownerId, at, 0]);
    }
    const a = this.accounts.get(id)!;
    if (at < a[2]) a[2] = at; // made by its earliest movement
    return id;
  }

  private move(
    entry: { kind: string; userId: string | null; reference: string | null; memo: object },
    legs: { kind: string; ownerId: string; amountFen: number }[],
    at: number,
  ): string {
    const entryId = this.rng.uuid(at);
    this.entries.add([
      entryId,
      entry.kind,
      entry.userId,
      entry.reference,
      JSON.stringify(entry.memo),
      null,
      at,
    ]);
    for (const leg of legs) {
      const accountId = this.account(leg.kind, leg.ownerId, at);
      const a = this.accounts.get(accountId)!;
      if (leg.kind === 'wallet' || leg.kind === 'escrow') a[3] += leg.amountFen;
      this.postings.add([this.rng.uuid(at), entryId, accountId, leg.amountFen, at]);
    }
    return entryId;
  }

  /** A paid sign-up: wallet → the activity's escrow (the sign-up's charge). */
  signupPayment(userIdx: number, activityId: string, title: string, fen: number, at: number) {
    const userId = this.world.users[userIdx]!.id;
    return this.move(
      { kind: 'signup_payment', userId, reference: activityId, memo: { title } },
      [
        { kind: 'wallet', ownerId: userId, amountFen: -fen },
        { kind: 'escrow', ownerId: activityId, amountFen: fen },
      ],
      at,
    );
  }

  /** A sandbox top-up: the platform's funding account → the wallet. */
  topup(userIdx: number, fen: number, at: number) {
    const userId = this.world.users[userIdx]!.id;
    return this.move(
      { kind: 'topup', userId, reference: null, memo: {} },
      [
        { kind: 'sandbox_funding', ownerId: PLATFORM, amountFen: -fen },
        { kind: 'wallet', ownerId: userId, amountFen: fen },
      ],
      at,
    );
  }

  balance(userIdx: number): number {
    const id = this.byOwner.get(`wallet:${this.world.users[userIdx]!.id}`);
    return id ? this.accounts.get(id)![3] : 0;
  }

  /** Writes every account with its kept balance (0 for the platform's). */
  async writeAccounts(): Promise<void> {
    const out = counted(this.ctx, this.world, 'ledgerAccounts', 'ledger_accounts', [
      'id',
      'kind',
      'owner_id',
      'balance_fen',
      'created_at',
    ]);
    for (const [id, [kind, owner, at, balance]] of this.accounts) {
      if (balance < 0) throw new Error(`seed bug: ${kind} ${owner} would hold ${balance} fen`);
      out.add([id, kind, owner, balance, at]);
    }
    await this.ctx.sink.flush();
  }
}
