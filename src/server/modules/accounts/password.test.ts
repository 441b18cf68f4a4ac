import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_HASH_COST, loadConfig } from '../../platform/config.ts';
import {
  configurePasswordHashing,
  hashSecret,
  passwordHashCost,
  verifyAgainstDummy,
  verifySecret,
} from './password.ts';

/** The `m=…,t=…,p=…` parameters a PHC-format hash records. */
const params = (stored: string) => /\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored)!.slice(1).map(Number);

// The tests in this file run in order on one module instance: the first sees the unconfigured
// production default, the later ones configure the test cost.
describe('password hashing (argon2id)', () => {
  it("hashes with OWASP's minimum, 19 MiB and 2 passes, until configured otherwise", async () => {
    expect(DEFAULT_PASSWORD_HASH_COST).toEqual({ memoryKib: 19_456, passes: 2 });
    expect(loadConfig({}).passwordHash).toEqual({ memoryKib: 19_456, passes: 2 });
    expect(passwordHashCost()).toEqual({ memoryKib: 19_456, passes: 2 });
    const stored = await hashSecret('correct horse');
    expect(stored).toMatch(/^\$argon2id\$v=19\$/);
    expect(params(stored)).toEqual([19_456, 2, 1]);
    expect(await verifySecret(stored, 'correct horse')).toBe(true);
    expect(await verifySecret(stored, 'correct horsE')).toBe(false);
  });

  it('hashes with the configured test cost, and those hashes verify', async () => {
    // The cost vitest.config.ts sets for the tests, read as start-up reads it.
    const cost = loadConfig(process.env).passwordHash;
    expect(cost).toEqual({ memoryKib: 8, passes: 1 });
    configurePasswordHashing(cost);
    expect(passwordHashCost()).toEqual(cost);
    const stored = await hashSecret('246810');
    expect(stored).toMatch(/^\$argon2id\$v=19\$/);
    expect(params(stored)).toEqual([8, 1, 1]);
    expect(await verifySecret(stored, '246810')).toBe(true);
    expect(await verifySecret(stored, '246811')).toBe(false);
    expect(await verifyAgainstDummy('246810')).toBe(false);
  });

  it('verifies every hash by the cost it records, whatever is configured now', async () => {
    const strong = await hash('old password', { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    configurePasswordHashing({ memoryKib: 8, passes: 1 });
    expect(await verifySecret(strong, 'old password')).toBe(true);
    const cheap = await hashSecret('new password');
    configurePasswordHashing(DEFAULT_PASSWORD_HASH_COST);
    expect(await verifySecret(cheap, 'new password')).toBe(true);
    expect(await verifySecret(strong, 'old password')).toBe(true);
    expect(params(await hashSecret('new password'))).toEqual([19_456, 2, 1]);
  });

  it("refuses a cost below argon2's least (8 KiB a lane, 1 pass)", () => {
    for (const bad of [
      { memoryKib: 7, passes: 1 },
      { memoryKib: 8, passes: 0 },
      { memoryKib: 8.5, passes: 1 },
      { memoryKib: 64, passes: Number.NaN },
    ]) {
      expect(() => configurePasswordHashing(bad)).toThrow(RangeError);
    }
    expect(passwordHashCost()).toEqual(DEFAULT_PASSWORD_HASH_COST);
  });

  it('answers false for a stored value that is no hash', async () => {
    expect(await verifySecret('not a hash', 'x')).toBe(false);
    expect(await verifySecret('', '')).toBe(false);
  });
});
