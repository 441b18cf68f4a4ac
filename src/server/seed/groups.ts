import { counted, DAY, HOUR, type GroupPlan, type SeedContext, type World } from './context.ts';
import { Rng, WeightedPicker, zipfCounts } from './random.ts';
import { DISTRICTS, shortName } from './shanghai.ts';
import { searchDocColumns, searchDocRow } from './search-docs.ts';
import { pickInterest } from './users.ts';
import { INTERESTS } from './text.ts';

const HOT_GROUP_NAME = '上海周末爬山徒步群';
export const districtPicker = new WeightedPicker(DISTRICTS.map((d) => d.weight));

/**
 * Groups with a Zipf curve of sizes (a few huge ones, a long tail), their members, and the plan
 * of their threads (how many, how many replies each), which decides who the heavy user is and
 * which groups they must be in. Writes groups, their interests and search documents; the
 * memberships are written after the posts, which set their last-post times.
 */
export async function makeGroups(ctx: SeedContext, world: World): Promise<void> {
  const { now, scale } = ctx;
  const rng = Rng.for(ctx.seed, 'groups');
  const n = scale.users;
  const sizes = zipfCounts(scale.groups, scale.memberships, 0.85, Math.floor(n * 0.6), 3);
  const active = world.activeOrder;
  const drawUser = () => active[rng.skewed(n, 1.6)]!;

  ctx.progress.start('groups', scale.groups);
  for (let g = 0; g < scale.groups; g++) {
    const hot = g === 0;
    const primary = hot ? 'hiking' : pickInterest(rng);
    const info = INTERESTS.find((i) => i.id === primary)!;
    const related = INTERESTS.filter((i) => i.categoryId === info.categoryId && i.id !== primary);
    const interestIds = [primary];
    if (related.length && rng.chance(0.5)) interestIds.push(rng.pick(related).id);
    const districtIdx = hot || rng.chance(0.85) ? districtPicker.pick(rng) : null;
    const createdAt = Math.floor(now - (hot ? 1000 : 30 + rng.next() * 1000) * DAY);
    const members = rng.sample(n, Math.min(sizes[g]!, n), drawUser);
    const memberSet = new Set(members);
    const approval = g >= 5 && rng.chance(0.1);
    const pending: number[] = [];
    if (approval) {
      const want = Math.ceil(members.length * 0.03);
      for (let tries = 0; pending.length < want && tries < want * 20; tries++) {
        const u = drawUser();
        if (!memberSet.has(u) && !pending.includes(u)) pending.push(u);
      }
    }
    const district = districtIdx === null ? null : DISTRICTS[districtIdx]!;
    const plan: GroupPlan = {
      id: rng.uuid(createdAt),
      name: hot ? HOT_GROUP_NAME : ctx.text.groupName(rng, primary),
      description: ctx.text.groupDescription(rng, primary, district && shortName(district)),
      interestIds,
      districtIdx,
      visibility: approval ? 'approval' : 'public',
      createdAt,
      members,
      pending,
      lastActivityAt: createdAt,
    };
    world.groups.push(plan);
    ctx.progress.tick();
  }
  ctx.progress.end();
  world.hotGroupIdx = 0;
  planThreads(ctx, world, rng);
  pickPeople(ctx, world, rng);
}

/** Threads per group (by size), replies per thread (Zipf), the hot thread and the heavy user. */
function planThreads(ctx: SeedContext, world: World, rng: Rng): void {
  const { scale, now } = ctx;
  const total = world.groups.reduce((s, g) => s + g.members.length, 0);
  const slots: number[] = [];
  world.groups.forEach((g, gi) => {
    const share = Math.max(1, Math.round((g.members.length / total) * scale.threads));
    for (let i = 0; i < share; i++) slots.push(gi);
  });
  rng.shuffle(slots);
  // The hot group's first three threads take the top three reply counts.
  const hot = slots.flatMap((g, i) => (g === world.hotGroupIdx ? [i] : [])).slice(0, 3);
  hot.forEach((from, to) => ([slots[to], slots[from]] = [slots[from]!, slots[to]!]));
  const replies = zipfCounts(slots.length, Math.max(0, scale.posts - slots.length), 0.7);
  world.threads = slots.map((groupIdx, i) => {
    const g = world.groups[groupIdx]!;
    const age = now - g.createdAt;
    // Busy threads are recent; the rest spread over the group's life, more of them lately.
    const createdAt =
      i < 20
        ? Math.floor(now - (1 + rng.next() * 9) * DAY)
        : Math.floor(now - Math.max(HOUR, age * Math.pow(rng.next(), 1.5)));
    const authorIdx = g.members[rng.skewed(g.members.length, 1.5)]!;
    return { id: '', groupIdx, authorIdx, title: '', replies: replies[i]!, createdAt };
  });
  world.hotThreadIdx = 0;
}

/** The heavy user (threads with ~heavyUnread replies) and the session users (hot group). */
function pickPeople(ctx: SeedContext, world: World, rng: Rng): void {
  const hotGroup = world.groups[world.hotGroupIdx]!;
  const heavy = world.activeOrder.find(
    (u) => world.users[u]!.policy === 'everyone' && hotGroup.members.includes(u),
  )!;
  world.heavyIdx = heavy;
  let sum = 0;
  const target = ctx.scale.heavyUnread;
  for (let i = 1; i < world.threads.length && sum < target * 0.97; i++) {
    const t = world.threads[i]!;
    if (sum + t.replies > target * 1.03 || t.replies === 0) continue;
    t.authorIdx = heavy;
    sum += t.replies;
    const g = world.groups[t.groupIdx]!;
    if (!g.members.includes(heavy)) g.members.push(heavy);
    const p = g.pending.indexOf(heavy);
    if (p >= 0) g.pending.splice(p, 1);
  }
  const eligible = hotGroup.members.filter(
    (u) => u !== heavy && world.users[u]!.policy !== 'nobody',
  );
  const count = Math.min(ctx.scale.sessions, Math.floor(eligible.length * 0.8));
  world.sessionIdxs = rng.shuffle([...eligible]).slice(0, count);
}

/** Writes the group rows (after the posts set their last activity), interests, search docs. */
export async function writeGroups(ctx: SeedContext, world: World): Promise<void> {
  const groups = counted(ctx, world, 'groups', 'groups', [
    'id',
    'name',
    'description',
    'city',
    'visibility',
    'owner_id',
    'member_count',
    'thread_count',
    'slow_mode_seconds',
    'word_filter',
    'activity_policy',
    'last_activity_at',
    'created_at',
    'updated_at',
  ]);
  const interests = ctx.sink.table('group_interests', ['group_id', 'interest_id']);
  const docs = ctx.sink.table('search_documents', searchDocColumns);
  const threadCounts = new Map<number, number>();
  for (const t of world.threads)
    threadCounts.set(t.groupIdx, (threadCounts.get(t.groupIdx) ?? 0) + 1);
  for (const [gi, g] of world.groups.entries()) {
    const city = g.districtIdx === null ? null : '上海';
    const description = g.description;
    groups.add([
      g.id,
      g.name,
      description,
      city,
      g.visibility,
      world.users[g.members[0]!]!.id,
      g.members.length,
      threadCounts.get(gi) ?? 0,
      0,
      '[]',
      'members',
      g.lastActivityAt,
      g.createdAt,
      g.createdAt,
    ]);
    for (const i of g.interestIds) interests.add([g.id, i]);
    docs.add(
      searchDocRow({
        kind: 'group',
        id: g.id,
        resultId: g.id,
        groupId: g.id,
        restricted: false,
        title: g.name,
        body: [description, city].filter(Boolean).join('\n'),
        createdAt: g.createdAt,
      }),
    );
  }
  await ctx.sink.flush();
}
