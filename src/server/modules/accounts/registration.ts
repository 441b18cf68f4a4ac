/**
 * Registration: a new person (the name unique, case-insensitively, decided by the unique index
 * when two register at once), `user.registered`, and their first session.
 */
import { v7 as uuidv7 } from 'uuid';
import type { RegisterBody } from '../../../shared/api/accounts.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import { AppError, invalidInput } from '../../platform/http/errors.ts';
import type { AccountsContext } from './accounts.context.ts';
import { hashSecret } from './password.ts';
import { cleanText } from './profiles.ts';
import type { Session, Sessions } from './sessions.ts';

/** Registers a person and opens their first session. */
export async function register(
  ctx: AccountsContext,
  sessions: Sessions,
  body: RegisterBody,
  address: string,
): Promise<Session> {
  const displayName = cleanText(body.displayName);
  if (!displayName) throw invalidInput('displayName must not be blank.');
  if (await ctx.users.findUserByUsername(body.username)) throw new AppError('username_taken');
  const passwordHash = await hashSecret(body.password);
  const now = Date.now();
  const id = uuidv7();
  try {
    await ctx.uow.run(async (trx) => {
      await ctx.users.with(trx).insertUser({
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
  return sessions.open({ id, username: body.username, displayName }, address);
}
