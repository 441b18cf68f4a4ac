/**
 * People as others and they themselves see them: the public profile, the summary other modules
 * show (id, username, display name), and reading and editing one's own profile (`/me`).
 */
import type { Me, PublicProfile, UpdateMeBody } from '../../../shared/api/accounts.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { UserRow } from '../../platform/db/tables.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, invalidInput, notFound } from '../../platform/http/errors.ts';
import type { AccountsRepository } from './accounts.repository.ts';
import type { AccountsContext } from './accounts.context.ts';

export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
}

/** Display text as stored: Unicode NFC, trimmed. */
export const cleanText = (s: string) => s.normalize('NFC').trim();

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

/** The viewer's own profile and others' public ones. */
export class Profiles {
  constructor(private readonly ctx: AccountsContext) {}

  async getMe(viewer: Viewer): Promise<Me> {
    const u = await this.ctx.users.findUserById(viewer.userId);
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
    await this.ctx.users.updateUser(viewer.userId, update);
    return this.getMe(viewer);
  }

  async getProfile(id: string): Promise<PublicProfile> {
    const u = await this.ctx.users.findUserById(id);
    if (!u) throw notFound('No such user.');
    return toPublicProfile(u);
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
