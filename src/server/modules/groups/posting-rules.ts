/**
 * The rules a new or edited post passes before it is written: the word filter (the group's and
 * the global one; a match holds the post for review) and, for new posts, the per-person rate
 * limit and the group's slow mode.
 */
import type { Trx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ForumContext } from './forum.context.ts';
import { groupsPolicy, type GroupAccess } from './groups.policy.ts';

const RATE_WINDOW_MS = 60_000;

/** The word (from the group's filter or the global one) that holds this text, if any. */
export function filteredWord(
  forum: ForumContext,
  a: GroupAccess,
  ...texts: string[]
): string | null {
  const words = [...(JSON.parse(a.group.wordFilter) as string[]), ...forum.deps.wordFilter];
  const text = texts.join('\n').toLowerCase();
  return words.find((w) => text.includes(w)) ?? null;
}

/** Posting rate limit per person, and the group's slow mode (atomic per member). */
export async function assertMayPost(
  forum: ForumContext,
  trx: Trx,
  a: GroupAccess,
  now: number,
): Promise<void> {
  const userId = a.viewer!.userId;
  if (groupsPolicy.isModerator(a)) {
    await forum.deps.groups.recordPostTime(trx, a.group.id, userId, now);
    return;
  }
  const recent = await forum.posts.with(trx).countPostsSince(userId, now - RATE_WINDOW_MS);
  if (recent >= forum.deps.postsPerMinute) {
    throw new AppError('rate_limited', 'You are posting too fast; wait a minute.', {
      headers: { 'retry-after': '60' },
    });
  }
  const slow = a.group.slowModeSeconds * 1000;
  const ok = await forum.deps.groups.takePostSlot(trx, a.group.id, userId, now, slow);
  if (!ok) {
    const waitMs = slow - (now - (a.membership?.lastPostAt ?? now));
    throw new AppError('slow_mode', undefined, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
    });
  }
}
