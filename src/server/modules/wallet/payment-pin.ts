/**
 * The 6-digit payment PIN: setting and changing it (with the old PIN, or the login password for
 * a forgotten one) and checking it under the lock-out — each check reserved before it is
 * verified, 5 wrong in a row lock payments for 15 minutes.
 */
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, invalidInput } from '../../platform/http/errors.ts';
import { CHECK_IN_FLIGHT_LOCK_MS, hashSecret, verifySecret } from '../accounts/index.ts';
import type { WalletContext } from './wallet.context.ts';

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

/** The payment PIN and its lock-out. */
export class PaymentPin {
  constructor(private readonly ctx: WalletContext) {}

  /**
   * Sets the 6-digit payment PIN. Changing it needs the old PIN, or, for a forgotten one, the
   * login password; a wrong password counts as a wrong PIN, so the lock-out covers both paths.
   */
  async setPin(
    viewer: Viewer,
    pin: string,
    proof: { oldPin?: string; password?: string } = {},
  ): Promise<void> {
    const current = await this.ctx.pins.findPin(viewer.userId);
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
    await this.ctx.pins.upsertPin(viewer.userId, pinHash, Date.now());
  }

  /** The login password in place of a forgotten PIN: it takes a PIN attempt, like a PIN. */
  private async verifyPasswordForPin(userId: string, password: string) {
    const slot = await this.reservePinCheck(userId);
    if (await this.ctx.deps.accounts.verifyPassword(userId, password)) {
      await this.ctx.pins.pinOk(userId);
      return;
    }
    await this.refuseWrong(userId, slot, 'wrong_password', 'Wrong login password');
  }

  /** Checks the PIN; 5 wrong ones lock payments for 15 minutes. */
  async verifyPin(userId: string, pin: string | undefined): Promise<void> {
    const slot = await this.reservePinCheck(userId);
    const row = (await this.ctx.pins.findPin(userId))!;
    if (pin && (await verifySecret(row.pinHash, pin))) {
      await this.ctx.pins.pinOk(userId); // gives back the reserved attempt
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
    const slot = await this.ctx.pins.reservePinAttempt(
      userId,
      now,
      PIN_MAX_FAILURES,
      CHECK_IN_FLIGHT_LOCK_MS,
    );
    if (slot) return slot;
    const row = await this.ctx.pins.findPin(userId);
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
      await this.ctx.pins.lockPin(userId, now + PIN_LOCK_MS);
      throw pinLocked(now + PIN_LOCK_MS, now);
    }
    const triesLeft = PIN_MAX_FAILURES - slot.attempt;
    throw new AppError(code, `${what} (${triesLeft} tries left).`, { details: { triesLeft } });
  }
}
