import type {
  Me,
  PublicProfile,
  RegisterBody,
  UpdateMeBody,
} from '../../../shared/api/accounts.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AccountsContext } from './accounts.context.ts';
import type { AccountsRepository } from './accounts.repository.ts';
import { Blocks } from './blocks.ts';
import { Login } from './login.ts';
import { Profiles, type UserSummary } from './profiles.ts';
import { register } from './registration.ts';
import { Sessions, type Session } from './sessions.ts';
import { SiteBans, type SiteBanView } from './site-bans.ts';

// What this file exported before accounts was split by use case, for its importers.
export {
  ACCOUNT_LOCK_MS,
  ACCOUNT_MAX_FAILURES,
  ADDRESS_COOL_DOWN_MS,
  ADDRESS_MAX_FAILURES,
  CHECK_IN_FLIGHT_LOCK_MS,
  KNOWN_ADDRESS_MS,
} from './login.ts';
export { toPublicProfile, type UserSummary } from './profiles.ts';
export type { Session } from './sessions.ts';
export type { SiteBanView } from './site-bans.ts';

/**
 * Registration, log-in, sessions, profiles and blocks.
 *
 * A facade over the use cases: registration.ts, login.ts (the log-in limits), sessions.ts,
 * site-bans.ts, profiles.ts and blocks.ts; what other modules read about people (summaries,
 * message settings, the community tab) is here.
 */
export class AccountsService {
  private readonly ctx: AccountsContext;
  private readonly repo: AccountsRepository;
  private readonly sessions: Sessions;
  private readonly bans: SiteBans;
  private readonly logins: Login;
  private readonly profiles: Profiles;
  private readonly blocks: Blocks;

  constructor(uow: UnitOfWork, sessionDays: number) {
    this.ctx = new AccountsContext(uow, sessionDays);
    this.repo = this.ctx.users;
    this.sessions = new Sessions(this.ctx);
    this.bans = new SiteBans(this.ctx);
    this.logins = new Login(this.ctx, this.sessions, this.bans);
    this.profiles = new Profiles(this.ctx);
    this.blocks = new Blocks(this.ctx);
  }

  register(body: RegisterBody, address: string): Promise<Session> {
    return register(this.ctx, this.sessions, body, address);
  }

  /** Whether this is the person's login password (for re-authentication, e.g. a PIN reset). */
  verifyPassword(userId: string, password: string): Promise<boolean> {
    return this.logins.verifyPassword(userId, password);
  }

  /** Checks the password under the per-account and per-address limits (login.ts). */
  login(username: string, password: string, address: string): Promise<Session> {
    return this.logins.login(username, password, address);
  }

  /** The viewer behind a raw token; sessions slide forward at most once an hour. */
  resolveSession(token: string): Promise<Viewer | null> {
    return this.sessions.resolve(token);
  }

  /** Ends this session; its open stream sockets are closed too (after commit, on every process). */
  logout(viewer: Viewer): Promise<void> {
    return this.sessions.logout(viewer);
  }

  /** Bans a person site-wide (operators; never an operator); every session of theirs ends. */
  siteBan(
    viewer: Viewer,
    targetId: string,
    reason: string,
    until: number | null,
  ): Promise<SiteBanView> {
    return this.bans.siteBan(viewer, targetId, reason, until);
  }

  /** Lifts a site ban (operators); 404 when there is none. */
  liftSiteBan(viewer: Viewer, targetId: string): Promise<void> {
    return this.bans.liftSiteBan(viewer, targetId);
  }

  /** Bans in force, newest first (operators). */
  listSiteBans(viewer: Viewer, limit: number, cursor?: string) {
    return this.bans.listSiteBans(viewer, limit, cursor);
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

  getMe(viewer: Viewer): Promise<Me> {
    return this.profiles.getMe(viewer);
  }

  updateMe(viewer: Viewer, patch: UpdateMeBody): Promise<Me> {
    return this.profiles.updateMe(viewer, patch);
  }

  getProfile(id: string): Promise<PublicProfile> {
    return this.profiles.getProfile(id);
  }

  block(viewer: Viewer, targetId: string): Promise<void> {
    return this.blocks.block(viewer, targetId);
  }

  unblock(viewer: Viewer, targetId: string): Promise<void> {
    return this.blocks.unblock(viewer, targetId);
  }

  listBlocks(viewer: Viewer, limit: number, cursor?: string) {
    return this.blocks.listBlocks(viewer, limit, cursor);
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
    return this.blocks.blockedIds(userId, db);
  }

  /** Has `blockerId` blocked `blockedId`? (Their actions then do not notify the blocker.) */
  hasBlocked(blockerId: string, blockedId: string, db?: Executor): Promise<boolean> {
    return this.blocks.hasBlocked(blockerId, blockedId, db);
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
    return this.blocks.blockedAmong(userId, others, db);
  }

  eitherBlocked(a: string, b: string): Promise<boolean> {
    return this.blocks.eitherBlocked(a, b);
  }

  countUsers(): Promise<number> {
    return this.repo.countUsers();
  }
}
