import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import {
  num,
  numOrNull,
  violation as v,
  type CounterViolation,
} from '../../platform/db/counters.ts';
import { hotRank } from './hot-rank.ts';

/** The checker's clock may be behind the server's that stored a rank; ranks only sink with time. */
const CLOCK_SLACK_MS = 60_000;
/** Stored ranks are doubles computed by the same function; allow for the last bits. */
const RANK_TOLERANCE = 1e-9;

/**
 * Recounts what the groups module keeps by hand (`npm run counters:check`):
 *
 * - `groups.member_count` = its members with status 'member'; `thread_count` = its visible
 *   threads; `last_activity_at` lies between the newest post that was written visible (no
 *   approved report) or the group's creation, and the newest post or approval.
 * - `group_members.last_post_at` (slow mode) = the newest post by that person in the group, or
 *   null when they have not posted since the membership row was (re)made.
 * - `threads.post_count` = its posts (the last seq handed out); `reply_count` = its visible
 *   replies (seq > 1); `reaction_count` = the reactions on its opening post; `score` =
 *   replies + reactions; `last_post_at` lies between its newest visible post (or its creation)
 *   and its newest post or approved reply; `hot_rank` = hotRank(score, created, t) for a time t
 *   no earlier than the newest reply or reaction that moved it and no later than now.
 * - `posts.reaction_counts` = its reactions by emoji; `edit_count` = its revisions.
 *
 * Counts are compared exactly; each kept value is compared with the rows, never with another
 * kept value, so one tampered column is one violation.
 */
export async function checkGroupsCounters(
  db: Executor,
  now: number = Date.now(),
): Promise<CounterViolation[]> {
  return [
    ...(await groupCounts(db)),
    ...(await memberLastPost(db)),
    ...(await threadCounts(db, now)),
    ...(await postReactionCounts(db)),
    ...(await postEditCounts(db)),
  ];
}

/** Bounds of a time: a violation when `stored` lies outside lo..hi. */
function timeOutside(stored: number, lo: number, hi: number): string | null {
  if (stored >= lo && stored <= hi) return null;
  return lo === hi ? String(lo) : `${lo}..${hi}`;
}

async function groupCounts(db: Executor): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom('groups as g')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('groupMembers')
          .select((e) => ['groupId', e.fn.countAll<number>().as('n')])
          .where('status', '=', 'member')
          .groupBy('groupId')
          .as('m'),
      (j) => j.onRef('m.groupId', '=', 'g.id'),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('threads')
          .select((e) => ['groupId', e.fn.countAll<number>().as('n')])
          .where('status', '=', 'visible')
          .groupBy('groupId')
          .as('t'),
      (j) => j.onRef('t.groupId', '=', 'g.id'),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('posts as p')
          .select((e) => [
            'p.groupId',
            e.fn.max('p.createdAt').as('newest'),
            e.fn
              .max(
                e
                  .case()
                  .when(
                    e.and([
                      e('p.status', '=', 'visible'),
                      e.not(
                        e.exists(
                          e
                            .selectFrom('reports as r')
                            .select('r.id')
                            .whereRef('r.postId', '=', 'p.id')
                            .where('r.resolution', '=', 'approved'),
                        ),
                      ),
                    ]),
                  )
                  .then(e.ref('p.createdAt'))
                  .end(),
              )
              .as('newestVisible'),
          ])
          .groupBy('p.groupId')
          .as('p'),
      (j) => j.onRef('p.groupId', '=', 'g.id'),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('reports')
          .select((e) => ['groupId', e.fn.max('resolvedAt').as('approvedAt')])
          .where('resolution', '=', 'approved')
          .groupBy('groupId')
          .as('a'),
      (j) => j.onRef('a.groupId', '=', 'g.id'),
    )
    .select([
      'g.id',
      'g.memberCount',
      'g.threadCount',
      'g.lastActivityAt',
      'g.createdAt',
      'm.n as members',
      't.n as threads',
      'p.newest',
      'p.newestVisible',
      'a.approvedAt',
    ])
    .orderBy('g.id')
    .execute();
  const out: CounterViolation[] = [];
  for (const g of rows) {
    const members = num(g.members);
    if (num(g.memberCount) !== members) {
      out.push(v('groups', g.id, 'member_count', g.memberCount, members));
    }
    const threads = num(g.threads);
    if (num(g.threadCount) !== threads) {
      out.push(v('groups', g.id, 'thread_count', g.threadCount, threads));
    }
    // Set at creation, by every thread or reply written visible (to its creation time) and by
    // a thread's approval (before its report is resolved); reply approvals leave it.
    const created = num(g.createdAt);
    const lo = Math.max(created, numOrNull(g.newestVisible) ?? 0);
    const hi = Math.max(created, numOrNull(g.newest) ?? 0, numOrNull(g.approvedAt) ?? 0);
    const bad = timeOutside(num(g.lastActivityAt), lo, hi);
    if (bad) out.push(v('groups', g.id, 'last_activity_at', g.lastActivityAt, bad));
  }
  return out;
}

async function memberLastPost(db: Executor): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom('groupMembers as m')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('posts')
          .select((e) => ['groupId', 'authorId', e.fn.max('createdAt').as('newest')])
          .groupBy(['groupId', 'authorId'])
          .as('p'),
      (j) => j.onRef('p.groupId', '=', 'm.groupId').onRef('p.authorId', '=', 'm.userId'),
    )
    .select(['m.groupId', 'm.userId', 'm.lastPostAt', 'm.createdAt', 'p.newest'])
    .where((eb) =>
      eb.or([
        // Kept: it must be the newest post.
        eb.and([
          eb('m.lastPostAt', 'is not', null),
          eb.or([eb('p.newest', 'is', null), eb('p.newest', '!=', eb.ref('m.lastPostAt'))]),
        ]),
        // Not kept: nothing may have been posted since the row was made (join, approval).
        eb.and([eb('m.lastPostAt', 'is', null), eb('p.newest', '>=', eb.ref('m.createdAt'))]),
      ]),
    )
    .orderBy('m.groupId')
    .orderBy('m.userId')
    .execute();
  return rows.map((m) =>
    v(
      'group_members',
      `${m.groupId}/${m.userId}`,
      'last_post_at',
      numOrNull(m.lastPostAt),
      m.newest === null ? 'null' : num(m.newest),
    ),
  );
}

async function threadCounts(db: Executor, now: number): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom('threads as t')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('posts')
          .select((e) => [
            'threadId',
            e.fn.countAll<number>().as('posts'),
            e.fn.max('seq').as('lastSeq'),
            e.fn
              .sum<number>(
                e
                  .case()
                  .when(e.and([e('seq', '>', 1), e('status', '=', 'visible')]))
                  .then(1)
                  .else(0)
                  .end(),
              )
              .as('replies'),
            e.fn.max('createdAt').as('newest'),
            e.fn
              .max(e.case().when('status', '=', 'visible').then(e.ref('createdAt')).end())
              .as('newestVisible'),
          ])
          .groupBy('threadId')
          .as('p'),
      (j) => j.onRef('p.threadId', '=', 't.id'),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('postReactions as r')
          .innerJoin('posts as o', 'o.id', 'r.postId')
          .select((e) => [
            'o.threadId',
            e.fn.countAll<number>().as('reactions'),
            e.fn.max('r.createdAt').as('newestReaction'),
          ])
          .where('o.seq', '=', 1)
          .groupBy('o.threadId')
          .as('r'),
      (j) => j.onRef('r.threadId', '=', 't.id'),
    )
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('reports as a')
          .innerJoin('posts as ap', 'ap.id', 'a.postId')
          .select((e) => ['ap.threadId', e.fn.max('a.resolvedAt').as('approvedAt')])
          .where('a.resolution', '=', 'approved')
          .where('ap.seq', '>', 1)
          .groupBy('ap.threadId')
          .as('a'),
      (j) => j.onRef('a.threadId', '=', 't.id'),
    )
    .select([
      't.id',
      't.postCount',
      't.replyCount',
      't.reactionCount',
      't.score',
      't.hotRank',
      't.lastPostAt',
      't.createdAt',
      'p.posts',
      'p.lastSeq',
      'p.replies',
      'p.newest',
      'p.newestVisible',
      'r.reactions',
      'r.newestReaction',
      'a.approvedAt',
    ])
    .orderBy('t.id')
    .execute();
  const out: CounterViolation[] = [];
  for (const t of rows) {
    const posts = num(t.posts);
    const lastSeq = num(t.lastSeq);
    if (num(t.postCount) !== posts || num(t.postCount) !== lastSeq) {
      // Every seq handed out is a post: the count and the highest seq agree with the counter.
      out.push(
        v(
          'threads',
          t.id,
          'post_count',
          t.postCount,
          posts === lastSeq ? posts : `${posts} posts, last seq ${lastSeq}`,
        ),
      );
    }
    const replies = num(t.replies);
    if (num(t.replyCount) !== replies) {
      out.push(v('threads', t.id, 'reply_count', t.replyCount, replies));
    }
    const reactions = num(t.reactions);
    if (num(t.reactionCount) !== reactions) {
      out.push(v('threads', t.id, 'reaction_count', t.reactionCount, reactions));
    }
    const score = replies + reactions;
    if (num(t.score) !== score) out.push(v('threads', t.id, 'score', t.score, score));

    // last_post_at: the creation, then every reply counted visible (its creation, or its
    // approval, which comes before the approval's report is resolved).
    const created = num(t.createdAt);
    const newestVisible = Math.max(created, numOrNull(t.newestVisible) ?? 0);
    const hi = Math.max(created, numOrNull(t.newest) ?? 0, numOrNull(t.approvedAt) ?? 0);
    const bad = timeOutside(num(t.lastPostAt), newestVisible, hi);
    if (bad) out.push(v('threads', t.id, 'last_post_at', t.lastPostAt, bad));

    // hot_rank: written with the score at each reply, reaction, deletion and periodic refresh,
    // so it is the rank of the current score at some moment between the newest event that
    // left a row and now. The rank only sinks with time, so that is a range of ranks.
    const since = Math.max(newestVisible, numOrNull(t.newestReaction) ?? 0);
    const highest = hotRank(score, created, since);
    const lowest = hotRank(score, created, now + CLOCK_SLACK_MS);
    const rank = num(t.hotRank);
    if (rank > highest * (1 + RANK_TOLERANCE) || rank < lowest * (1 - RANK_TOLERANCE)) {
      out.push(v('threads', t.id, 'hot_rank', rank, `${lowest}..${highest}`));
    }
  }
  return out;
}

/** Each post's reaction_counts JSON equals its reactions counted by emoji. */
async function postReactionCounts(db: Executor): Promise<CounterViolation[]> {
  const counted = new Map<string, Record<string, number>>();
  const reactions = await db
    .selectFrom('postReactions')
    .select((eb) => ['postId', 'emoji', eb.fn.countAll<number>().as('n')])
    .groupBy(['postId', 'emoji'])
    .execute();
  for (const r of reactions) {
    const m = counted.get(r.postId) ?? {};
    m[r.emoji] = num(r.n);
    counted.set(r.postId, m);
  }
  const kept = await db
    .selectFrom('posts')
    .select(['id', 'reactionCounts'])
    .where((eb) =>
      eb.or([
        eb('reactionCounts', '!=', '{}'),
        eb('id', 'in', eb.selectFrom('postReactions').select('postId')),
      ]),
    )
    .orderBy('id')
    .execute();
  const out: CounterViolation[] = [];
  for (const p of kept) {
    const want = counted.get(p.id) ?? {};
    let have: Record<string, unknown> | null = null;
    try {
      have = JSON.parse(p.reactionCounts) as Record<string, unknown>;
    } catch {
      // Not JSON: reported below.
    }
    const same =
      have !== null &&
      typeof have === 'object' &&
      Object.keys(have).length === Object.keys(want).length &&
      Object.entries(want).every(([emoji, n]) => have[emoji] === n);
    if (!same) {
      const sorted = Object.fromEntries(Object.entries(want).sort(([a], [b]) => (a < b ? -1 : 1)));
      out.push(v('posts', p.id, 'reaction_counts', p.reactionCounts, JSON.stringify(sorted)));
    }
  }
  return out;
}

/** Each post's edit_count equals its revisions (one per edit, the body it replaced). */
async function postEditCounts(db: Executor): Promise<CounterViolation[]> {
  const rows = await db
    .selectFrom('posts as p')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('postRevisions')
          .select((e) => ['postId', e.fn.countAll<number>().as('n')])
          .groupBy('postId')
          .as('r'),
      (j) => j.onRef('r.postId', '=', 'p.id'),
    )
    .select(['p.id', 'p.editCount', 'r.n'])
    .where((eb) => eb('p.editCount', '!=', eb.fn.coalesce('r.n', sql<number>`0`)))
    .orderBy('p.id')
    .execute();
  return rows.map((p) => v('posts', p.id, 'edit_count', p.editCount, num(p.n)));
}
