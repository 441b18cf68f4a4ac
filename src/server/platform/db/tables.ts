/**
 * Row types of every table, as Kysely sees them (camelCase in TypeScript, snake_case in SQL via
 * CamelCasePlugin). Times are integer milliseconds since the epoch (UTC); flags are 0/1 integers
 * so that SQLite and PostgreSQL store and return exactly the same values.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { SearchTables } from './tables-search.ts';

export interface UsersTable {
  id: string;
  username: string;
  usernameLower: string;
  displayName: string;
  passwordHash: string;
  avatarUrl: string | null;
  bio: string;
  homeCity: string | null;
  locale: string;
  role: 'user' | 'operator';
  createdAt: number;
  updatedAt: number;
}

export interface SessionsTable {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface UserBlocksTable {
  blockerId: string;
  blockedId: string;
  createdAt: number;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  windowStartedAt: number;
  lockedUntil: number;
}

export interface InterestCategoriesTable {
  id: string;
  nameZh: string;
  nameEn: string;
  position: number;
}

export interface InterestsTable {
  id: string;
  categoryId: string;
  nameZh: string;
  nameEn: string;
  position: number;
}

export interface UserInterestsTable {
  userId: string;
  interestId: string;
  /** 0…1: 1 when chosen by the person, raised by behaviour for learned interests. */
  weight: number;
  /** 1 when the person picked it, 0 when it was only learned. */
  chosen: number;
  updatedAt: number;
}

export interface OutboxEventsTable {
  id: string;
  type: string;
  payload: string;
  createdAt: number;
  dispatchedAt: number | null;
  attempts: number;
  availableAt: number;
  lastError: string | null;
}

export interface Database extends SearchTables {
  users: UsersTable;
  sessions: SessionsTable;
  userBlocks: UserBlocksTable;
  authThrottle: AuthThrottleTable;
  interestCategories: InterestCategoriesTable;
  interests: InterestsTable;
  userInterests: UserInterestsTable;
  outboxEvents: OutboxEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
