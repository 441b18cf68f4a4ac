/**
 * Log-in and its lock-outs: the password is checked under a per-account and a per-address limit,
 * each attempt reserved before the (slow) hash is checked; a banned person is refused; a right
 * password opens a session. Also re-authentication with the password (a PIN reset).
 */
import { AppError } from '../../platform/http/errors.ts';
import type { AccountsContext } from './accounts.context.ts';
import { verifyAgainstDummy, verifySecret } from './password.ts';
import { hashAddress, type Session, type Sessions } from './sessions.ts';
import type { SiteBans } from './site-bans.ts';

/** Failed log-ins per account in the window before it is locked, and for how long. */
export const ACCOUNT_MAX_FAILURES = 5;
export const ACCOUNT_LOCK_MS = 15 * 60_000;
/** Failed log-ins per address in the window before that address cools down, and how long. */
export const ADDRESS_MAX_FAILURES = 20;
export const ADDRESS_COOL_DOWN_MS = 15 * 60_000;
const FAILURE_WINDOW_MS = 15 * 60_000;
/** An address from which an account logged in within this time may log in to it in a cool-down. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 3_600_000;
/**
 * The attempt that reaches a limit locks at once, for this long, while it is being checked;
 * if it too is wrong the lock becomes the full one. (Checks take milliseconds, so attempts
 * refused only because others are still being checked are told to retry soon, not in 15 min.)
 */
export const CHECK_IN_FLIGHT_LOCK_MS = 60_000;
const ACCOUNT_LIMITS = {
  max: ACCOUNT_MAX_FAILURES,
  windowMs: FAILURE_WINDOW_MS,
  lockMs: ACCOUNT_LOCK_MS,
};
const ADDRESS_LIMITS = {
  max: ADDRESS_MAX_FAILURES,
  windowMs: FAILURE_WINDOW_MS,
  lockMs: ADDRESS_COOL_DOWN_MS,
};

/** Checking passwords under the log-in limits. */
export class Login {
  constructor(
    private readonly ctx: AccountsContext,
    private readonly sessions: Sessions,
    private readonly bans: SiteBans,
  ) {}

  /** Whether this is the person's login password (for re-authentication, e.g. a PIN reset). */
  async verifyPassword(userId: string, password: string): Promise<boolean> {
    const user = await this.ctx.users.findUserById(userId);
    return user ? verifySecret(user.passwordHash, password) : false;
  }

  /**
   * Checks the password under two limits, each reserved atomically before the (slow) hash is
   * checked, so no burst of parallel attempts gets more tries than the limit:
   * - per account: ACCOUNT_MAX_FAILURES wrong passwords in the window lock the account;
   * - per address: ADDRESS_MAX_FAILURES failures in the window start a cool-down for that
   *   address, which refuses only accounts that have not logged in from it within
   *   KNOWN_ADDRESS_MS, so people sharing a proxy or NAT with an attacker still get in.
   */
  async login(username: string, password: string, address: string): Promise<Session> {
    const now = Date.now();
    const accountKey = `account:${username.toLowerCase()}`;
    const addressKey = `address:${hashAddress(address)}`;
    const user = await this.ctx.users.findUserByUsername(username);
    const known =
      user !== undefined &&
      (await this.ctx.limits.knownAddress(user.id, hashAddress(address), now - KNOWN_ADDRESS_MS));
    const addressSlot = known
      ? null
      : await this.reserveOrRefuse(
          addressKey,
          now,
          ADDRESS_LIMITS,
          'rate_limited',
          'Too many failed log-ins from this address; try again later.',
        );
    const releaseAddress = async () => {
      if (addressSlot) {
        await this.ctx.limits.releaseAttempt(
          addressKey,
          addressSlot.windowStartedAt,
          ADDRESS_LIMITS.max,
        );
      }
    };
    let accountSlot;
    try {
      accountSlot = await this.reserveOrRefuse(accountKey, now, ACCOUNT_LIMITS, 'account_locked');
    } catch (err) {
      await releaseAddress(); // not evaluated, so not a failure of this address
      throw err;
    }
    const ok = user
      ? await verifySecret(user.passwordHash, password)
      : await verifyAgainstDummy(password);
    if (!user || !ok) {
      // The attempt that reached a limit was wrong too: the lock it set becomes the full one.
      const at = Date.now();
      if (accountSlot.lockedUntil > 0) await this.ctx.limits.lock(accountKey, at + ACCOUNT_LOCK_MS);
      if (addressSlot && addressSlot.lockedUntil > 0) {
        await this.ctx.limits.lock(addressKey, at + ADDRESS_COOL_DOWN_MS);
      }
      throw new AppError('invalid_credentials');
    }
    await this.ctx.limits.clearThrottle(accountKey);
    await releaseAddress();
    await this.bans.assertNotBanned(user.id, Date.now());
    return this.sessions.open(user, address);
  }

  /**
   * Reserves an attempt on `key`; when it is locked, refuses with `code` and `Retry-After` (the
   * seconds until the lock ends).
   */
  private async reserveOrRefuse(
    key: string,
    now: number,
    limits: typeof ACCOUNT_LIMITS,
    code: 'account_locked' | 'rate_limited',
    message?: string,
  ) {
    const slot = await this.ctx.limits.reserveAttempt(key, now, {
      ...limits,
      lockMs: CHECK_IN_FLIGHT_LOCK_MS,
    });
    if (slot) return slot;
    const row = await this.ctx.limits.getThrottle(key);
    const left = (row?.lockedUntil ?? 0) - Date.now(); // read after the row: never over the lock
    const seconds = Math.max(1, Math.ceil(left / 1000));
    throw new AppError(code, message, { headers: { 'retry-after': String(seconds) } });
  }
}
