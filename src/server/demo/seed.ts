import { AppError } from '../platform/http/errors.ts';
import type { Services } from '../services.ts';
import { demoActivities } from './activities.ts';
import { demoGroups } from './groups.ts';
import { DEMO_OPERATOR, DEMO_PASSWORD, DEMO_PIN, demoUsers } from './users.ts';

/**
 * Creates the demo data through the services (so it obeys the same rules as real use), only
 * into an empty database. Returns false when there was already data.
 */
export async function seedDemoData(services: Services): Promise<boolean> {
  if ((await services.accounts.countUsers()) > 0) return false;
  const viewers = new Map<string, { userId: string; role: 'user'; sessionId: string }>();
  for (const u of demoUsers) {
    let session;
    try {
      session = await services.accounts.register(
        {
          username: u.username,
          password: DEMO_PASSWORD,
          displayName: u.displayName,
        },
        'demo',
      );
    } catch (err) {
      // Another process started at the same moment and is seeding: leave it to that one.
      if (err instanceof AppError && err.code === 'username_taken') return false;
      throw err;
    }
    const viewer = { userId: session.user.id, role: 'user' as const, sessionId: '' };
    viewers.set(u.username, viewer);
    await services.accounts.updateMe(viewer, { homeCity: u.homeCity, bio: u.bio });
    await services.interests.setMine(viewer, [...u.interests], 'zh-CN');
    // A payment PIN and ¥2,000 of sandbox money, so paid activities and bills can be tried.
    await services.wallet.setPin(viewer, DEMO_PIN);
    await services.wallet.topup(viewer, 200_000, `demo-topup-${u.username}`);
  }
  // The demo operator: the console at /operator (made an operator as `npm run operator` does).
  const op = await services.accounts.register(
    {
      username: DEMO_OPERATOR.username,
      password: DEMO_PASSWORD,
      displayName: DEMO_OPERATOR.displayName,
    },
    'demo',
  );
  await services.accounts.setRoleByUsername(DEMO_OPERATOR.username, 'operator');
  const operator = { userId: op.user.id, role: 'operator' as const, sessionId: '' };
  const as = (username: string) => viewers.get(username)!;
  const groupIds = new Map<string, string>();
  for (const g of demoGroups) {
    const group = await services.groups.create(as(g.owner), {
      name: g.name,
      description: g.description,
      city: g.city,
      interestIds: g.interestIds,
      visibility: g.visibility,
    });
    groupIds.set(g.name, group.id);
    for (const m of g.members) {
      const { status } = await services.groups.join(group.id, as(m));
      if (status === 'pending')
        await services.groups.answerRequest(group.id, as(g.owner), as(m).userId, true);
    }
    for (const t of g.threads) {
      const thread = await services.forum.createThread(group.id, as(t.author), {
        title: t.title,
        body: t.body,
      });
      for (const [author, body] of t.replies) {
        await services.forum.createPost(thread.id, as(author), { body });
      }
    }
  }
  // Activities at real venues; demo people sign up for ones in their home city (paying with the
  // demo PIN for paid ones), and the organizer of the first paid one with attendees splits a bill.
  let billed = false;
  const homeCity = new Map<string, string>(demoUsers.map((u) => [u.username, u.homeCity]));
  const [y, m, d] = shanghaiToday();
  for (const [i, a] of demoActivities.entries()) {
    const startAt = Date.UTC(y, m - 1, d + a.startInDays, a.startHour - 8, a.startMinute);
    const activity = await services.activities.create(as(a.organizer), {
      title: a.title,
      description: a.description,
      interestIds: a.interestIds,
      startsAt: new Date(startAt).toISOString(),
      endsAt: new Date(startAt + a.durationMinutes * 60_000).toISOString(),
      capacity: a.capacity,
      priceFen: a.priceFen,
      groupId: a.groupName ? groupIds.get(a.groupName) : undefined,
      venue: a.venue,
    });
    // The first activity is promoted for a week with a label, as the operator would.
    if (i === 0) {
      await services.activities.setPromotion(
        activity.id,
        operator,
        startAt + a.durationMinutes * 60_000,
        '官方推荐',
      );
    }
    const joined: string[] = [];
    for (const u of demoUsers) {
      if (
        u.username !== a.organizer &&
        homeCity.get(u.username) === a.venue.city &&
        (i + u.username.length) % 3 === 0
      ) {
        const paid = { pin: DEMO_PIN, idempotencyKey: `demo-signup-${activity.id}-${u.username}` };
        const r = await services.activities
          .signup(activity.id, as(u.username), a.priceFen > 0 ? paid : {})
          .catch(() => undefined);
        if (r?.status === 'confirmed') joined.push(u.username);
      }
    }
    if (a.priceFen > 0 && !billed && joined.length >= 1) {
      billed = true;
      const [creator, payer] = [a.organizer, joined[0]!];
      const bill = await services.bills.create(as(creator), {
        title: '活动后聚餐 AA',
        activityId: activity.id,
        totalFen: 36_800,
        split: 'equal',
      });
      await services.bills.pay(as(payer), bill.id, DEMO_PIN, `demo-bill-${payer}`);
    }
  }
  return true;
}

/** Today's date in Asia/Shanghai as [year, month, day]. */
function shanghaiToday(): [number, number, number] {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const [y, m, d] = parts.split('-').map(Number);
  return [y!, m!, d!];
}
