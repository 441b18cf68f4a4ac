import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashSecret = (secret: string): Promise<string> => hash(secret, OPTIONS);

export async function verifySecret(stored: string, secret: string): Promise<boolean> {
  try {
    return await verify(stored, secret);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/**
 * Spends the same time as a real check when the account does not exist, so response times do
 * not tell which usernames are registered.
 */
export async function verifyAgainstDummy(secret: string): Promise<false> {
  dummy ??= hashSecret('quanzi-dummy-password-for-timing');
  await verifySecret(await dummy, secret);
  return false;
}
