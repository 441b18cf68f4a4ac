import {
  cellsOf,
  decayedPopularity,
  SIGNUP_POPULARITY,
  VIEW_POPULARITY,
} from '../modules/activities/index.ts';
import { REMINDER_HOURS } from '../modules/messaging/index.ts';
import { counted, DAY, HOUR, NOTIFY_WINDOW_MS, type SeedContext, type World } from './context.ts';
import { districtPicker } from './groups.ts';
import type { Ledger } from './ledger.ts';
import { Rng, WeightedPicker, zipfCounts } from './random.ts';
import { searchDocColumns, searchDocRow } from './search-docs.ts';
import { DISTRICTS, shortName } from './shanghai.ts';
import { BRANDS } from './words-topics.ts';
import { pickInterest } from './users.ts';

const CAPACITIES = [6, 8, 10, 12, 15, 20, 20, 30, 30, 40, 50, 80, 100, 150, 200, 500];
const PRICES = [1990, 2900, 3900, 4900, 6800, 8800, 9900, 12800, 19900, 29900];
const LOCAL_HOURS = [9, 9.5, 10, 14, 15, 18.5, 19, 19.5, 20];
const SHANGHAI_OFFSET = 8 * HOUR;
const KM_LAT = 1 / 110.574;
const KM_LNG = 1 / (111.32 * Math.cos((31.2 * Math.PI) / 180));

/** Kinds of venue that meet at a landmark rather than an indoor place. */
const OUTDOOR = new Set(['outdoors', 'travel']);

const ACTIVITY_COLUMNS = [
  'id',
  'organizer_id',
  'group_id',
  'title',
  'description',
  'description_html',
  'start_at',
  'end_at',
  'signup_deadline',
  'venue_name',
  'venue_address',
  'city',
  'lat',
  'lng',
  'cell4',
  'cell5',
  'cell6',
  'capacity',
  'price_fen',
  'refund_cutoff_hours',
  'status',
  'restricted',
  'confirmed_count',
  'waitlist_count',
  'waitlist_next',
  'view_count',
  'popularity',
  'popularity_at',
  'promoted_until',
  'sequence',
  'cancel_reason',
  'created_at',
  'updated_at',
];
const SIGNUP_COLUMNS = [
  'activity_id',
  'user_id',
  'status',
  'waitlist_seq',
  'checked_in_at',
  'paid_fen',
  'created_at',
  'updated_at',
];
const JOB_COLUMNS = [
  'id',
  'type',
  'key',
  'status',
  'run_at',
  'payload',
  'attempts',
  'last_error',
  'created_at',
  'updated_at',
  'finished_at',
];

/**
 * Activities around Shanghai's district centres and landmarks over the next 60 days (some in
 * the past, completed), with sign-ups (Zipf popularity, waitlists on some full ones, check-ins
 * for past ones), paid places charged into escrow through the ledger, popularity as the app
 * decays it, reminder jobs, search documents and the last week's sign-up notifications. The
 * last 2 × reservedActivities are the benchmark's: big, upcoming, no session user signed up.
 */
export async function makeActivities(ctx: SeedContext, world: World, ledger: Ledger) {
  const { now, scale, sink } = ctx;
  const rng = Rng.for(ctx.seed, 'activities');
  const activities = counted(ctx, world, 'activities', 'activities', ACTIVITY_COLUMNS);
  const interestsOut = ctx.sink.table('activity_interests', [
    'activity_id',
    'interest_id',
    'cell6',
    'start_at',
  ]);
  const signups = counted(ctx, world, 'signups', 'activity_signups', SIGNUP_COLUMNS);
  const jobs = counted(ctx, world, 'jobs', 'jobs', JOB_COLUMNS);
  const docs = counted(ctx, world, 'searchDocuments', 'search_documents', searchDocColumns);
  const groupPicker = new WeightedPicker(world.groups.map((g) => g.members.length));
  const sessions = new Set(world.sessionIdxs);
  const reserved = scale.reservedActivities * 2;
  const regular = Math.max(0, scale.activities - reserved);
  // Sign-up counts: a Zipf curve over a shuffled order of the regular activities.
  const wanted = rng.shuffle(zipfCounts(regular, Math.round(scale.signups * 1.18), 0.6));
  const shanghaiMidnight = now - ((now + SHANGHAI_OFFSET) % DAY);
  const nUsers = world.users.length;
  let featured = { id: '', signups: -1 };

  ctx.progress.start('activities', scale.activities);
  for (let a = 0; a < scale.activities; a++) {
    const isReserved = a >= regular;
    const paidReserved = isReserved && (a - regular) % 2 === 1;
    const inGroup = !isReserved && rng.chance(0.4);
    const g = inGroup ? world.groups[groupPicker.pick(rng)]! : null;
    const interest = g ? rng.pick(g.interestIds) : isReserved ? 'hiking' : pickInterest(rng);
    const interestIds = [interest];
    const extra = pickInterest(rng);
    if (extra !== interest && rng.chance(0.3)) interestIds.push(extra);
    let organizer = g
      ? g.members[rng.skewed(g.members.length, 2)]!
      : world.activeOrder[rng.skewed(nUsers, 1.5)]!;
    while (isReserved && sessions.has(organizer)) organizer = rng.int(0, nUsers - 1);
    const restricted = g?.visibility === 'approval';

    // Where: a landmark for outdoor things, else a venue near a district centre.
    const dIdx = g?.districtIdx ?? districtPicker.pick(rng);
    const d = DISTRICTS[dIdx]!;
    const topic = ctx.text.topic(interest);
    const category = ctx.text.interest(interest).categoryId;
    const road = rng.pick(d.roads);
    let venueName: string;
    let lat: number;
    let lng: number;
    if (OUTDOOR.has(category) || topic.venues.length === 0 || rng.chance(0.15)) {
      const [name, la, ln] = rng.pick(d.landmarks);
      venueName = name;
      lat = la + rng.normal() * 0.15 * KM_LAT;
      lng = ln + rng.normal() * 0.15 * KM_LNG;
    } else {
      venueName = rng
        .pick(topic.venues)
        .replace('{r}', road)
        .replace('{d}', shortName(d))
        .replace('{b}', rng.pick(BRANDS));
      lat = d.lat + rng.normal() * d.sigmaKm * KM_LAT;
      lng = d.lng + rng.normal() * d.sigmaKm * KM_LNG;
    }
    lat = Math.round(lat * 1e6) / 1e6;
    lng = Math.round(lng * 1e6) / 1e6;
    const address = `上海市${d.name}${road}${rng.int(1, 2000)}号`;

    // When: the next 60 days (reserved: 10–50 days out), one in eight in the last 30 days.
    const past = !isReserved && rng.chance(0.12);
    const day = isReserved ? rng.int(10, 50) : past ? -rng.int(2, 30) : rng.int(0, 59);
    let startAt = shanghaiMidnight + day * DAY + rng.pick(LOCAL_HOURS) * HOUR - SHANGHAI_OFFSET;
    if (!past && startAt <= now + HOUR) startAt += DAY;
    const duration = category === 'outdoors' && rng.chance(0.2) ? DAY : rng.int(2, 6) * HOUR;
    const endAt = startAt + duration;
    const deadline = isReserved ? startAt - 2 * HOUR : startAt - rng.pick([0, 2, 12, 24]) * HOUR;
    const createdAt = Math.floor(Math.min(now - HOUR, startAt - (3 + rng.next() * 27) * DAY));
    const id = rng.uuid(createdAt);
    const capacity = isReserved ? rng.int(5000, 8000) : rng.pick(CAPACITIES);
    const priceFen = isReserved
      ? paidReserved
        ? 1000
        : 0
      : !past && rng.chance(0.25)
        ? rng.pick(PRICES)
        : 0;
    const title = ctx.text.activityTitle(rng, interest, venueName);
    const { md: description, html: descriptionHtml } = ctx.text.activityDescription(
      rng,
      interest,
      venueName,
      priceFen,
    );

    // Who signs up, and when (before the deadline, and before now).
    const pool = g ? g.members : null;
    let want = isReserved ? rng.int(0, 30) : wanted[a]!;
    want = Math.min(want, (pool?.length ?? nUsers) - 1);
    const allowWaitlist = !past && rng.chance(0.4);
    if (want > capacity && !allowWaitlist) want = capacity;
    if (want > capacity) want = Math.min(want, capacity + Math.ceil(capacity * 0.5) + 5);
    const chosen = new Set<number>([organizer]);
    const people: number[] = [];
    for (let tries = 0; people.length < want && tries < want * 10; tries++) {
      const u = pool
        ? pool[rng.skewed(pool.length, 1.3)]!
        : world.activeOrder[rng.skewed(nUsers, 1.3)]!;
      if (chosen.has(u) || (isReserved && sessions.has(u))) continue;
      chosen.add(u);
      people.push(u);
    }
    const until = Math.min(deadline, now - 1000);
    const times = people
      .map(() => Math.floor(createdAt + 1000 + rng.next() * Math.max(0, until - createdAt - 2000)))
      .sort((x, y) => x - y);
    let confirmed = 0;
    let waitlisted = 0;
    let popularity = 0;
    let popularityAt = createdAt;
    const views = Math.floor(people.length * 3 + rng.exp(10));
    const viewTimes = Array.from({ length: views }, () =>
      Math.floor(createdAt + rng.next() * (Math.min(now, endAt) - createdAt)),
    );
    const events = [
      ...times.map((t) => [t, SIGNUP_POPULARITY] as const),
      ...viewTimes.map((t) => [t, VIEW_POPULARITY] as const),
    ].sort((x, y) => x[0] - y[0]);
    for (const [t, amount] of events) {
      popularity = decayedPopularity(popularity, popularityAt, t) + amount;
      popularityAt = t;
    }
    for (const [i, u] of people.entries()) {
      const at = times[i]!;
      const userId = world.users[u]!.id;
      const recent = at >= now - NOTIFY_WINDOW_MS;
      if (confirmed < capacity) {
        confirmed++;
        const checkedIn = past && rng.chance(0.7) ? startAt + rng.int(0, 30) * 60_000 : null;
        let paid = 0;
        if (priceFen > 0) {
          const entryId = ledger.signupPayment(u, id, title, priceFen, at);
          paid = priceFen;
          const s = world.spent.get(u);
          world.spent.set(u, {
            fen: (s?.fen ?? 0) + priceFen,
            first: Math.min(s?.first ?? at, at),
          });
          if (recent) {
            world.notifications.push({
              userIdx: u,
              type: 'payment.paid',
              actorIdx: null,
              subjectType: 'payment',
              subjectId: entryId,
              groupId: null,
              target: '/wallet',
              createdAt: at,
              data: JSON.stringify({
                title,
                amountFen: -priceFen,
                purpose: 'signup_payment',
                entryId,
                reference: id,
              }),
            });
          }
        }
        signups.add([id, userId, 'confirmed', null, checkedIn, paid, at, at]);
      } else {
        waitlisted++;
        signups.add([id, userId, 'waitlisted', waitlisted, null, 0, at, at]);
      }
      if (recent) {
        world.notifications.push({
          userIdx: u,
          type:
            confirmed <= capacity && waitlisted === 0
              ? 'activity.signup_confirmed'
              : 'activity.waitlisted',
          actorIdx: null,
          subjectType: 'activity',
          subjectId: id,
          groupId: restricted ? g!.id : null,
          target: `/activities/${id}`,
          createdAt: at,
          data: JSON.stringify({ title }),
        });
      }
    }
    const status = past ? 'completed' : 'published';
    const promoted = !past && !isReserved && rng.chance(0.01) ? startAt : null;
    activities.add([
      id,
      world.users[organizer]!.id,
      g?.id ?? null,
      title,
      description,
      descriptionHtml,
      startAt,
      endAt,
      deadline,
      venueName,
      address,
      '上海',
      lat,
      lng,
      ...Object.values(cellsOf(lat, lng)),
      capacity,
      priceFen,
      24,
      status,
      restricted ? 1 : 0,
      confirmed,
      waitlisted,
      waitlisted,
      views,
      popularity,
      popularityAt,
      promoted,
      0,
      null,
      createdAt,
      past ? endAt : createdAt,
    ]);
    for (const i of interestIds) interestsOut.add([id, i, cellsOf(lat, lng).cell6, startAt]);
    docs.add(
      searchDocRow({
        kind: 'activity',
        id,
        resultId: id,
        groupId: g?.id ?? null,
        restricted,
        title,
        body: [description, venueName, address, '上海'].join('\n'),
        createdAt,
      }),
    );
    if (!past) {
      for (const hours of REMINDER_HOURS) {
        const runAt = startAt - hours * HOUR;
        if (runAt <= now) continue;
        jobs.add([
          rng.uuid(createdAt),
          'activity.reminder',
          `activity-reminder:${id}:${hours}`,
          'pending',
          runAt,
          JSON.stringify({ activityId: id, hours }),
          0,
          null,
          createdAt,
          createdAt,
          null,
        ]);
      }
    }
    world.activityIds.push(id);
    if (isReserved) (paidReserved ? world.paidActivityIds : world.freeActivityIds).push(id);
    else if (!past && !restricted && people.length > featured.signups)
      featured = { id, signups: people.length };
    ctx.progress.tick();
    if ((a & 255) === 255) await sink.tick();
  }
  world.featuredActivityId = featured.id;
  await sink.flush();
  ctx.progress.end();
}
