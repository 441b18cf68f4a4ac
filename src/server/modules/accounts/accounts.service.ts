import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type {
  BlockedUser,
  Me,
  PublicProfile,
  RegisterBody,
  UpdateMeBody,
} from '../../../shared/api/accounts.ts';
import type { Static } from 'typebox';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import type { UserRow } from '../../platform/db/tables.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, forbidden, invalidInput, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, keysetPage, toPage } from '../../platform/http/pagination.ts';
import { accountsPolicy } from './accounts.policy.ts';
import { AccountsRepository } from './accounts.repository.ts';
import { hashSecret, verifyAgainstDummy, verifySecret } from './password.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
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

export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
}

export interface SiteBanView {
  user: UserSummary;
  reason: string;
  until: string | null;
  bannedAt: string;
}

export interface Session {
  token: string;
  expiresAt: number;
  user: { id: string; username: string; displayName: string };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** Addresses are kept only as a hash, for the log-in limits. */
const hashAddress = (address: string) =>
  createHash('sha256').update(`quanzi-address:${address}`).digest('hex');

const cleanText = (s: string) => s.normalize('NFC').trim();

export function toPublicProfile(u: UserRow): PublicProfile {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    avatarUrl: u.avatarUrl,
    bio: u.bio,
    homeCity: u.homeCity,
  };
}

/** Registration, log-in, sessions, profiles and blocks. */
export class AccountsService {
  private readonly repo: AccountsRepository;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessionDays: number,
  ) {
    this.repo = new AccountsRepository(uow.db);
  }

  async register(body: RegisterBody, address: string): Promise<Session> {
    const displayName = cleanText(body.displayName);
    if (!displayName) throw invalidInput('displayName must not be blank.');
    if (await this.repo.findUserByUsername(body.username)) throw new AppError('username_taken');
    const passwordHash = await hashSecret(body.password);
    const now = Date.now();
    const id = uuidv7();
    try {
      await this.uow.run(async (trx) => {
        await this.repo.with(trx).insertUser({
          id,
          username: body.username,
          usernameLower: body.username.toLowerCase(),
          displayName,
          passwordHash,
          avatarUrl: null,
          bio: '',
          homeCity: null,
          locale: 'zh-CN',
          role: 'user',
          messagePolicy: 'everyone',
          communitySeenAt: 0,
          createdAt: now,
          updatedAt: now,
        });
        await recordEvent(trx, 'user.registered', { userId: id });
      });
    } catch (err) {
      // Two registrations of one name at once: the unique index decides.
      if (isUniqueViolation(err)) throw new AppError('username_taken');
      throw err;
    }
    return this.openSession({ id, username: body.username, displayName }, address);
  }

  /** Whether this is the person's login password (for re-authentication, e.g. a PIN reset). */
  async verifyPassword(userId: string, password: string): Promise<boolean> {
    const user = await this.repo.findUserById(userId);
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
    const user = await this.repo.findUserByUsername(username);
    const known =
      user !== undefined &&
      (await this.repo.knownAddress(user.id, hashAddress(address), now - KNOWN_ADDRESS_MS));
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
        await this.repo.releaseAttempt(addressKey, addressSlot.windowStartedAt, ADDRESS_LIMITS.max);
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
      if (accountSlot.lockedUntil > 0) await this.repo.lock(accountKey, at + ACCOUNT_LOCK_MS);
      if (addressSlot && addressSlot.lockedUntil > 0) {
        await this.repo.lock(addressKey, at + ADDRESS_COOL_DOWN_MS);
      }
      throw new AppError('invalid_credentials');
    }
    await this.repo.clearThrottle(accountKey);
    await releaseAddress();
    await this.assertNotBanned(user.id, Date.now());
    return this.openSession(user, address);
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
    const slot = await this.repo.reserveAttempt(key, now, {
      ...limits,
      lockMs: CHECK_IN_FLIGHT_LOCK_MS,
    });
    if (slot) return slot;
    const row = await this.repo.getThrottle(key);
    const left = (row?.lockedUntil ?? 0) - Date.now(); // read after the row: never over the lock
    const seconds = Math.max(1, Math.ceil(left / 1000));
    throw new AppError(code, message, { headers: { 'retry-after': String(seconds) } });
  }

  private async openSession(user: Session['user'], address: string): Promise<Session> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.repo.rememberAddress(user.id, hashAddress(address), now);
    const expiresAt = now + this.sessionDays * DAY;
    await this.repo.insertSession({
      id: uuidv7(),
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      expiresAt,
    });
    return {
      token,
      expiresAt,
      user: { id: user.id, username: user.username, displayName: user.displayName },
    };
  }

  /** The viewer behind a raw token; sessions slide forward at most once an hour. */
  async resolveSession(token: string): Promise<Viewer | null> {
    if (token.length > 128) return null;
    const row = await this.repo.findSessionByTokenHash(hashToken(token));
    const now = Date.now();
    if (!row) return null;
    if (row.expiresAt <= now) {
      await this.repo.deleteSession(row.sessionId);
      return null;
    }
    if (row.bannedAt !== null && (row.bannedUntil === null || row.bannedUntil > now)) return null;
    if (now - row.lastSeenAt > HOUR) {
      await this.repo.touchSession(row.sessionId, now, now + this.sessionDays * DAY);
    }
    return { userId: row.userId, role: row.role, sessionId: row.sessionId };
  }

  /** Ends this session; its open stream sockets are closed too (after commit, on every process). */
  async logout(viewer: Viewer): Promise<void> {
    await this.uow.run(async (trx) => {
      await this.repo.with(trx).deleteSession(viewer.sessionId);
      await recordEvent(trx, 'session.ended', {
        userId: viewer.userId,
        sessionId: viewer.sessionId,
      });
    });
  }

  /** Refuses a person banned site-wide (403 account_banned, with when the ban ends). */
  private async assertNotBanned(userId: string, now: number): Promise<void> {
    const ban = await this.repo.findSiteBan(userId);
    if (ban && (ban.until === null || ban.until > now)) {
      throw new AppError('account_banned', undefined, {
        details: { until: ban.until === null ? null : toIsoWithOffset(ban.until) },
      });
    }
  }

  /**
   * Bans a person site-wide (operators; never an operator): they cannot log in, every session
   * ends (its stream sockets are closed after commit) and so every write is refused.
   */
  async siteBan(
    viewer: Viewer,
    targetId: string,
    reason: string,
    until: number | null,
  ): Promise<SiteBanView> {
    accountsPolicy.assertOperator(viewer);
    const target = await this.repo.findUserById(targetId);
    if (!target) throw notFound('No such user.');
    if (target.role === 'operator') throw forbidden('Operators cannot be banned.');
    const text = cleanText(reason);
    if (!text) throw invalidInput('reason must not be blank.');
    const now = Date.now();
    if (until !== null && until <= now) throw invalidInput('until must be in the future.');
    await this.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      await repo.upsertSiteBan({
        userId: targetId,
        reason: text,
        until,
        bannedBy: viewer.userId,
        createdAt: now,
      });
      for (const sessionId of await repo.deleteSessionsOf(targetId)) {
        await recordEvent(trx, 'session.ended', { userId: targetId, sessionId });
      }
    });
    return {
      user: { id: target.id, username: target.username, displayName: target.displayName },
      reason: text,
      until: until === null ? null : toIsoWithOffset(until),
      bannedAt: toIsoWithOffset(now),
    };
  }

  /** Lifts a site ban (operators); 404 when there is none. */
  async liftSiteBan(viewer: Viewer, targetId: string): Promise<void> {
    accountsPolicy.assertOperator(viewer);
    if (!(await this.repo.deleteSiteBan(targetId))) throw notFound('This person is not banned.');
  }

  /** Bans in force, newest first (operators). */
  async listSiteBans(viewer: Viewer, limit: number, cursor?: string) {
    accountsPolicy.assertOperator(viewer);
    const page = await keysetPage(
      'site-bans',
      limit,
      cursor,
      (after) =>
        this.repo.listSiteBans(Date.now(), limit, after && { createdAt: after[0], id: after[1] }),
      (r) => [r.createdAt, r.id],
    );
    return {
      items: page.items.map((r): SiteBanView => ({
        user: { id: r.id, username: r.username, displayName: r.displayName },
        reason: r.reason,
        until: r.until === null ? null : toIsoWithOffset(r.until),
        bannedAt: toIsoWithOffset(r.createdAt),
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** Makes a person an operator or a user again (`npm run operator`); false if unknown. */
  async setRoleByUsername(username: string, role: 'user' | 'operator'): Promise<boolean> {
    const u = await this.repo.findUserByUsername(username);
    if (!u) return false;
    await this.repo.setRole(u.id, role, Date.now());
    return true;
  }

  listOperators() {
    return this.repo.listByRole('operator');
  }

  async getMe(viewer: Viewer): Promise<Me> {
    const u = await this.repo.findUserById(viewer.userId);
    if (!u) throw new AppError('unauthenticated');
    return this.toMe(u);
  }

  async updateMe(viewer: Viewer, patch: UpdateMeBody): Promise<Me> {
    const update: Parameters<AccountsRepository['updateUser']>[1] = { updatedAt: Date.now() };
    if (patch.displayName !== undefined) {
      const name = cleanText(patch.displayName);
      if (!name) throw invalidInput('displayName must not be blank.');
      update.displayName = name;
    }
    if (patch.avatarUrl !== undefined) update.avatarUrl = patch.avatarUrl;
    if (patch.bio !== undefined) update.bio = patch.bio.normalize('NFC').trim();
    if (patch.homeCity !== undefined) {
      const city = patch.homeCity === null ? null : cleanText(patch.homeCity);
      update.homeCity = city || null;
    }
    if (patch.locale !== undefined) update.locale = patch.locale;
    if (patch.messagePolicy !== undefined) update.messagePolicy = patch.messagePolicy;
    await this.repo.updateUser(viewer.userId, update);
    return this.getMe(viewer);
  }

  async getProfile(id: string): Promise<PublicProfile> {
    const u = await this.repo.findUserById(id);
    if (!u) throw notFound('No such user.');
    return toPublicProfile(u);
  }

  async block(viewer: Viewer, targetId: string): Promise<void> {
    accountsPolicy.assertCanBlock(viewer, targetId);
    if (!(await this.repo.findUserById(targetId))) throw notFound('No such user.');
    await this.uow.run(async (trx) => {
      if (await this.repo.with(trx).insertBlock(viewer.userId, targetId, Date.now())) {
        await recordEvent(trx, 'user.blocked', { blockerId: viewer.userId, blockedId: targetId });
      }
    });
  }

  async unblock(viewer: Viewer, targetId: string): Promise<void> {
    if (!(await this.repo.findUserById(targetId))) throw notFound('No such user.');
    await this.uow.run(async (trx) => {
      if (await this.repo.with(trx).deleteBlock(viewer.userId, targetId)) {
        await recordEvent(trx, 'user.unblocked', { blockerId: viewer.userId, blockedId: targetId });
      }
    });
  }

  async listBlocks(viewer: Viewer, limit: number, cursor?: string) {
    const after = cursor
      ? decodeCursor('blocks', cursor, ['number', 'string'] as const)
      : undefined;
    const rows = await this.repo.listBlocks(
      viewer.userId,
      limit,
      after && { createdAt: after[0], id: after[1] },
    );
    return toPage(
      rows,
      limit,
      (r): Static<typeof BlockedUser> => ({
        user: { id: r.id, username: r.username, displayName: r.displayName },
        blockedAt: toIsoWithOffset(r.createdAt),
      }),
      (r) => encodeCursor('blocks', [r.createdAt, r.id]),
    );
  }

  /** Summaries of users by id (one query); unknown ids are absent from the map. */
  async summaries(ids: readonly string[], db?: Executor): Promise<Map<string, UserSummary>> {
    const rows = await this.repoFor(db).findSummaries(ids);
    return new Map(
      rows.map((r) => [r.id, { id: r.id, username: r.username, displayName: r.displayName }]),
    );
  }

  /** Users by lower-cased username, for @mentions. */
  async byUsernames(
    namesLower: readonly string[],
  ): Promise<(UserSummary & { usernameLower: string })[]> {
    return this.repo.findByUsernamesLower(namesLower);
  }

  /** Who may start a conversation with this person. */
  async messagePolicy(userId: string): Promise<'everyone' | 'groups' | 'nobody' | null> {
    return (await this.repo.findUserById(userId))?.messagePolicy ?? null;
  }

  /** Notes that the person opened the Interest Community tab; returns when they last had. */
  async markCommunitySeen(userId: string, now: number, db?: Executor): Promise<void> {
    await this.repoFor(db).updateUser(userId, { communitySeenAt: now });
  }

  async communitySeenAt(userId: string, db?: Executor): Promise<number> {
    return (await this.repoFor(db).findUserById(userId))?.communitySeenAt ?? 0;
  }

  /** Ids of the people the viewer has blocked (their content is hidden from the viewer). */
  blockedIds(userId: string, db?: Executor): Promise<string[]> {
    return this.repoFor(db).blockedIds(userId);
  }

  /** Has `blockerId` blocked `blockedId`? (Their actions then do not notify the blocker.) */
  hasBlocked(blockerId: string, blockedId: string, db?: Executor): Promise<boolean> {
    return this.repoFor(db).hasBlocked(blockerId, blockedId);
  }

  /**
   * Inside a transaction, reads must use it: on SQLite a query on the shared connection would
   * wait for the very transaction that is waiting for it.
   */
  private repoFor(db?: Executor): AccountsRepository {
    return db ? this.repo.with(db) : this.repo;
  }

  /** True when either person blocked the other (for other modules' policies). */
  blockedAmong(userId: string, others: readonly string[], db?: Executor): Promise<Set<string>> {
    return this.repoFor(db).blockedAmong(userId, others);
  }

  eitherBlocked(a: string, b: string): Promise<boolean> {
    return this.repo.eitherBlocked(a, b);
  }

  countUsers(): Promise<number> {
    return this.repo.countUsers();
  }

  private toMe(u: UserRow): Me {
    return {
      ...toPublicProfile(u),
      locale: u.locale === 'en' ? 'en' : 'zh-CN',
      role: u.role,
      messagePolicy: u.messagePolicy,
      createdAt: toIsoWithOffset(u.createdAt),
    };
  }
}
