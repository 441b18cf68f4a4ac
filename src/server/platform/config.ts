import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The whole configuration, validated once at start-up. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset → SQLite file in dataDir; `postgres://…` → PostgreSQL. */
  databaseUrl: string | null;
  /** Unset → in-process pub/sub. */
  redisUrl: string | null;
  /** Prefix of every Redis key and channel this deployment uses (several may share one Redis). */
  redisNamespace: string;
  demoData: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Requests per minute per client (token or address) across the API. */
  rateLimitPerMinute: number;
  /** Requests per minute per address to the log-in and register routes. */
  authRateLimitPerMinute: number;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** Mark the session cookie Secure (set when served over HTTPS). */
  cookieSecure: boolean;
  /** How long a session lasts without use, in days. */
  sessionDays: number;
  /** Threads plus replies one person may post per minute (moderators are exempt). */
  postsPerMinute: number;
  /** Words that hold a post for moderator review in every group (lower-cased). */
  wordFilter: string[];
  /** Where people reach the web client (links in calendars and notifications). */
  publicUrl: string;
  /**
   * Origins whose pages may act with the session cookie: PUBLIC_URL's origin, plus any listed in
   * TRUSTED_ORIGINS (a dev server on another port). Serialised like the Origin header.
   */
  trustedOrigins: string[];
  /** The platform's fee on an activity's payout, in basis points (300 = 3%). */
  platformFeeBps: number;
  /** Hours after an activity completes before its escrow is paid out to the organizer. */
  payoutHoldHours: number;
  /**
   * Which proxies' X-Forwarded-For to believe for the client's address (Fastify's
   * `trustProxy`): false (none), a hop count, or addresses/CIDRs of the proxies.
   */
  trustProxy: boolean | number | string[];
  /**
   * SQLite: read-only reader processes that run reads outside transactions, off the event loop;
   * 0 runs every query on the one connection of the main thread.
   */
  sqliteReaders: number;
  /** The longest one database query may take, in ms; past it the request gets 503 query_timeout. */
  queryTimeoutMs: number;
  /** SQLite: the WAL checkpointer thread's interval in ms; 0 leaves it to SQLite's own. */
  walCheckpointMs: number;
  /** The argon2id cost of new password and PIN hashes (accounts/password.ts). */
  passwordHash: PasswordHashCost;
}

/** argon2id's cost: memory in KiB (`m=`) and passes over it (`t=`). */
export interface PasswordHashCost {
  memoryKib: number;
  passes: number;
}

/** OWASP's minimum for argon2id: 19 MiB, 2 passes (one lane). The production default. */
export const DEFAULT_PASSWORD_HASH_COST: Readonly<PasswordHashCost> = Object.freeze({
  memoryKib: 19_456,
  passes: 2,
});
/** argon2's own floor: 8 KiB per lane (quanzi hashes with one). Far below OWASP: tests only. */
export const MIN_PASSWORD_HASH_MEMORY_KIB = 8;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = str(env, name)?.toLowerCase();
  if (raw === undefined) return def;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function redisNamespace(env: Env): string {
  const raw = str(env, 'REDIS_NAMESPACE') ?? 'quanzi';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw))
    throw new ConfigError(
      'REDIS_NAMESPACE',
      `must be 1–64 letters, digits, "_", "." or "-", got "${raw}"`,
    );
  return raw;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = str(env, name);
  if (raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** A comma-separated list of http(s) origins (no path), each as the Origin header writes it. */
function origins(env: Env, name: string): string[] {
  const raw = str(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      let parsed: URL;
      try {
        parsed = new URL(o);
      } catch {
        throw new ConfigError(name, `has "${o}", which is not a valid URL`);
      }
      if (!['http:', 'https:'].includes(parsed.protocol)) {
        throw new ConfigError(name, `has "${o}"; origins start with http:// or https://`);
      }
      if (parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username) {
        throw new ConfigError(name, `has "${o}"; an origin is scheme://host[:port] only`);
      }
      return parsed.origin;
    });
}

/**
 * One reader per core plus the quick lane, at least 2 and at most 5 (each is a process with its
 * own cache). Measured at city scale on 2 cores: 3 readers serve nearby 1.6× and the community
 * tab 2.4× faster than 2, since with 2 only one of them takes slow reads.
 */
const DEFAULT_SQLITE_READERS = Math.max(2, Math.min(5, os.availableParallelism() + 1));

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the configuration; throws ConfigError naming the variable at fault. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = (str(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(logLevels as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${logLevels.join(', ')}`);
  }
  const host = str(env, 'HOST') ?? '127.0.0.1';
  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://${host}:${port}`;
  return {
    port,
    publicUrl,
    trustedOrigins: [...new Set([new URL(publicUrl).origin, ...origins(env, 'TRUSTED_ORIGINS')])],
    host,
    dataDir: path.resolve(str(env, 'DATA_DIR') ?? './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisNamespace: redisNamespace(env),
    demoData: bool(env, 'DEMO_DATA', true),
    logLevel: logLevel as Config['logLevel'],
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 10_000_000),
    authRateLimitPerMinute: int(env, 'AUTH_RATE_LIMIT_PER_MINUTE', 30, 1, 10_000_000),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    cookieSecure: bool(env, 'COOKIE_SECURE', false),
    sessionDays: int(env, 'SESSION_DAYS', 30, 1, 365),
    postsPerMinute: int(env, 'POSTS_PER_MINUTE', 10, 1, 100_000),
    platformFeeBps: int(env, 'PLATFORM_FEE_BPS', 300, 0, 10_000),
    payoutHoldHours: int(env, 'PAYOUT_HOLD_HOURS', 24, 0, 24 * 90),
    wordFilter: (str(env, 'WORD_FILTER') ?? '')
      .split(',')
      .map((w) => w.trim().toLowerCase())
      .filter(Boolean),
    trustProxy: trustProxy(env),
    sqliteReaders: int(env, 'SQLITE_READERS', DEFAULT_SQLITE_READERS, 0, 64),
    queryTimeoutMs: int(env, 'QUERY_TIMEOUT_MS', 5000, 10, 600_000),
    walCheckpointMs: int(env, 'WAL_CHECKPOINT_MS', 1000, 0, 3_600_000),
    // Lower than the default weakens every password and PIN hash made: for tests only.
    passwordHash: {
      memoryKib: int(
        env,
        'PASSWORD_HASH_MEMORY_KIB',
        DEFAULT_PASSWORD_HASH_COST.memoryKib,
        MIN_PASSWORD_HASH_MEMORY_KIB,
        4_194_304,
      ),
      passes: int(env, 'PASSWORD_HASH_PASSES', DEFAULT_PASSWORD_HASH_COST.passes, 1, 100),
    },
  };
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY: unset/false, true, a hop count, or comma-separated addresses, CIDRs or names. */
function trustProxy(env: Env): Config['trustProxy'] {
  const raw = str(env, 'TRUST_PROXY');
  if (raw === undefined) return false;
  if (/^\d+$/.test(raw)) return int(env, 'TRUST_PROXY', 0, 0, 100);
  if (/^(true|false|yes|no|on|off)$/i.test(raw)) return bool(env, 'TRUST_PROXY', false);
  const entries = raw.split(',').map((e) => e.trim());
  for (const e of entries) {
    const [address, prefix, extra] = e.split('/');
    const family = isIP(address ?? '');
    const prefixOk =
      prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!(PROXY_NAMES.includes(e) || (family !== 0 && prefixOk && extra === undefined))) {
      throw new ConfigError(
        'TRUST_PROXY',
        `must be true, false, a hop count, or addresses/CIDRs (${PROXY_NAMES.join(', ')}); got "${e}"`,
      );
    }
  }
  return entries;
}
