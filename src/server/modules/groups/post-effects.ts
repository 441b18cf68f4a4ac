/**
 * What writing, holding, approving or deleting a post changes beyond its own row, shared by the
 * thread and post use cases: the new post row, the search index (a thread's opening post, a
 * reply), a thread's reply count, score and hot rank, taking a post out of counts, lists and
 * search, and the post.created / post.mentioned events.
 */
import type { Trx } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UserSummary } from '../accounts/index.ts';
import type { ForumContext } from './forum.context.ts';
import type { ThreadRow } from './forum.repository.ts';
import type { GroupAccess } from './groups.policy.ts';
import { plainExcerpt } from './markdown.ts';
import type { PostRow } from './posts.repository.ts';

/** A new post row: visible, or held for review by the word filter. */
export function newPost(p: {
  id: string;
  threadId: string;
  groupId: string;
  authorId: string;
  seq: number;
  replyToId: string | null;
  body: string;
  bodyHtml: string;
  held: boolean;
  now: number;
}) {
  return {
    id: p.id,
    threadId: p.threadId,
    groupId: p.groupId,
    authorId: p.authorId,
    seq: p.seq,
    replyToId: p.replyToId,
    body: p.body,
    bodyHtml: p.bodyHtml,
    excerpt: plainExcerpt(p.body),
    status: p.held ? ('held' as const) : ('visible' as const),
    reactionCounts: '{}',
    editCount: 0,
    createdAt: p.now,
    editedAt: null,
    deletedAt: null,
  };
}

export function indexThread(
  forum: ForumContext,
  trx: Trx,
  a: GroupAccess,
  threadId: string,
  title: string,
  body: string,
  createdAt: number,
) {
  return forum.deps.search.upsert(trx, {
    kind: 'thread',
    id: threadId,
    resultId: threadId,
    groupId: a.group.id,
    restricted: a.group.visibility === 'approval',
    title,
    body,
    createdAt,
  });
}

export function indexReply(
  forum: ForumContext,
  trx: Trx,
  a: GroupAccess,
  post: { id: string; threadId: string; body: string; createdAt: number },
) {
  return forum.deps.search.upsert(trx, {
    kind: 'post',
    id: post.id,
    resultId: post.threadId,
    groupId: a.group.id,
    restricted: a.group.visibility === 'approval',
    title: '',
    body: post.body,
    createdAt: post.createdAt,
  });
}

export async function recordPostEvents(
  forum: ForumContext,
  trx: Trx,
  e: {
    postId: string;
    threadId: string;
    groupId: string;
    authorId: string;
    threadAuthorId: string;
    replyToId: string | null;
    replyToAuthorId: string | null;
    held: boolean;
    mentioned: UserSummary[];
  },
) {
  const { mentioned, ...rest } = e;
  const interestIds = await forum.deps.groups.interestIds(e.groupId, trx);
  await recordEvent(trx, 'post.created', { ...rest, interestIds });
  if (mentioned.length && !e.held) {
    await recordEvent(trx, 'post.mentioned', {
      postId: e.postId,
      threadId: e.threadId,
      groupId: e.groupId,
      authorId: e.authorId,
      userIds: mentioned.map((u) => u.id),
    });
  }
}

/** Adds or removes one visible reply on a thread: counts, score, hot rank, last post time. */
export async function countReply(
  forum: ForumContext,
  trx: Trx,
  threadId: string,
  delta: 1 | -1,
  now: number,
) {
  const repo = forum.threads.with(trx);
  const t = (await repo.lockThread(threadId))!;
  const replyCount = Math.max(0, t.replyCount + delta);
  await repo.setEngagement(t, { replyCount }, now, delta > 0 ? now : undefined);
}

/** Takes a visible post out of counts, lists and search (on hold or delete). */
export async function hide(
  forum: ForumContext,
  trx: Trx,
  a: GroupAccess,
  post: PostRow,
  thread: ThreadRow,
  status: 'held' | 'deleted' = 'held',
) {
  const now = Date.now();
  if (post.seq === 1) {
    await forum.threads.with(trx).updateThread(thread.id, { status, updatedAt: now });
    if (thread.status === 'visible') await forum.deps.groups.threadCounted(trx, a.group.id, -1);
    await forum.deps.search.remove(trx, 'thread', thread.id);
  } else {
    if (post.status === 'visible') await countReply(forum, trx, thread.id, -1, now);
    await forum.deps.search.remove(trx, 'post', post.id);
  }
}
