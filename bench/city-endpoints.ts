/**
 * What `npm run bench` measures: the endpoints of the app's main screens, with the data set's
 * sessions, ids and search terms. Each becomes a wrk spec (bench/wrk/city.lua reads it).
 */
import type { Manifest } from './city-dataset.ts';

/** How a request's index k picks its session and path (see bench/wrk/city.lua). */
export type Mode = 'rotate' | 'pairs' | 'zip';

export interface Endpoint {
  /** Short name for --only. */
  name: string;
  /** What the table shows. */
  label: string;
  kind: 'read' | 'write';
  method: 'GET' | 'POST';
  mode: Mode;
  paths: string[];
  /** Session tokens, rotated per request (or one per path in zip mode). */
  tokens: string[];
  /** JSON body; `{k}` becomes a string unique to the request. */
  body?: string;
  idempotencyKey?: boolean;
  /** Requests before the (session, path) pairs are used up (pairs mode). */
  limit?: number;
  /** A line under the table saying what exactly is sent. */
  note: string;
}

const q = encodeURIComponent;

/**
 * The endpoints, given the data set and the conversations the harness opened for the message
 * endpoint (one per pair: its id and the sending member's token).
 */
export function cityEndpoints(
  m: Manifest,
  conversations: { id: string; token: string }[],
): Endpoint[] {
  const tokens = m.sessions.map((s) => s.token);
  const heavy = [m.heavyUser.token];
  const terms = m.searchTerms;
  const groupTerms = [...new Set([m.groupSearchTerm ?? terms[0]!, ...terms])];
  const near = m.nearbyPoint;
  const read = (
    name: string,
    label: string,
    paths: string[],
    note: string,
    who = tokens,
  ): Endpoint => ({
    name,
    label,
    kind: 'read',
    method: 'GET',
    mode: 'rotate',
    paths,
    tokens: who,
    note,
  });
  const sessions = `${tokens.length.toLocaleString('en')} sessions in turn`;
  return [
    read('groups', 'GET /groups', ['/api/v1/groups'], `first page, default order; ${sessions}`),
    read('me', 'GET /me', ['/api/v1/me'], sessions),
    read('interests', 'GET /interests', ['/api/v1/interests'], `the taxonomy; ${sessions}`),
    read(
      'notifications',
      'GET /inbox/notifications (heavy user)',
      ['/api/v1/inbox/notifications'],
      'first page, for the one person with ≈5,000 unread notifications',
      heavy,
    ),
    read(
      'threads',
      'GET /groups/{hot}/threads?sort=hot',
      [`/api/v1/groups/${m.hotGroupId}/threads?sort=hot`],
      `the hot group's first page in hot order; ${sessions} (members)`,
    ),
    read(
      'posts',
      'GET /threads/{hot}/posts',
      [`/api/v1/threads/${m.hotThreadId}/posts`],
      `the hot thread's first page of posts; ${sessions}`,
    ),
    read(
      'thread',
      'GET /threads/{hot}',
      [`/api/v1/threads/${m.hotThreadId}`],
      `the hot thread's detail; ${sessions}`,
    ),
    read(
      'nearby',
      'GET /activities/nearby (10 km)',
      [`/api/v1/activities/nearby?lat=${near.lat}&lng=${near.lng}&radiusKm=10`],
      `10 km around (${near.lat}, ${near.lng}), ranked for the signed-in person; ${sessions}`,
    ),
    read(
      'community',
      'GET /inbox/community',
      ['/api/v1/inbox/community'],
      `the Interest Community tab; ${sessions}`,
    ),
    read(
      'search-groups',
      'GET /search?type=groups',
      groupTerms.map((t) => `/api/v1/search?type=groups&q=${q(t)}`),
      `q in turn: ${groupTerms.join(', ')}; ${sessions}`,
    ),
    read(
      'search-threads',
      'GET /search?type=threads',
      terms.map((t) => `/api/v1/search?type=threads&q=${q(t)}`),
      `q in turn: ${terms.join(', ')}; ${sessions}`,
    ),
    read(
      'search-activities',
      'GET /search?type=activities',
      terms.map((t) => `/api/v1/search?type=activities&q=${q(t)}`),
      `q in turn: ${terms.join(', ')}; ${sessions}`,
    ),
    read(
      'conversations',
      'GET /conversations (heavy user)',
      ['/api/v1/conversations'],
      'first page, for the person with many conversations',
      heavy,
    ),
    read(
      'activity',
      'GET /activities/{id}',
      [`/api/v1/activities/${m.activityId}`],
      `one activity's page; ${sessions}`,
    ),
    {
      name: 'reply',
      label: 'POST /threads/{hot}/posts',
      kind: 'write',
      method: 'POST',
      mode: 'rotate',
      paths: [`/api/v1/threads/${m.hotThreadId}/posts`],
      tokens,
      body: JSON.stringify({ body: '压测回复：周末一起去爬山吗？ #{k}' }),
      note: `a reply to the hot thread, a different body each time; ${sessions}`,
    },
    {
      name: 'signup-free',
      label: 'POST /activities/{free}/signup',
      kind: 'write',
      method: 'POST',
      mode: 'pairs',
      paths: m.freeActivityIds.map((id) => `/api/v1/activities/${id}/signup`),
      tokens,
      body: '{}',
      limit: tokens.length * m.freeActivityIds.length,
      note: `a new sign-up each time: ${tokens.length.toLocaleString('en')} sessions × ${m.freeActivityIds.length} free activities, each pair once per run`,
    },
    {
      name: 'signup-paid',
      label: 'POST /activities/{paid}/signup',
      kind: 'write',
      method: 'POST',
      mode: 'pairs',
      paths: m.paidActivityIds.map((id) => `/api/v1/activities/${id}/signup`),
      tokens,
      body: JSON.stringify({ pin: m.pin }),
      idempotencyKey: true,
      limit: tokens.length * m.paidActivityIds.length,
      note: `a new paid sign-up each time (PIN checked, escrow payment, a new Idempotency-Key): ${tokens.length.toLocaleString('en')} sessions × ${m.paidActivityIds.length} paid activities, each pair once per run`,
    },
    {
      name: 'message',
      label: 'POST /conversations/{id}/messages',
      kind: 'write',
      method: 'POST',
      mode: 'zip',
      paths: conversations.map((c) => `/api/v1/conversations/${c.id}/messages`),
      tokens: conversations.map((c) => c.token),
      body: JSON.stringify({ body: '周六早上八点地铁站见 #{k}' }),
      note: `a message in one of ${conversations.length.toLocaleString('en')} conversations in turn, sent by its member`,
    },
  ];
}

/**
 * Opens (or reopens) a conversation for each peer pair where one side has a session, as that
 * side: `POST /api/v1/conversations {userId}`. At most `max` of them; pairs the app refuses
 * (the peer's message policy) are skipped and counted.
 */
export async function openConversations(
  baseUrl: string,
  m: Manifest,
  max = 2_000,
): Promise<{
  conversations: { id: string; token: string }[];
  refused: Record<string, number>;
}> {
  const tokenOf = new Map(m.sessions.map((s) => [s.userId, s.token]));
  const work: { token: string; peer: string }[] = [];
  for (const [a, b] of m.conversationPeers) {
    if (work.length >= max) break;
    const ta = tokenOf.get(a);
    const tb = tokenOf.get(b);
    if (ta) work.push({ token: ta, peer: b });
    else if (tb) work.push({ token: tb, peer: a });
  }
  if (work.length === 0) throw new Error('no conversation peer pair has a session in the manifest');
  const out: { id: string; token: string }[] = [];
  const refused = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < work.length) {
        const w = work[next++]!;
        const res = await fetch(`${baseUrl}/api/v1/conversations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ userId: w.peer }),
        });
        if (res.status >= 500) {
          throw new Error(`POST /api/v1/conversations: ${res.status} ${await res.text()}`);
        }
        if (!res.ok) {
          // The peer does not take messages from this person (message policy, a block): skip.
          const code = ((await res.json()) as { error?: { code?: string } }).error?.code;
          const key = `${res.status} ${code}`;
          refused.set(key, (refused.get(key) ?? 0) + 1);
          continue;
        }
        out.push({ id: ((await res.json()) as { id: string }).id, token: w.token });
      }
    }),
  );
  if (out.length === 0) {
    throw new Error(`no conversation could be opened: ${JSON.stringify([...refused])}`);
  }
  // Sorted, so that the order (and which conversation request k uses) is the same every run.
  out.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { conversations: out, refused: Object.fromEntries(refused) };
}
