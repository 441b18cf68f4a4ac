import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/server/platform/config.ts';
import { testConfig } from './support/context.ts';

describe('configuration', () => {
  it('has defaults for the embedded set-up', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: null,
      redisUrl: null,
      demoData: true,
      logLevel: 'info',
    });
    expect(c.dataDir).toMatch(/data$/);
  });

  it('reads TRUST_PROXY as off, on, a hop count or proxy addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '::1',
    ]);
  });

  it('reads PostgreSQL and Redis URLs', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@h:5432/db',
      REDIS_URL: 'redis://h:6379',
      DEMO_DATA: 'off',
    });
    expect(c.databaseUrl).toBe('postgres://u@h:5432/db');
    expect(c.redisUrl).toBe('redis://h:6379');
    expect(c.demoData).toBe(false);
  });

  it("hashes passwords at OWASP's minimum by default; PASSWORD_HASH_* change it", () => {
    expect(loadConfig({}).passwordHash).toEqual({ memoryKib: 19_456, passes: 2 });
    expect(
      loadConfig({ PASSWORD_HASH_MEMORY_KIB: '65536', PASSWORD_HASH_PASSES: '3' }).passwordHash,
    ).toEqual({ memoryKib: 65_536, passes: 3 });
    // argon2's least, which the tests use (vitest.config.ts) and testConfig passes on.
    expect(
      loadConfig({ PASSWORD_HASH_MEMORY_KIB: '8', PASSWORD_HASH_PASSES: '1' }).passwordHash,
    ).toEqual({ memoryKib: 8, passes: 1 });
    expect(testConfig().passwordHash).toEqual({ memoryKib: 8, passes: 1 });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://h'],
    ['DEMO_DATA', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['TRUST_PROXY', 'the proxy'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '127.0.0.1,nonsense'],
    ['PASSWORD_HASH_MEMORY_KIB', '7'],
    ['PASSWORD_HASH_MEMORY_KIB', '0'],
    ['PASSWORD_HASH_MEMORY_KIB', '19 MiB'],
    ['PASSWORD_HASH_MEMORY_KIB', '-64'],
    ['PASSWORD_HASH_PASSES', '0'],
    ['PASSWORD_HASH_PASSES', '1.5'],
  ])('stops on %s=%s with a message naming the variable', (name, value) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(name);
    expect((err as Error).message).toContain(name);
  });
});
