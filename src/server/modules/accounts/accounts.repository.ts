import type { Executor } from '../../platform/db/database.ts';
import type { NewUser, UserRow, UserUpdate } from '../../platform/db/tables.ts';

/**
 * SQL for users (sessions, blocks, site bans and log-in limits have their own repositories:
 * sessions.repository.ts, blocks.repository.ts, site-bans.repository.ts,
 * login-limits.repository.ts).
 */
export class AccountsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): AccountsRepository {
    return new AccountsRepository(db);
  }

  async insertUser(user: NewUser): Promise<void> {
    await this.db.insertInto('users').values(user).execute();
  }

  findUserById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findUserByUsername(username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('usernameLower', '=', username.toLowerCase())
      .executeTakeFirst();
  }

  /** id, username and display name of each user, in one query. */
  findSummaries(ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'displayName'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
  }

  findByUsernamesLower(names: readonly string[]) {
    if (names.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'displayName', 'usernameLower'])
      .where('usernameLower', 'in', [...names])
      .execute();
  }

  async updateUser(id: string, patch: UserUpdate): Promise<void> {
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
  }

  countUsers(): Promise<number> {
    return this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }

  /** Sets a person's role (the operator CLI). */
  async setRole(userId: string, role: 'user' | 'operator', now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ role, updatedAt: now })
      .where('id', '=', userId)
      .execute();
  }

  listByRole(role: 'user' | 'operator') {
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'displayName', 'createdAt'])
      .where('role', '=', role)
      .orderBy('usernameLower')
      .execute();
  }
}
