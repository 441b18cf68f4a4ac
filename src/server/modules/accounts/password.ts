import { hash, verify, type Options } from '@node-rs/argon2';
import {
  DEFAULT_PASSWORD_HASH_COST,
  MIN_PASSWORD_HASH_MEMORY_KIB,
  type PasswordHashCost,
} from '../../platform/config.ts';

/** argon2id (the library's default algorithm) with one lane. */
const PARALLELISM = 1;
const toOptions = (cost: PasswordHashCost): Options => ({
  memoryCost: cost.memoryKib,
  timeCost: cost.passes,
  parallelism: PARALLELISM,
});

// Until start-up says otherwise: OWASP's minimum (19 MiB, 2 passes), the production default.
let cost: PasswordHashCost = DEFAULT_PASSWORD_HASH_COST;
let dummy: Promise<string> | null = null;

/**
 * Sets the cost of new hashes (PASSWORD_HASH_MEMORY_KIB / PASSWORD_HASH_PASSES), once at
 * start-up: buildApp calls it with the configuration. Existing hashes keep verifying whatever
 * the setting, since a hash carries its own parameters. Low values are for tests only.
 */
export function configurePasswordHashing(next: PasswordHashCost): void {
  if (
    !Number.isSafeInteger(next.memoryKib) ||
    !Number.isSafeInteger(next.passes) ||
    next.memoryKib < MIN_PASSWORD_HASH_MEMORY_KIB * PARALLELISM ||
    next.passes < 1
  ) {
    throw new RangeError(`argon2 cannot hash with ${JSON.stringify(next)}`);
  }
  cost = { memoryKib: next.memoryKib, passes: next.passes };
  // The timing dummy must cost what a real check costs.
  dummy = null;
}

/** The cost new hashes are made with. */
export const passwordHashCost = (): PasswordHashCost => ({ ...cost });

export const hashSecret = (secret: string): Promise<string> => hash(secret, toOptions(cost));

/** Checks a secret against a stored hash, with the parameters the hash itself records. */
export async function verifySecret(stored: string, secret: string): Promise<boolean> {
  try {
    return await verify(stored, secret);
  } catch {
    return false;
  }
}

/**
 * Spends the same time as a real check when the account does not exist, so response times do
 * not tell which usernames are registered.
 */
export async function verifyAgainstDummy(secret: string): Promise<false> {
  dummy ??= hashSecret('quanzi-dummy-password-for-timing');
  await verifySecret(await dummy, secret);
  return false;
}
