import ICAL from 'ical.js';
import type { Kysely } from 'kysely';
import { backfillCheckinCodes } from '../src/server/platform/db/migrations/0015_checkin_codes_venues.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, requester } from './support/http.ts';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildActivity,
  buildGroup,
  buildRoleSet,
  buildUser,
  joinGroup,
  offsetKm,
  SHANGHAI,
  type TestUser,
} from './support/factories.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const req = requester(() => ctx.app);

/** A point of its own for each test, so nearby results are not shared between tests. */
let spot = 0;
const freshPoint = () => offsetKm(SHANGHAI, 300 + spot++ * 250, 0);

describe('creating activities', () => {
  it('creates one with times in Shanghai offset, public venue and zero sign-ups', async () => {
    const org = await buildUser(ctx.app, { displayName: '组织者' });
    const start = Date.UTC(2027, 0, 9, 1, 0);
    const a = await buildActivity(ctx.app, org, {
      startsAt: '2027-01-09T09:00:00+08:00',
      endsAt: '2027-01-09T12:00:00+08:00',
      capacity: 12,
      priceFen: 0,
      interestIds: ['hiking', 'photography'],
    });
    expect(a).toMatchObject({
      title: '周末爬山',
      descriptionHtml: '<p>一起去<strong>佘山</strong></p>\n',
      startsAt: '2027-01-09T09:00:00.000+08:00',
      endsAt: '2027-01-09T12:00:00.000+08:00',
      signupDeadline: '2027-01-09T09:00:00.000+08:00',
      status: 'published',
      capacity: 12,
      spotsLeft: 12,
      signupCount: 0,
      waitlistCount: 0,
      signupOpen: true,
      promoted: false,
      refundCutoffHours: 24,
      interestIds: ['hiking', 'photography'],
      organizer: { id: org.id, displayName: '组织者' },
      venue: { city: '上海', lat: SHANGHAI.lat, lng: SHANGHAI.lng },
      mySignup: null,
      sequence: 0,
    });
    expect(Date.parse(a.startsAt as string)).toBe(start);
    expect((await req('GET', `/api/v1/activities/${a.id}`)).json().title).toBe('周末爬山');
  });

  it.each([
    ['a start in the past', { startsAt: iso(Date.now() - HOUR) }],
    ['an end before the start', { endsAt: iso(Date.now() + 47 * HOUR) }],
    ['a deadline after the start', { signupDeadline: iso(Date.now() + 49 * HOUR) }],
    [
      'latitude out of range',
      { venue: { name: 'x', address: '', city: '上海', lat: 91, lng: 121 } },
    ],
    [
      'longitude out of range',
      { venue: { name: 'x', address: '', city: '上海', lat: 31, lng: 181 } },
    ],
    ['capacity 0', { capacity: 0 }],
    ['a negative price', { priceFen: -1 }],
    ['a fractional price', { priceFen: 9.5 }],
    ['an unknown interest', { interestIds: ['no-such'] }],
    ['a date that is not ISO', { startsAt: '下周六' }],
    ['no interests', { interestIds: [] }],
  ])('rejects %s with 400', async (_label, patch) => {
    const org = await buildUser(ctx.app);
    const start = Date.now() + 48 * HOUR;
    const payload = {
      title: '活动',
      description: '',
      interestIds: ['hiking'],
      startsAt: iso(start),
      endsAt: iso(start + 3 * HOUR),
      capacity: 10,
      priceFen: 0,
      venue: { name: '人民广场', address: '', city: '上海', ...SHANGHAI },
      ...patch,
    };
    expectError(await req('POST', '/api/v1/activities', org, payload), 400, 'invalid_input');
  });

  it('needs a session to create', async () => {
    expectError(await req('POST', '/api/v1/activities', undefined, { title: 'x' }), 401);
  });

  it('lets group members create group activities, or only admins when the group says so', async () => {
    const r = await buildRoleSet(ctx.app);
    expect((await buildActivity(ctx.app, r.member, { groupId: r.group.id })).groupId).toBe(
      r.group.id,
    );
    for (const who of [r.outsider, r.banned]) {
      expectError(
        await req('POST', '/api/v1/activities', who, {
          ...(await activityPayload()),
          groupId: r.group.id,
        }),
        403,
      );
    }
    await req('PATCH', `/api/v1/groups/${r.group.id}`, r.owner, { activityPolicy: 'admins' });
    expectError(
      await req('POST', '/api/v1/activities', r.member, {
        ...(await activityPayload()),
        groupId: r.group.id,
      }),
      403,
    );
    expect((await buildActivity(ctx.app, r.admin, { groupId: r.group.id })).groupId).toBe(
      r.group.id,
    );
    const list = (await req('GET', `/api/v1/groups/${r.group.id}/activities`)).json();
    expect(list.items).toHaveLength(2);
  });

  it('keeps an approval group’s activities to its members (404 for others)', async () => {
    const r = await buildRoleSet(ctx.app, 'approval');
    const a = await buildActivity(ctx.app, r.member, { groupId: r.group.id });
    for (const who of [undefined, r.outsider, r.pending, r.banned]) {
      expectError(await req('GET', `/api/v1/activities/${a.id}`, who), 404);
      expectError(await req('GET', `/api/v1/activities/${a.id}.ics`, who), 404);
    }
    expectError(await req('POST', `/api/v1/activities/${a.id}/signup`, r.outsider, {}), 404);
    expect((await req('GET', `/api/v1/activities/${a.id}`, r.admin)).statusCode).toBe(200);
    expectError(
      await req('POST', '/api/v1/activities', r.outsider, {
        ...(await activityPayload()),
        groupId: r.group.id,
      }),
      404,
    );
  });
});

async function activityPayload() {
  const start = Date.now() + 48 * HOUR;
  return {
    title: '活动',
    description: '',
    interestIds: ['hiking'],
    startsAt: iso(start),
    endsAt: iso(start + 3 * HOUR),
    capacity: 10,
    priceFen: 0,
    venue: { name: '人民广场', address: '', city: '上海', ...SHANGHAI },
  };
}

describe('changing and cancelling', () => {
  it('lets only the organizer change it; each change raises the sequence', async () => {
    const org = await buildUser(ctx.app);
    const other = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org);
    const res = await req('PATCH', `/api/v1/activities/${a.id}`, org, {
      title: '改期的爬山',
      capacity: 30,
    });
    expect(res.json()).toMatchObject({ title: '改期的爬山', capacity: 30, sequence: 1 });
    expectError(await req('PATCH', `/api/v1/activities/${a.id}`, other, { title: '我改' }), 403);
    expectError(
      await req('PATCH', `/api/v1/activities/${a.id}`, org, { startsAt: iso(Date.now() - HOUR) }),
      400,
    );
    expectError(await req('PATCH', `/api/v1/activities/${a.id}`, org, {}), 400);
  });

  it('refuses to shrink below confirmed sign-ups, and more places promote the waitlist in order', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, { capacity: 1 });
    const [u1, u2, u3] = await Promise.all([
      buildUser(ctx.app),
      buildUser(ctx.app),
      buildUser(ctx.app),
    ]);
    for (const u of [u1!, u2!, u3!]) await req('POST', `/api/v1/activities/${a.id}/signup`, u, {});
    await req('PATCH', `/api/v1/activities/${a.id}`, org, { capacity: 2 });
    expect((await req('GET', `/api/v1/activities/${a.id}`, u2)).json().mySignup).toMatchObject({
      status: 'confirmed',
      checkedIn: false,
    });
    expect((await req('GET', `/api/v1/activities/${a.id}`, u3)).json().mySignup).toMatchObject({
      status: 'waitlisted',
      position: 1,
      checkedIn: false,
    });
    expectError(await req('PATCH', `/api/v1/activities/${a.id}`, org, { capacity: 1 }), 409);
  });

  it('cancels: closed for sign-up, calendar says CANCELLED with a higher sequence', async () => {
    const org = await buildUser(ctx.app);
    const fan = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org);
    expectError(await req('POST', `/api/v1/activities/${a.id}/cancel`, fan, {}), 403);
    const res = await req('POST', `/api/v1/activities/${a.id}/cancel`, org, { reason: '天气不好' });
    expect(res.json()).toMatchObject({
      status: 'cancelled',
      cancelReason: '天气不好',
      signupOpen: false,
      sequence: 1,
    });
    expectError(
      await req('POST', `/api/v1/activities/${a.id}/signup`, fan, {}),
      409,
      'signup_closed',
    );
    expectError(await req('POST', `/api/v1/activities/${a.id}/cancel`, org, {}), 409);
    const cal = parseIcs((await req('GET', `/api/v1/activities/${a.id}.ics`)).body);
    expect(cal.status).toBe('CANCELLED');
    expect(cal.sequence).toBe(1);
  });
  it("keeps answering while the group's visibility and its activities change at once", async () => {
    // On PostgreSQL a visibility change once locked search documents before activity rows, and
    // an activity edit takes them the other way round: a deadlock and a 500 for one of them.
    const org = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, org);
    const acts = [];
    for (let i = 0; i < 4; i++) acts.push(await buildActivity(ctx.app, org, { groupId: g.id }));
    for (let round = 0; round < 8; round++) {
      const results = await Promise.all([
        req('PATCH', `/api/v1/groups/${g.id}`, org, {
          visibility: round % 2 ? 'public' : 'approval',
        }),
        ...acts.map((a) =>
          req('PATCH', `/api/v1/activities/${a.id}`, org, { title: `第${round}次改名` }),
        ),
      ]);
      expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 200));
    }
    const stranger = await buildUser(ctx.app);
    // The last round made it public again: its activities are public with it, under the new name.
    const seen = await req('GET', `/api/v1/activities/${acts[0]!.id}`, stranger);
    expect(seen.json()).toMatchObject({ title: '第7次改名' });
  });
});

describe('sign-up and waitlist', () => {
  it('200 people at once for 50 places: exactly 50 confirmed, 150 waitlisted in order', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, { capacity: 50 });
    const people = await Promise.all(Array.from({ length: 200 }, () => buildUser(ctx.app)));
    const results = await Promise.all(
      people.map((p) => req('POST', `/api/v1/activities/${a.id}/signup`, p, {})),
    );
    const bodies = results.map((r) => r.json());
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(bodies.filter((b) => b.status === 'confirmed')).toHaveLength(50);
    const positions = bodies
      .filter((b) => b.status === 'waitlisted')
      .map((b) => b.position)
      .sort((x, y) => x - y);
    expect(positions).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const view = (await req('GET', `/api/v1/activities/${a.id}`)).json();
    expect(view).toMatchObject({ signupCount: 50, waitlistCount: 150, spotsLeft: 0 });
    const rows = await ctx.database.db
      .selectFrom('activitySignups')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('activityId', '=', a.id)
      .groupBy('status')
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))).toEqual({
      confirmed: 50,
      waitlisted: 150,
    });
    // Nobody twice: the same people again are refused.
    const again = await Promise.all(
      people.slice(0, 20).map((p) => req('POST', `/api/v1/activities/${a.id}/signup`, p, {})),
    );
    expect(
      again.every((r) => r.statusCode === 409 && r.json().error.code === 'already_signed_up'),
    ).toBe(true);
  }, 120_000);

  it('a confirmed cancellation promotes the first on the waitlist; a waitlisted one moves the rest up', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, { capacity: 2 });
    const [p1, p2, w1, w2, w3] = await Promise.all(
      Array.from({ length: 5 }, () => buildUser(ctx.app)),
    );
    for (const u of [p1!, p2!, w1!, w2!, w3!])
      await req('POST', `/api/v1/activities/${a.id}/signup`, u, {});
    const waitlist = async () =>
      (await req('GET', `/api/v1/activities/${a.id}/attendees?status=waitlisted`, org))
        .json()
        .items.map((x: { user: { id: string }; position: number }) => [x.user.id, x.position]);
    expect(await waitlist()).toEqual([
      [w1!.id, 1],
      [w2!.id, 2],
      [w3!.id, 3],
    ]);
    expect((await req('DELETE', `/api/v1/activities/${a.id}/signup`, p1)).statusCode).toBe(204);
    expect((await req('GET', `/api/v1/activities/${a.id}`, w1)).json().mySignup.status).toBe(
      'confirmed',
    );
    expect(await waitlist()).toEqual([
      [w2!.id, 1],
      [w3!.id, 2],
    ]);
    await req('DELETE', `/api/v1/activities/${a.id}/signup`, w2);
    expect(await waitlist()).toEqual([[w3!.id, 1]]);
    expect((await req('GET', `/api/v1/activities/${a.id}`, w3)).json().mySignup).toMatchObject({
      status: 'waitlisted',
      position: 1,
    });
    const confirmed = (await req('GET', `/api/v1/activities/${a.id}/attendees`, org))
      .json()
      .items.map((x: { user: { id: string } }) => x.user.id);
    expect(confirmed.sort()).toEqual([p2!.id, w1!.id].sort());
    expectError(await req('DELETE', `/api/v1/activities/${a.id}/signup`, p1), 404);
    // Signing up again after cancelling goes to the back of the line.
    expect((await req('POST', `/api/v1/activities/${a.id}/signup`, p1, {})).json()).toEqual({
      status: 'waitlisted',
      position: 2,
    });
  });

  it('closes sign-up after the deadline', async () => {
    const org = await buildUser(ctx.app);
    const fan = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org);
    await ctx.database.db
      .updateTable('activities')
      .set({ signupDeadline: Date.now() - 1000 })
      .where('id', '=', a.id)
      .execute();
    expectError(
      await req('POST', `/api/v1/activities/${a.id}/signup`, fan, {}),
      409,
      'signup_closed',
    );
    expect((await req('GET', `/api/v1/activities/${a.id}`)).json().signupOpen).toBe(false);
    expectError(await req('POST', `/api/v1/activities/${a.id}/signup`, undefined, {}), 401);
    expectError(await req('POST', '/api/v1/activities/nope/signup', fan, {}), 404);
  });

  it('shows the organizer the attendee list, and nobody else', async () => {
    const org = await buildUser(ctx.app);
    const fan = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org);
    await req('POST', `/api/v1/activities/${a.id}/signup`, fan, {});
    expect(
      (await req('GET', `/api/v1/activities/${a.id}/attendees`, org)).json().items[0].user.id,
    ).toBe(fan.id);
    expectError(await req('GET', `/api/v1/activities/${a.id}/attendees`, fan), 403);
    expectError(await req('GET', `/api/v1/activities/${a.id}/attendees`), 401);
    const mine = (await req('GET', '/api/v1/me/activities', fan)).json();
    expect(mine.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
  });
});

describe('check-in', () => {
  it('lets the organizer check in confirmed attendees once the activity is near', async () => {
    const org = await buildUser(ctx.app);
    const fan = await buildUser(ctx.app);
    const stranger = await buildUser(ctx.app);
    const soon = Date.now() + HOUR;
    const a = await buildActivity(ctx.app, org, {
      startsAt: iso(soon),
      endsAt: iso(soon + 2 * HOUR),
    });
    await req('POST', `/api/v1/activities/${a.id}/signup`, fan, {});
    expectError(
      await req('POST', `/api/v1/activities/${a.id}/checkin`, fan, { userId: fan.id }),
      403,
    );
    expectError(
      await req('POST', `/api/v1/activities/${a.id}/checkin`, org, { userId: stranger.id }),
      404,
    );
    const res = await req('POST', `/api/v1/activities/${a.id}/checkin`, org, { userId: fan.id });
    expect(res.json()).toMatchObject({
      user: { id: fan.id },
      status: 'confirmed',
      checkedIn: true,
    });
    expect((await req('GET', `/api/v1/activities/${a.id}`, fan)).json().mySignup.checkedIn).toBe(
      true,
    );
    const later = await buildActivity(ctx.app, org);
    await req('POST', `/api/v1/activities/${later.id}/signup`, fan, {});
    expectError(
      await req('POST', `/api/v1/activities/${later.id}/checkin`, org, { userId: fan.id }),
      409,
    );
  });
});

describe('check-in codes', () => {
  const soonActivity = (org: TestUser) => {
    const soon = Date.now() + HOUR;
    return buildActivity(ctx.app, org, { startsAt: iso(soon), endsAt: iso(soon + 2 * HOUR) });
  };
  const checkin = (id: string, who: TestUser | undefined, body: object) =>
    req('POST', `/api/v1/activities/${id}/checkin`, who, body);

  it('shows each confirmed attendee their own code, and nobody else any code', async () => {
    const org = await buildUser(ctx.app);
    const [fan, fan2, waiting, other] = await Promise.all(
      [1, 2, 3, 4].map(() => buildUser(ctx.app)),
    );
    const a = await buildActivity(ctx.app, org, { capacity: 2 });
    for (const u of [fan, fan2, waiting]) {
      await req('POST', `/api/v1/activities/${a.id}/signup`, u, {});
    }
    const mine = (await req('GET', `/api/v1/activities/${a.id}`, fan)).json();
    const theirs = (await req('GET', `/api/v1/activities/${a.id}`, fan2)).json();
    expect(mine.mySignup.checkinCode).toMatch(/^\d{6}$/);
    expect(theirs.mySignup.checkinCode).toMatch(/^\d{6}$/);
    expect(theirs.mySignup.checkinCode).not.toBe(mine.mySignup.checkinCode);
    const w = (await req('GET', `/api/v1/activities/${a.id}`, waiting)).json();
    expect(w.mySignup).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(w.mySignup.checkinCode).toBeUndefined();
    for (const viewer of [org, other, undefined]) {
      const res = await req('GET', `/api/v1/activities/${a.id}`, viewer);
      expect(res.body).not.toContain(mine.mySignup.checkinCode);
      expect(res.json().mySignup).toBeNull();
    }
    const list = await req('GET', `/api/v1/activities/${a.id}/attendees`, org);
    expect(list.body).not.toContain(mine.mySignup.checkinCode);
    expect(list.body).not.toContain('checkinCode');
  });

  it('checks in by the typed code; wrong codes and other activities’ codes are a 400', async () => {
    const org = await buildUser(ctx.app);
    const fan = await buildUser(ctx.app);
    const a = await soonActivity(org);
    const b = await soonActivity(org);
    await req('POST', `/api/v1/activities/${a.id}/signup`, fan, {});
    await req('POST', `/api/v1/activities/${b.id}/signup`, fan, {});
    const code = (await req('GET', `/api/v1/activities/${a.id}`, fan)).json().mySignup.checkinCode;
    const codeB = (await req('GET', `/api/v1/activities/${b.id}`, fan)).json().mySignup.checkinCode;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const notCodeB =
      wrong === codeB ? String((Number(code) + 2) % 1_000_000).padStart(6, '0') : wrong;
    expectError(await checkin(a.id, org, { code: notCodeB }), 400, 'wrong_checkin_code');
    if (codeB !== code) {
      expectError(await checkin(a.id, org, { code: codeB }), 400, 'wrong_checkin_code');
    }
    expectError(await checkin(a.id, org, { code: '12ab56' }), 400, 'invalid_input');
    expectError(await checkin(a.id, org, { code, userId: fan.id }), 400, 'invalid_input');
    expectError(await checkin(a.id, org, {}), 400, 'invalid_input');
    // Only the organizer: the attendee, another member and anonymous cannot use a code.
    expectError(await checkin(a.id, fan, { code }), 403, 'forbidden');
    expectError(await checkin(a.id, await buildUser(ctx.app), { code }), 403, 'forbidden');
    expectError(await checkin(a.id, undefined, { code }), 401);
    expect((await req('GET', `/api/v1/activities/${a.id}`, fan)).json().mySignup.checkedIn).toBe(
      false,
    );
    const res = await checkin(a.id, org, { code });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { id: fan.id }, checkedIn: true });
    expect((await req('GET', `/api/v1/activities/${a.id}`, fan)).json().mySignup.checkedIn).toBe(
      true,
    );
    // Checking in again is harmless; b is untouched.
    expect((await checkin(a.id, org, { code })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/activities/${b.id}`, fan)).json().mySignup.checkedIn).toBe(
      false,
    );
  });

  it('refuses codes outside the check-in window with checkin_closed', async () => {
    const org = await buildUser(ctx.app);
    const fan = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org);
    await req('POST', `/api/v1/activities/${a.id}/signup`, fan, {});
    const code = (await req('GET', `/api/v1/activities/${a.id}`, fan)).json().mySignup.checkinCode;
    const res = await checkin(a.id, org, { code });
    expectError(res, 409, 'checkin_closed');
    expect(res.json().error.details.opensAt).toMatch(/\+08:00$/);
  });

  it('locks code entry after 10 wrong codes, even for the right one', async () => {
    const org = await buildUser(ctx.app);
    const fan = await buildUser(ctx.app);
    const a = await soonActivity(org);
    await req('POST', `/api/v1/activities/${a.id}/signup`, fan, {});
    const code = (await req('GET', `/api/v1/activities/${a.id}`, fan)).json().mySignup.checkinCode;
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 9; i++) {
      expectError(await checkin(a.id, org, { code: wrong }), 400, 'wrong_checkin_code');
    }
    const tenth = await checkin(a.id, org, { code: wrong });
    expectError(tenth, 429, 'checkin_locked');
    expect(Date.parse(tenth.json().error.details.until)).toBeGreaterThan(Date.now() + 14 * 60_000);
    expectError(await checkin(a.id, org, { code }), 429, 'checkin_locked');
    // A tap in the attendee list still works while code entry is locked.
    expect((await checkin(a.id, org, { userId: fan.id })).json().checkedIn).toBe(true);
  });

  it('backfills codes for sign-ups that have none (migration 0015), unique in the activity', async () => {
    const org = await buildUser(ctx.app);
    const fans = await Promise.all([1, 2, 3].map(() => buildUser(ctx.app)));
    const a = await buildActivity(ctx.app, org);
    for (const u of fans) await req('POST', `/api/v1/activities/${a.id}/signup`, u, {});
    const codes = () =>
      ctx.database.db
        .selectFrom('activitySignups')
        .select(['userId', 'checkinCode'])
        .where('activityId', '=', a.id)
        .execute();
    const kept = (await codes()).find((r) => r.userId === fans[0]!.id)!.checkinCode;
    // As before the migration: two sign-ups without a code.
    await ctx.database.db
      .updateTable('activitySignups')
      .set({ checkinCode: null })
      .where('activityId', '=', a.id)
      .where('userId', '!=', fans[0]!.id)
      .execute();
    expect(await backfillCheckinCodes(ctx.database.db as unknown as Kysely<unknown>)).toBe(2);
    const after = await codes();
    expect(after.every((r) => /^\d{6}$/.test(r.checkinCode ?? ''))).toBe(true);
    expect(new Set(after.map((r) => r.checkinCode)).size).toBe(3);
    expect(after.find((r) => r.userId === fans[0]!.id)!.checkinCode).toBe(kept);
    const view = (await req('GET', `/api/v1/activities/${a.id}`, fans[1])).json();
    expect(view.mySignup.checkinCode).toBe(
      after.find((r) => r.userId === fans[1]!.id)!.checkinCode,
    );
  });
});

describe('venue suggestions', () => {
  const venue = (name: string, address: string, city: string, p = SHANGHAI) => ({
    venue: { name, address, city, ...p },
  });
  const suggest = async (params: Record<string, string>, who?: TestUser) =>
    (await req('GET', `/api/v1/venues?${new URLSearchParams(params)}`, who)).json().items as {
      name: string;
      address: string;
      city: string;
      uses: number;
    }[];

  it('suggests distinct past venues by Chinese text within a city, most used first', async () => {
    const org = await buildUser(ctx.app);
    const tag = `馆${spot++}`;
    await buildActivity(ctx.app, org, venue(`静安体育${tag}`, '南京西路1号', '苏州'));
    await buildActivity(ctx.app, org, venue(`静安体育${tag}`, '南京西路1号', '苏州'));
    await buildActivity(ctx.app, org, venue(`徐汇体育${tag}`, '漕溪北路2号', '苏州'));
    await buildActivity(ctx.app, org, venue(`静安体育${tag}`, '南京西路1号', '杭州'));
    const items = await suggest({ q: `体育${tag}`, city: '苏州' });
    expect(items.map((v) => [v.name, v.uses])).toEqual([
      [`静安体育${tag}`, 2],
      [`徐汇体育${tag}`, 1],
    ]);
    expect(items.every((v) => v.city === '苏州')).toBe(true);
    // Two Chinese characters match, in the name or the address; anonymous callers too.
    expect((await suggest({ q: '漕溪', city: '苏州' })).map((v) => v.name)).toContain(
      `徐汇体育${tag}`,
    );
    expect((await suggest({ q: '静安', city: '杭州' })).map((v) => v.name)).toContain(
      `静安体育${tag}`,
    );
    // LIKE wildcards are text, not patterns.
    expect(await suggest({ q: '%', city: '苏州' })).toEqual([]);
    expect(await suggest({ q: `体育${tag}`, city: '成都' })).toEqual([]);
    expect((await suggest({ city: '苏州', limit: '1' })).length).toBe(1);
  });

  it('suggests private groups’ venues but never their titles', async () => {
    const owner = await buildUser(ctx.app);
    const group = await buildGroup(ctx.app, owner, { visibility: 'approval' });
    const tag = `秘${spot++}`;
    await buildActivity(ctx.app, owner, {
      groupId: group.id,
      title: `秘密聚会${tag}`,
      ...venue(`湖畔茶室${tag}`, '西湖路3号', '无锡'),
    });
    const res = await req(
      'GET',
      `/api/v1/venues?${new URLSearchParams({ q: '湖畔', city: '无锡' })}`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((v: { name: string }) => v.name)).toContain(`湖畔茶室${tag}`);
    expect(res.body).not.toContain('秘密聚会');
  });

  it('counts a changed venue as used', async () => {
    const org = await buildUser(ctx.app);
    const tag = `改${spot++}`;
    const a = await buildActivity(ctx.app, org, venue(`旧场地${tag}`, '', '南通'));
    await req('PATCH', `/api/v1/activities/${a.id}`, org, venue(`新场地${tag}`, '', '南通'));
    expect((await suggest({ q: tag, city: '南通' })).map((v) => v.name).sort()).toEqual(
      [`新场地${tag}`, `旧场地${tag}`].sort(),
    );
    expectError(await req('GET', '/api/v1/venues?limit=50'), 400, 'invalid_input');
  });
});

function parseIcs(text: string) {
  const comp = new ICAL.Component(ICAL.parse(text));
  const vevent = comp.getFirstSubcomponent('vevent')!;
  const event = new ICAL.Event(vevent);
  return {
    comp,
    vevent,
    event,
    status: vevent.getFirstPropertyValue('status'),
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
  };
}

describe('calendar export', () => {
  it('serves a valid RFC 5545 calendar that a calendar library reads back', async () => {
    const org = await buildUser(ctx.app, { displayName: '李小明' });
    const a = await buildActivity(ctx.app, org, {
      title: '佘山徒步',
      startsAt: '2027-03-06T09:00:00+08:00',
      endsAt: '2027-03-06T15:30:00+08:00',
      venue: {
        name: '佘山国家森林公园',
        address: '松江区外青松公路9258号',
        city: '上海',
        lat: 31.0966,
        lng: 121.1883,
      },
    });
    const res = await req('GET', `/api/v1/activities/${a.id}.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/calendar');
    const cal = parseIcs(res.body);
    expect(cal.event.uid).toBe(`${a.id}@quanzi`);
    expect(cal.event.summary).toBe('佘山徒步');
    expect(cal.event.location).toContain('佘山国家森林公园');
    expect(cal.status).toBe('CONFIRMED');
    expect(cal.sequence).toBe(0);
    const start = cal.vevent.getFirstProperty('dtstart')!;
    expect(start.getParameter('tzid')).toBe('Asia/Shanghai');
    expect(String(start.getFirstValue())).toBe('2027-03-06T09:00:00');
    const tz = cal.comp.getFirstSubcomponent('vtimezone')!;
    ICAL.TimezoneService.register(tz);
    expect(cal.event.startDate.toUnixTime()).toBe(Date.parse('2027-03-06T01:00:00Z') / 1000);
    expect(cal.event.endDate.toUnixTime()).toBe(Date.parse('2027-03-06T07:30:00Z') / 1000);
    expect(cal.vevent.getFirstPropertyValue('geo')).toEqual([31.0966, 121.1883]);
    expect(String(cal.vevent.getFirstPropertyValue('url'))).toBe(
      `${ctx.config.publicUrl}/activities/${a.id}`,
    );
    await req('PATCH', `/api/v1/activities/${a.id}`, org, { title: '佘山徒步（改）' });
    const after = parseIcs((await req('GET', `/api/v1/activities/${a.id}.ics`)).body);
    expect(after.sequence).toBe(1);
    expect(after.event.summary).toBe('佘山徒步（改）');
  });
});

describe('nearby and popular', () => {
  async function scene() {
    const center = freshPoint();
    const org = await buildUser(ctx.app);
    const make = (northKm: number, eastKm: number, extra: Record<string, unknown> = {}) =>
      buildActivity(ctx.app, org, {
        venue: { name: '场地', address: '', city: '上海', ...offsetKm(center, northKm, eastKm) },
        ...extra,
      });
    return { center, org, make };
  }
  const nearby = (center: { lat: number; lng: number }, extra = '', user?: TestUser) =>
    req('GET', `/api/v1/activities/nearby?lat=${center.lat}&lng=${center.lng}${extra}`, user);

  it('returns only upcoming activities inside the radius, each with distance, in score order', async () => {
    const { center, make } = await scene();
    const inside = [await make(1, 0), await make(0, 4), await make(-6, -3)];
    await make(15, 0); // outside 10 km
    const res = (await nearby(center, '&radiusKm=10')).json();
    expect(res.items.map((x: { id: string }) => x.id).sort()).toEqual(
      inside.map((x) => x.id).sort(),
    );
    for (const item of res.items) {
      expect(item.distanceKm).toBeLessThanOrEqual(10);
      expect(item).toMatchObject({ signupCount: 0, promoted: false, score: expect.any(Number) });
    }
    const scores = res.items.map((x: { score: number }) => x.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    const wide = (await nearby(center, '&radiusKm=20')).json();
    expect(wide.items).toHaveLength(4);
  });

  it('personalises by my interests: the order changes when my interests do', async () => {
    const { center, make } = await scene();
    const tea = await make(2, 0, { interestIds: ['tea'], title: '品茶' });
    const run = await make(2, 0.1, { interestIds: ['running'], title: '夜跑' });
    const me = await buildUser(ctx.app);
    await req('PUT', '/api/v1/me/interests', me, { interestIds: ['tea'] });
    const first = (await nearby(center, '', me)).json();
    expect(first.items[0].id).toBe(tea.id);
    expect(first.items[0].scoreParts.interest).toBe(1);
    await req('PUT', '/api/v1/me/interests', me, { interestIds: ['running'] });
    const second = (await nearby(center, '', me)).json();
    expect(second.items[0].id).toBe(run.id);
    // Anonymous: no personal part at all.
    const anon = (await nearby(center)).json();
    expect(
      anon.items.every((x: { scoreParts: { interest: number } }) => x.scoreParts.interest === 0),
    ).toBe(true);
    const onlyTea = (await nearby(center, '&interest=tea')).json();
    expect(onlyTea.items.map((x: { id: string }) => x.id)).toEqual([tea.id]);
  });

  it('ranks a popular activity above an equal quiet one', async () => {
    const { center, make } = await scene();
    const quiet = await make(1, 0);
    const busy = await make(1, 0);
    const fans = await Promise.all(Array.from({ length: 5 }, () => buildUser(ctx.app)));
    for (const f of fans) await req('POST', `/api/v1/activities/${busy.id}/signup`, f, {});
    const res = (await nearby(center)).json();
    expect(res.items.map((x: { id: string }) => x.id)).toEqual([busy.id, quiet.id]);
    expect(res.items[0].signupCount).toBe(5);
    expect(res.items[0].scoreParts.popularity).toBeGreaterThan(res.items[1].scoreParts.popularity);
  });

  it('counts a view when the client posts it, never when it reads the activity', async () => {
    const { center, org, make } = await scene();
    const a = await make(1, 0);
    const fan = await buildUser(ctx.app);
    const popularity = async () =>
      (await nearby(center)).json().items[0].scoreParts.popularity as number;
    expect(await popularity()).toBe(0);
    expect((await req('GET', `/api/v1/activities/${a.id}`, fan)).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/activities/${a.id}`)).statusCode).toBe(200);
    expect(await popularity()).toBe(0);
    expect((await req('POST', `/api/v1/activities/${a.id}/views`, org)).statusCode).toBe(204);
    expect(await popularity()).toBe(0); // the organizer's own view does not count
    expect((await req('POST', `/api/v1/activities/${a.id}/views`, fan)).statusCode).toBe(204);
    expect((await req('POST', `/api/v1/activities/${a.id}/views`)).statusCode).toBe(204);
    expect(await popularity()).toBeGreaterThan(0);
    expectError(await req('POST', '/api/v1/activities/nope/views', fan), 404, 'not_found');
  });

  it('labels promoted activities and shows at most one in five; pages never repeat', async () => {
    const { center, make } = await scene();
    const op = await buildUser(ctx.app);
    await ctx.database.db
      .updateTable('users')
      .set({ role: 'operator' })
      .where('id', '=', op.id)
      .execute();
    const all = [];
    for (let i = 0; i < 14; i++) all.push(await make(i * 0.3, 0));
    const promotedIds = all.slice(10).map((a) => a.id);
    for (const id of promotedIds) {
      const res = await req('PUT', `/api/v1/activities/${id}/promotion`, op, {
        until: iso(Date.now() + 24 * HOUR),
      });
      expect(res.json().promoted).toBe(true);
    }
    expectError(
      await req(
        'PUT',
        `/api/v1/activities/${all[0]!.id}/promotion`,
        all[0] ? await buildUser(ctx.app) : op,
        { until: iso(Date.now() + HOUR) },
      ),
      403,
    );
    const seen: { id: string; promoted: boolean }[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; promoted: boolean }[]; nextCursor: string | null } = (
        await nearby(center, `&limit=5${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(14);
    expect(new Set(seen.map((x) => x.id)).size).toBe(14);
    // One promoted slot in every five positions (0, 5, 10); once the 10 organic ones run out,
    // the leftover promoted one fills in at the end.
    expect(seen.flatMap((x, i) => (x.promoted ? [i] : []))).toEqual([0, 5, 10, 13]);
    expect(
      seen
        .filter((x) => x.promoted)
        .map((x) => x.id)
        .sort(),
    ).toEqual([...promotedIds].sort());
  });

  it('fills a page with promoted activities when the organic ones run out', async () => {
    const { center, make } = await scene();
    const op = await buildUser(ctx.app);
    await ctx.database.db
      .updateTable('users')
      .set({ role: 'operator' })
      .where('id', '=', op.id)
      .execute();
    // One organic activity and five promoted: the first page of five is P O P P P, the second P.
    const all = [];
    for (let i = 0; i < 6; i++) all.push(await make(i * 0.3, 0));
    for (const a of all.slice(1)) {
      const res = await req('PUT', `/api/v1/activities/${a.id}/promotion`, op, {
        until: iso(Date.now() + 24 * HOUR),
      });
      expect(res.statusCode).toBe(200);
    }
    const first = (await nearby(center, '&limit=5')).json();
    expect(first.items.map((x: { promoted: boolean }) => x.promoted)).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
    const second = (await nearby(center, `&limit=5&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((x: { promoted: boolean }) => x.promoted)).toEqual([true]);
    expect(second.nextCursor).toBeNull();
  });

  it('validates the query', async () => {
    const c = SHANGHAI;
    for (const extra of [
      '&radiusKm=0',
      '&radiusKm=101',
      '&radiusKm=abc',
      '&from=bad',
      '&limit=51',
    ]) {
      expectError(await nearby(c, extra), 400);
    }
    expectError(await req('GET', '/api/v1/activities/nearby?lat=91&lng=0'), 400);
    expectError(await req('GET', '/api/v1/activities/nearby?lng=0'), 400);
    expectError(
      await nearby(c, `&from=${iso(Date.now() + 10 * HOUR)}&to=${iso(Date.now() + HOUR)}`),
      400,
    );
    expectError(await nearby(c, `&to=${iso(Date.now() + 100 * 24 * HOUR)}`), 400);
    expectError(await nearby(c, '&cursor=garbage'), 400, 'invalid_cursor');
  });

  it('keeps my location only as a coarse cell, and only when I set my area', async () => {
    const me = await buildUser(ctx.app);
    const area = () =>
      ctx.database.db.selectFrom('userAreas').selectAll().where('userId', '=', me.id).execute();
    // A nearby query (a GET) stores nothing.
    await nearby({ lat: 31.23456, lng: 121.47654 }, '', me);
    expect(await area()).toEqual([]);
    const set = await req('PUT', '/api/v1/me/area', me, { lat: 31.23456, lng: 121.47654 });
    expect(set.json()).toEqual({ area: 'wtw3s' });
    const row = await ctx.database.db
      .selectFrom('userAreas')
      .selectAll()
      .where('userId', '=', me.id)
      .executeTakeFirstOrThrow();
    expect(row.cell5).toHaveLength(5);
    expect(JSON.stringify(row)).not.toMatch(/31\.23|121\.47/);
  });
});

describe('interests learn from behaviour', () => {
  it('signing up and joining raise learned weights; chosen ones stay at 1', async () => {
    const org = await buildUser(ctx.app);
    const me = await buildUser(ctx.app);
    await req('PUT', '/api/v1/me/interests', me, { interestIds: ['tea'] });
    const a = await buildActivity(ctx.app, org, { interestIds: ['tea', 'pottery'] });
    await req('POST', `/api/v1/activities/${a.id}/signup`, me, {});
    const g = await buildGroup(ctx.app, org, { interestIds: ['pottery', 'painting'] });
    await joinGroup(ctx.app, g, me);
    await ctx.app.services.dispatcher.drain();
    const mine = (await req('GET', '/api/v1/me/interests', me)).json().items;
    const w = Object.fromEntries(mine.map((x: { id: string; weight: number }) => [x.id, x.weight]));
    expect(w).toEqual({ tea: 1, pottery: 0.5, painting: 0.2 });
    expect(mine.find((x: { id: string }) => x.id === 'pottery').chosen).toBe(false);
  });
});

describe('search and completion', () => {
  it('finds activities by a Chinese word; a cancelled one is gone', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org, {
      title: '西湖夜跑',
      description: '断桥集合，跑完喝咖啡',
    });
    const hits = (
      await req('GET', `/api/v1/search?type=activities&q=${encodeURIComponent('断桥')}`)
    ).json();
    expect(hits.items.map((h: { activity: { id: string } }) => h.activity.id)).toContain(a.id);
    await req('POST', `/api/v1/activities/${a.id}/cancel`, org, {});
    const after = (
      await req('GET', `/api/v1/search?type=activities&q=${encodeURIComponent('断桥')}`)
    ).json();
    expect(after.items.map((h: { activity: { id: string } }) => h.activity.id)).not.toContain(a.id);
  });

  it('marks ended activities completed', async () => {
    const org = await buildUser(ctx.app);
    const a = await buildActivity(ctx.app, org);
    await ctx.database.db
      .updateTable('activities')
      .set({ startAt: Date.now() - 3 * HOUR, endAt: Date.now() - HOUR })
      .where('id', '=', a.id)
      .execute();
    expect(await ctx.app.services.activities.completeEnded()).toBeGreaterThanOrEqual(1);
    expect((await req('GET', `/api/v1/activities/${a.id}`)).json().status).toBe('completed');
  });
});
