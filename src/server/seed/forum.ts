import { REACTIONS } from '../../shared/api/forum.ts';
import { HOT_REFRESH_WINDOW_MS, hotRank } from '../modules/groups/index.ts';
import {
  counted,
  DAY,
  HOUR,
  NOTIFY_WINDOW_MS,
  type SeedContext,
  type ThreadPlan,
  type World,
} from './context.ts';
import { Rng, WeightedPicker } from './random.ts';
import { searchDocColumns, searchDocRow } from './search-docs.ts';

/** 👍 most, then ❤️ 😂 🎉 😮 😢. */
const emojiPicker = new WeightedPicker([50, 20, 12, 5, 3, 10]);

/**
 * The hot rank a thread has in the app: computed at its last reply, reaction or deletion, and
 * recomputed by the periodic refresh while it is younger than a week (the last refresh: now for
 * a young thread, the end of its first week for an older one).
 */
export function seededHotRank(score: number, createdAt: number, lastEventAt: number, now: number) {
  const refreshed = Math.min(now, createdAt + HOT_REFRESH_WINDOW_MS);
  const at = now - createdAt < HOT_REFRESH_WINDOW_MS ? now : Math.max(lastEventAt, refreshed);
  return hotRank(score, createdAt, at);
}

const POST_COLUMNS = [
  'id',
  'thread_id',
  'group_id',
  'author_id',
  'seq',
  'reply_to_id',
  'body',
  'body_html',
  'excerpt',
  'status',
  'reaction_counts',
  'edit_count',
  'created_at',
  'edited_at',
  'deleted_at',
];
const THREAD_COLUMNS = [
  'id',
  'group_id',
  'author_id',
  'title',
  'status',
  'pinned',
  'locked',
  'post_count',
  'reply_count',
  'reaction_count',
  'score',
  'hot_rank',
  'last_post_at',
  'created_at',
  'updated_at',
];

/**
 * Threads, their posts (opening post and replies, in seq order by time) and reactions, with
 * every count the app keeps: post/reply/reaction counts, score, hot rank, last post time, the
 * group's last activity and each member's last post; search documents for threads and replies;
 * reply notifications of the last week (all of them for the heavy user).
 */
export async function makeForum(ctx: SeedContext, world: World): Promise<void> {
  const { now, sink } = ctx;
  const rng = Rng.for(ctx.seed, 'forum');
  const threads = counted(ctx, world, 'threads', 'threads', THREAD_COLUMNS);
  const posts = counted(ctx, world, 'posts', 'posts', POST_COLUMNS);
  const reactions = counted(ctx, world, 'reactions', 'post_reactions', [
    'post_id',
    'user_id',
    'emoji',
    'created_at',
  ]);
  const docs = counted(ctx, world, 'searchDocuments', 'search_documents', searchDocColumns);
  const nUsers = world.users.length;
  const pinnedDone = new Set<number>();
  const total = world.threads.reduce((s, t) => s + t.replies + 1, 0);
  ctx.progress.start('threads+posts', total);

  for (const [ti, t] of world.threads.entries()) {
    const g = world.groups[t.groupIdx]!;
    const interest = g.interestIds[rng.int(0, g.interestIds.length - 1)]!;
    const restricted = g.visibility === 'approval';
    t.id = rng.uuid(t.createdAt);
    t.title = ctx.text.threadTitle(rng, interest);
    const opening = ctx.text.openingBody(rng, interest);
    const openingId = rng.uuid(t.createdAt);
    const member = () => g.members[rng.skewed(g.members.length, 1.5)]!;
    const touch = (userIdx: number, at: number) => {
      const key = t.groupIdx * nUsers + userIdx;
      if ((world.memberLastPost.get(key) ?? 0) < at) world.memberLastPost.set(key, at);
    };
    touch(t.authorIdx, t.createdAt);

    // Replies: times after the opening, denser early on; in seq order.
    const age = now - t.createdAt;
    const mean = Math.max(HOUR, age / 4);
    const times = Array.from({ length: t.replies }, () =>
      Math.floor(t.createdAt + 1000 + Math.min(age - 2000, rng.exp(mean))),
    ).sort((a, b) => a - b);
    let lastEvent = t.createdAt;
    let lastPostAt = t.createdAt;
    let visibleReplies = 0;
    const alive: { id: string; authorIdx: number }[] = [{ id: openingId, authorIdx: t.authorIdx }];
    for (let r = 0; r < times.length; r++) {
      const at = times[r]!;
      const authorIdx = member();
      const id = rng.uuid(at);
      const replyTo = rng.chance(0.15) ? alive[rng.int(0, alive.length - 1)]! : null;
      const deleted = rng.chance(0.005);
      const seq = r + 2;
      touch(authorIdx, at);
      lastPostAt = Math.max(lastPostAt, at);
      lastEvent = Math.max(lastEvent, at);
      if (deleted) {
        const deletedAt = Math.min(now - 1, at + Math.floor(rng.exp(HOUR)));
        lastEvent = Math.max(lastEvent, deletedAt);
        posts.add([
          id,
          t.id,
          g.id,
          world.users[authorIdx]!.id,
          seq,
          replyTo?.id ?? null,
          '',
          '',
          '',
          'deleted',
          '{}',
          0,
          at,
          null,
          deletedAt,
        ]);
      } else {
        const body = ctx.text.replyBody(rng, interest);
        const counts = react(id, authorIdx, at, rng.chance(0.08) ? rng.int(1, 3) : 0);
        posts.add([
          id,
          t.id,
          g.id,
          world.users[authorIdx]!.id,
          seq,
          replyTo?.id ?? null,
          body.body,
          body.html,
          body.excerpt,
          'visible',
          counts.json,
          0,
          at,
          null,
          null,
        ]);
        docs.add(
          searchDocRow({
            kind: 'post',
            id,
            resultId: t.id,
            groupId: g.id,
            restricted,
            title: '',
            body: body.body,
            bodyTokens: body.tokens,
            createdAt: at,
          }),
        );
        visibleReplies++;
        alive.push({ id, authorIdx });
      }
      notifyReply(t, id, authorIdx, at, replyTo);
      ctx.progress.tick();
      if ((r & 1023) === 1023) await sink.tick();
    }

    // The opening post, with its reactions (they count for the thread's score).
    const opened = react(
      openingId,
      t.authorIdx,
      t.createdAt,
      Math.min(g.members.length - 1, Math.round(t.replies * 0.15 + rng.exp(2))),
    );
    lastEvent = Math.max(lastEvent, opened.last);
    posts.add([
      openingId,
      t.id,
      g.id,
      world.users[t.authorIdx]!.id,
      1,
      null,
      opening.body,
      opening.html,
      opening.excerpt,
      'visible',
      opened.json,
      0,
      t.createdAt,
      null,
      null,
    ]);
    const score = visibleReplies + opened.total;
    const pinned = !pinnedDone.has(t.groupIdx) && g.members.length > 100 && ti > 0;
    if (pinned) pinnedDone.add(t.groupIdx);
    const locked = !pinned && ti > 50 && now - t.createdAt > 60 * DAY && rng.chance(0.02);
    threads.add([
      t.id,
      g.id,
      world.users[t.authorIdx]!.id,
      t.title,
      'visible',
      pinned ? 1 : 0,
      locked ? 1 : 0,
      t.replies + 1,
      visibleReplies,
      opened.total,
      score,
      seededHotRank(score, t.createdAt, lastEvent, now),
      lastPostAt,
      t.createdAt,
      t.createdAt,
    ]);
    docs.add(
      searchDocRow({
        kind: 'thread',
        id: t.id,
        resultId: t.id,
        groupId: g.id,
        restricted,
        title: t.title,
        body: opening.body,
        bodyTokens: opening.tokens,
        createdAt: t.createdAt,
      }),
    );
    g.lastActivityAt = Math.max(g.lastActivityAt, lastPostAt);
    ctx.progress.tick();
    await sink.tick();

    /** Reactions by `k` members other than the author; the post's reaction_counts JSON. */
    function react(postId: string, authorIdx: number, at: number, k: number) {
      const counts = new Map<string, number>();
      let last = 0;
      const who = new Set<number>([authorIdx]);
      for (let tries = 0; who.size <= k && tries < k * 5; tries++) {
        const u = member();
        if (who.has(u)) continue;
        who.add(u);
        const emoji = REACTIONS[emojiPicker.pick(rng)]!;
        const when = Math.min(now - 1, at + 1000 + Math.floor(rng.exp(6 * HOUR)));
        last = Math.max(last, when);
        counts.set(emoji, (counts.get(emoji) ?? 0) + 1);
        reactions.add([postId, world.users[u]!.id, emoji, when]);
      }
      const obj: Record<string, number> = {};
      for (const e of REACTIONS) if (counts.has(e)) obj[e] = counts.get(e)!;
      return { json: JSON.stringify(obj), total: who.size - 1, last };
    }

    function notifyReply(
      thread: ThreadPlan,
      postId: string,
      authorIdx: number,
      at: number,
      replyTo: { id: string; authorIdx: number } | null,
    ) {
      const recent = at >= now - NOTIFY_WINDOW_MS;
      const base = {
        actorIdx: authorIdx,
        subjectType: 'post',
        subjectId: postId,
        groupId: g.id,
        target: `/threads/${thread.id}#post-${postId}`,
        createdAt: at,
      };
      const toAuthor = thread.authorIdx;
      if (toAuthor !== authorIdx && (recent || toAuthor === world.heavyIdx)) {
        world.notifications.push({
          ...base,
          userIdx: toAuthor,
          type: 'post.reply',
          data: JSON.stringify({ threadId: thread.id, threadTitle: thread.title }),
        });
      }
      const to = replyTo?.authorIdx;
      if (recent && replyTo && to !== toAuthor && to !== authorIdx) {
        world.notifications.push({
          ...base,
          userIdx: replyTo.authorIdx,
          type: 'post.reply_to_post',
          data: JSON.stringify({
            threadId: thread.id,
            threadTitle: thread.title,
            replyToId: replyTo.id,
          }),
        });
      }
    }
  }
  await sink.flush();
  ctx.progress.end();
}
