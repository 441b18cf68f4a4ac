import { sql } from 'kysely';
import type { Db, DialectName } from '../platform/db/database.ts';
import { plainExcerpt, renderMarkdown } from '../modules/groups/index.ts';
import { MAX_INDEXED_CHARS, tokenizeForIndex } from '../modules/search/index.ts';
import { seededHotRank } from './forum.ts';

/** One kept value that differs from a recount of the rows it summarises. */
export interface Mismatch {
  check: string;
  /** How many rows are off. */
  rows: number;
  example?: string;
}

/** SQL that counts rows whose kept value differs from its recount. */
const COUNT_CHECKS: Record<string, string> = {
  'groups.member_count': `select count(*) as n from groups g left join (select group_id, count(*) as c
    from group_members where status = 'member' group by group_id) m on m.group_id = g.id
    where g.member_count <> coalesce(m.c, 0)`,
  'groups.thread_count': `select count(*) as n from groups g left join (select group_id, count(*) as c
    from threads where status = 'visible' group by group_id) t on t.group_id = g.id
    where g.thread_count <> coalesce(t.c, 0)`,
  'groups.last_activity_at': `select count(*) as n from groups g left join (select group_id,
    max(created_at) as m from posts group by group_id) p on p.group_id = g.id
    where g.last_activity_at <> coalesce(p.m, g.created_at)`,
  'threads.counts': `select count(*) as n from threads t left join (select thread_id,
    count(*) as c, max(seq) as s, max(created_at) as last,
    sum(case when seq > 1 and status = 'visible' then 1 else 0 end) as replies
    from posts group by thread_id) p on p.thread_id = t.id
    where t.post_count <> coalesce(p.c, 0) or t.post_count <> coalesce(p.s, 0)
    or t.reply_count <> coalesce(p.replies, 0) or t.last_post_at <> p.last`,
  'threads.reaction_count': `select count(*) as n from threads t left join (select p.thread_id,
    count(*) as c from post_reactions r join posts p on p.id = r.post_id where p.seq = 1
    group by p.thread_id) r on r.thread_id = t.id where t.reaction_count <> coalesce(r.c, 0)`,
  'threads.score': `select count(*) as n from threads where score <> reply_count + reaction_count`,
  'group_members.last_post_at': `select count(*) as n from group_members m left join (select
    group_id, author_id, max(created_at) as last from posts group by group_id, author_id) p
    on p.group_id = m.group_id and p.author_id = m.user_id
    where m.status = 'member' and coalesce(m.last_post_at, -1) <> coalesce(p.last, -1)`,
  'activities.signup_counts': `select count(*) as n from activities a left join (select activity_id,
    sum(case when status = 'confirmed' then 1 else 0 end) as c,
    sum(case when status = 'waitlisted' then 1 else 0 end) as w, max(waitlist_seq) as s
    from activity_signups group by activity_id) s on s.activity_id = a.id
    where a.confirmed_count <> coalesce(s.c, 0) or a.waitlist_count <> coalesce(s.w, 0)
    or a.waitlist_next < coalesce(s.s, 0) or a.confirmed_count > a.capacity`,
  'notification_counters.unread': `select count(*) as n from users u
    left join notification_counters c on c.user_id = u.id
    left join (select user_id, count(*) as k from notifications where read_at is null
    group by user_id) x on x.user_id = u.id where coalesce(c.unread, 0) <> coalesce(x.k, 0)`,
  'conversations.last_seq': `select count(*) as n from conversations c left join (select
    conversation_id, count(*) as k, max(seq) as s, max(created_at) as last from messages
    group by conversation_id) m on m.conversation_id = c.id where c.last_seq <> coalesce(m.k, 0)
    or c.last_seq <> coalesce(m.s, 0) or c.last_message_at <> coalesce(m.last, c.created_at)`,
  'conversation_participants.unread_count': `select count(*) as n
    from conversation_participants p join conversations c on c.id = p.conversation_id
    where p.unread_count <> (select count(*) from messages m where m.conversation_id =
    p.conversation_id and m.seq > p.read_up_to and m.sender_id <> p.user_id)
    or p.last_message_at <> c.last_message_at or p.read_up_to > c.last_seq`,
  'search_documents.groups': `select count(*) as n from groups g left join search_documents d
    on d.kind = 'group' and d.id = g.id where d.id is null`,
  'search_documents.threads': `select count(*) as n from threads t join groups g on g.id = t.group_id
    left join search_documents d on d.kind = 'thread' and d.id = t.id where t.status = 'visible'
    and (d.id is null or d.group_id <> t.group_id
    or d.restricted <> case when g.visibility = 'approval' then 1 else 0 end)`,
  'search_documents.posts': `select count(*) as n from posts p left join search_documents d
    on d.kind = 'post' and d.id = p.id where p.seq > 1 and
    (case when p.status = 'visible' then 1 else 0 end) <> (case when d.id is null then 0 else 1 end)
    or (d.id is not null and d.result_id <> p.thread_id)`,
  'search_documents.activities': `select count(*) as n from activities a left join search_documents d
    on d.kind = 'activity' and d.id = a.id where d.id is null or d.restricted <> a.restricted`,
  'search_documents.orphans': `select count(*) as n from search_documents d
    left join threads t on d.kind = 'thread' and t.id = d.id
    left join posts p on d.kind = 'post' and p.id = d.id
    left join activities a on d.kind = 'activity' and a.id = d.id
    left join groups g on d.kind = 'group' and g.id = d.id
    where t.id is null and p.id is null and a.id is null and g.id is null`,
};

/**
 * Recounts every value the app keeps in step with other rows (member, thread, post, reply and
 * reaction counts, scores and hot ranks, last-post times, sign-up and waitlist counts, unread
 * counters, conversation sequence numbers and unread counts, search documents and their tokens,
 * rendered Markdown) and returns what differs; empty when all agree. The ledger has its own
 * audit (`checkLedger`). `sample` limits the rows whose text is re-rendered and re-tokenised.
 */
export async function checkSeedConsistency(
  db: Db,
  dialect: DialectName,
  opts: { now: number; sample?: number },
): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const [check, text] of Object.entries(COUNT_CHECKS)) {
    const { rows } = await sql<{ n: number }>`${sql.raw(text)}`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) out.push({ check, rows: n });
  }
  await checkReactions(db, out);
  await checkHotRanks(db, opts.now, out);
  await checkText(db, opts.sample ?? 2_000, out);
  if (dialect === 'sqlite') {
    try {
      await sql`insert into search_fts (search_fts, rank) values ('integrity-check', 1)`.execute(
        db,
      );
    } catch (err) {
      out.push({ check: 'search_fts.integrity', rows: 1, example: String(err) });
    }
  }
  return out;
}

/** Each post's reaction_counts JSON equals its reactions by emoji. */
async function checkReactions(db: Db, out: Mismatch[]) {
  const counted = new Map<string, Record<string, number>>();
  const rows = await db
    .selectFrom('postReactions')
    .select((eb) => ['postId', 'emoji', eb.fn.countAll<number>().as('n')])
    .groupBy(['postId', 'emoji'])
    .execute();
  for (const r of rows) {
    const m = counted.get(r.postId) ?? {};
    m[r.emoji] = Number(r.n);
    counted.set(r.postId, m);
  }
  const kept = await db
    .selectFrom('posts')
    .select(['id', 'reactionCounts'])
    .where('reactionCounts', '!=', '{}')
    .execute();
  let bad = 0;
  let example: string | undefined;
  const seen = new Set<string>();
  for (const p of kept) {
    seen.add(p.id);
    const a = JSON.parse(p.reactionCounts) as Record<string, number>;
    const b = counted.get(p.id) ?? {};
    const same =
      Object.keys(a).length === Object.keys(b).length &&
      Object.entries(a).every(([k, v]) => b[k] === v);
    if (!same) {
      bad++;
      example ??= `${p.id}: ${p.reactionCounts} vs ${JSON.stringify(b)}`;
    }
  }
  for (const id of counted.keys()) if (!seen.has(id)) bad++;
  if (bad) out.push({ check: 'posts.reaction_counts', rows: bad, example });
}

/** Hot ranks as the app leaves them (see seededHotRank). */
async function checkHotRanks(db: Db, now: number, out: Mismatch[]) {
  const threads = await db
    .selectFrom('threads as t')
    .select(['t.id', 't.score', 't.hotRank', 't.createdAt', 't.lastPostAt'])
    .select((eb) => [
      eb
        .selectFrom('postReactions as r')
        .innerJoin('posts as p', 'p.id', 'r.postId')
        .select((e) => e.fn.max('r.createdAt').as('x'))
        .whereRef('p.threadId', '=', 't.id')
        .where('p.seq', '=', 1)
        .as('lastReaction'),
      eb
        .selectFrom('posts as p')
        .select((e) => e.fn.max('p.deletedAt').as('x'))
        .whereRef('p.threadId', '=', 't.id')
        .as('lastDeletion'),
    ])
    .execute();
  let bad = 0;
  let example: string | undefined;
  for (const t of threads) {
    const last = Math.max(
      Number(t.createdAt),
      Number(t.lastPostAt),
      Number(t.lastReaction ?? 0),
      Number(t.lastDeletion ?? 0),
    );
    const want = seededHotRank(Number(t.score), Number(t.createdAt), last, now);
    if (Math.abs(want - Number(t.hotRank)) > 1e-12 * Math.max(1, Math.abs(want))) {
      bad++;
      example ??= `${t.id}: ${t.hotRank} vs ${want}`;
    }
  }
  if (bad) out.push({ check: 'threads.hot_rank', rows: bad, example });
}

/** A sample of documents' tokens and posts' and activities' HTML, made again by the app's code. */
async function checkText(db: Db, sample: number, out: Mismatch[]) {
  const docs = await db
    .selectFrom('searchDocuments')
    .select(['id', 'title', 'body', 'titleTokens', 'bodyTokens'])
    .orderBy('docNo')
    .limit(sample)
    .execute();
  const tokens = (s: string) => tokenizeForIndex(s.slice(0, MAX_INDEXED_CHARS)).join(' ');
  const badDocs = docs.filter(
    (d) => d.titleTokens !== tokens(d.title) || d.bodyTokens !== tokens(d.body),
  );
  if (badDocs.length) {
    out.push({ check: 'search_documents.tokens', rows: badDocs.length, example: badDocs[0]!.id });
  }
  const posts = await db
    .selectFrom('posts')
    .select(['id', 'body', 'bodyHtml', 'excerpt'])
    .where('status', '=', 'visible')
    .orderBy('id')
    .limit(sample)
    .execute();
  const badPosts = posts.filter((p) => renderMarkdown(p.body) !== p.bodyHtml);
  if (badPosts.length) {
    out.push({ check: 'posts.body_html', rows: badPosts.length, example: badPosts[0]!.id });
  }
  const badExcerpts = posts.filter((p) => plainExcerpt(p.body) !== p.excerpt);
  if (badExcerpts.length) {
    out.push({ check: 'posts.excerpt', rows: badExcerpts.length, example: badExcerpts[0]!.id });
  }
  const acts = await db
    .selectFrom('activities')
    .select(['id', 'description', 'descriptionHtml'])
    .orderBy('id')
    .limit(sample)
    .execute();
  const badActs = acts.filter((a) => renderMarkdown(a.description) !== a.descriptionHtml);
  if (badActs.length) {
    out.push({
      check: 'activities.description_html',
      rows: badActs.length,
      example: badActs[0]!.id,
    });
  }
}
