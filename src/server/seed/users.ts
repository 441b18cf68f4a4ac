import { counted, DAY, type SeedContext, type World, type Policy } from './context.ts';
import { Rng, WeightedPicker } from './random.ts';
import { DISTRICTS, shortName } from './shanghai.ts';
import { INTERESTS } from './text.ts';
import { BIOS, ENGLISH_NAMES, GIVEN, SURNAMES } from './words-people.ts';

/** The most popular interests first; the rest follow in taxonomy order (a Zipf curve over it). */
const POPULAR = [
  'hiking',
  'food-exploring',
  'photography',
  'coffee',
  'badminton',
  'running',
  'board-games',
  'camping',
  'city-walks',
  'cycling',
  'fitness',
  'murder-mystery',
  'yoga',
  'reading',
  'cats',
  'baking',
  'swimming',
  'frisbee',
  'dogs',
  'film',
];
export const INTEREST_ORDER = [
  ...POPULAR,
  ...INTERESTS.map((i) => i.id).filter((id) => !POPULAR.includes(id)),
];
export const interestPicker = new WeightedPicker(
  INTEREST_ORDER.map((_, i) => 1 / Math.pow(i + 1, 0.9)),
);
export const pickInterest = (rng: Rng) => INTEREST_ORDER[interestPicker.pick(rng)]!;

const USER_COLUMNS = [
  'id',
  'username',
  'username_lower',
  'display_name',
  'password_hash',
  'avatar_url',
  'bio',
  'home_city',
  'locale',
  'role',
  'message_policy',
  'community_seen_at',
  'created_at',
  'updated_at',
];

/** People: Chinese names (some English), bios, chosen interests; one shared password hash. */
export async function makeUsers(ctx: SeedContext, world: World): Promise<void> {
  const { now, scale } = ctx;
  const rng = Rng.for(ctx.seed, 'users');
  const users = counted(ctx, world, 'users', 'users', USER_COLUMNS);
  const interests = counted(ctx, world, 'userInterests', 'user_interests', [
    'user_id',
    'interest_id',
    'weight',
    'chosen',
    'updated_at',
  ]);
  const n = scale.users;
  ctx.progress.start('users', n);
  for (let i = 0; i < n; i++) {
    const createdAt = Math.floor(now - 730 * DAY + (i / n) * 700 * DAY + rng.next() * DAY);
    const id = rng.uuid(createdAt);
    const [sur, surPy] = SURNAMES[rng.skewed(SURNAMES.length, 1.5)]!;
    const given = Array.from({ length: rng.chance(0.7) ? 2 : 1 }, () => rng.pick(GIVEN));
    const username = `${surPy}${given.map((g) => g[1]).join('')}${i}`;
    const zhName = sur + given.map((g) => g[0]).join('');
    const x = rng.next();
    const displayName =
      x < 0.05 ? rng.pick(ENGLISH_NAMES) : x < 0.08 ? `${rng.pick(ENGLISH_NAMES)} ${sur}` : zhName;
    const mine = new Set<string>();
    const k = rng.int(1, 5);
    while (mine.size < k) mine.add(pickInterest(rng));
    const first = [...mine][0]!;
    const district = shortName(rng.pick(DISTRICTS));
    const bio = ctx.text.bio(rng, first, rng.pick(BIOS), district);
    const p = rng.next();
    const policy: Policy = p < 0.94 ? 'everyone' : p < 0.99 ? 'groups' : 'nobody';
    const seenAt = rng.chance(0.6) ? Math.floor(now - rng.next() * 14 * DAY) : 0;
    users.add([
      id,
      username,
      username.toLowerCase(),
      displayName,
      ctx.passwordHash,
      null,
      bio,
      rng.chance(0.9) ? '上海' : null,
      rng.chance(0.04) ? 'en' : 'zh-CN',
      'user',
      policy,
      seenAt,
      createdAt,
      createdAt,
    ]);
    for (const interestId of mine) interests.add([id, interestId, 1, 1, createdAt]);
    world.users.push({ id, username, createdAt, policy });
    ctx.progress.tick();
    if (i % 2000 === 0) await ctx.sink.tick();
  }
  // Who is most active: a fixed shuffle, so activity does not follow sign-up order.
  world.activeOrder = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  await ctx.sink.flush();
  ctx.progress.end();
}
