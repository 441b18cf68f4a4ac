import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './support/context.ts';
import {
  buildActivity,
  buildGroup,
  buildPost,
  buildThread,
  buildUser,
  joinGroup,
  type TestUser,
} from './support/factories.ts';
import { expectError, requester } from './support/http.ts';
import { PIN, expectLedgerOk, fundedUser, newKey, topup } from './support/wallet.ts';
import { openStream } from './support/ws.ts';

/** "Your data": the export, and account deletion (anonymised, sessions ended, ledger kept). */
let ctx: TestContext;
let base: string;
beforeAll(async () => {
  ctx = await createTestApp();
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
afterAll(() => ctx.close());

const req = requester(() => ctx.app);
const del = (u: TestUser | undefined, password: string) =>
  req('DELETE', '/api/v1/me', u, { password });

/** A person who posted, reacted, chatted, paid a split-bill share and signed up for things. */
async function busyPerson() {
  const person = await fundedUser(ctx.app, 3000);
  const friend = await fundedUser(ctx.app, 0);
  const g = await buildGroup(ctx.app, friend);
  await joinGroup(ctx.app, g, person);
  const t = await buildThread(ctx.app, g, person);
  const post = await buildPost(ctx.app, t.id, person, '我的回帖：周末去爬山');
  const conv = (await req('POST', '/api/v1/conversations', friend, { userId: person.id })).json();
  await req('POST', `/api/v1/conversations/${conv.id}/messages`, friend, { body: '在吗？' });
  await req('POST', `/api/v1/conversations/${conv.id}/messages`, person, { body: '在的！' });
  const bill = (
    await req('POST', '/api/v1/bills', friend, {
      title: '聚餐 AA',
      totalFen: 6000,
      split: 'equal',
      groupId: g.id,
      userIds: [person.id],
    })
  ).json();
  const paid = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/bills/${bill.id}/pay`,
    headers: { ...person.auth, 'idempotency-key': newKey() },
    payload: { pin: PIN },
  });
  expect(paid.statusCode).toBe(200);
  // A free upcoming activity with a place, which deletion gives up.
  const free = await buildActivity(ctx.app, friend, { capacity: 1 });
  expect((await req('POST', `/api/v1/activities/${free.id}/signup`, person)).statusCode).toBe(200);
  const waiting = await buildUser(ctx.app);
  await req('POST', `/api/v1/activities/${free.id}/signup`, waiting);
  return { person, friend, g, t, post, conv, bill, free, waiting };
}

describe('GET /api/v1/me/export', () => {
  it('is a JSON download of everything held about me, and nobody else’s private data', async () => {
    const { person, friend, g, post, conv, bill, free } = await busyPerson();
    expectError(await req('GET', '/api/v1/me/export', undefined), 401, 'unauthenticated');
    const res = await req('GET', '/api/v1/me/export', person);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="quanzi-data-/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const data = res.json();
    expect(data.format).toBe('quanzi-export-1');
    expect(data.profile).toMatchObject({ id: person.id, username: person.username });
    expect(JSON.stringify(data)).not.toMatch(/passwordHash|tokenHash|pinHash/);
    expect(data.memberships).toEqual(
      expect.arrayContaining([expect.objectContaining({ groupId: g.id, role: 'member' })]),
    );
    expect(data.posts.map((p: { id: string; body: string }) => p.id)).toContain(post.id);
    expect(data.posts.find((p: { id: string }) => p.id === post.id).body).toBe(
      '我的回帖：周末去爬山',
    );
    const c = data.conversations.find((x: { id: string }) => x.id === conv.id);
    expect(c.with.id).toBe(friend.id);
    expect(c.messages.map((m: { body: string; fromMe: boolean }) => [m.body, m.fromMe])).toEqual([
      ['在吗？', false],
      ['在的！', true],
    ]);
    expect(data.signups.map((s: { activityId: string }) => s.activityId)).toContain(free.id);
    expect(data.wallet.balanceFen).toBe(0);
    expect(data.wallet.ledgerLines.map((l: { amountFen: number }) => l.amountFen)).toEqual([
      3000, -3000,
    ]);
    expect(data.wallet.billShares).toEqual([
      expect.objectContaining({ billId: bill.id, amountFen: 3000, paidAt: expect.any(String) }),
    ]);
    expect(data.sessions).toEqual([
      expect.objectContaining({ current: true, createdAt: expect.any(String) }),
    ]);
    expect(data.loginAddresses.note).toMatch(/hash/);
    expect(data.loginAddresses.entries[0].addressHash).toMatch(/^[0-9a-f]{64}$/);
    // The friend's export holds the same conversation from their side, and not my wallet.
    const theirs = (await req('GET', '/api/v1/me/export', friend)).json();
    expect(theirs.profile.id).toBe(friend.id);
    expect(JSON.stringify(theirs.wallet)).not.toContain(person.id);
  });
});

describe('DELETE /api/v1/me', () => {
  it('anonymises the account, ends its sessions and streams, keeps its posts and the ledger', async () => {
    const { person, friend, t, post, conv, free, waiting } = await busyPerson();
    expectError(await del(undefined, 'x'), 401, 'unauthenticated');
    expectError(await del(person, 'not my password'), 403, 'wrong_password');
    const second = await req('POST', '/api/v1/auth/login', undefined, {
      username: person.username,
      password: person.password,
    });
    const secondToken = second.json().token as string;
    const socket = await openStream(base, person.token);
    const socketClosed = new Promise<number>((resolve) => socket.ws.once('close', resolve));

    const res = await del(person, person.password);
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/quanzi_session=;/);

    // Every session is dead, the open stream is closed, and logging in fails.
    expectError(await req('GET', '/api/v1/me', person), 401);
    expect(
      (
        await ctx.app.inject({
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${secondToken}` },
        })
      ).statusCode,
    ).toBe(401);
    await ctx.app.services.dispatcher.drain();
    expect(await socketClosed).toBe(4401);
    expectError(
      await req('POST', '/api/v1/auth/login', undefined, {
        username: person.username,
        password: person.password,
      }),
      401,
      'invalid_credentials',
    );

    // Others see 已注销用户 on the post and in the conversation, which stays.
    const posts = (await req('GET', `/api/v1/threads/${t.id}/posts`, friend)).json().items;
    expect(posts.find((p: { id: string }) => p.id === post.id).author).toMatchObject({
      id: person.id,
      displayName: '已注销用户',
      username: `deleted_${person.id}`,
    });
    const profile = (await req('GET', `/api/v1/users/${person.id}`, friend)).json();
    expect(profile).toMatchObject({ displayName: '已注销用户', bio: '', avatarUrl: null });
    const msgs = (await req('GET', `/api/v1/conversations/${conv.id}/messages`, friend)).json();
    expect(
      msgs.items.map((m: { sender: { displayName: string } }) => m.sender.displayName),
    ).toEqual(['已注销用户', friend.displayName]);
    // Nobody can start a new conversation with a deleted account (its policy is now 'nobody').
    const stranger = await buildUser(ctx.app);
    expectError(
      await req('POST', '/api/v1/conversations', stranger, { userId: person.id }),
      403,
      'forbidden',
    );

    // The free place was given up by the usual rules: the waitlist moved up.
    const activity = (await req('GET', `/api/v1/activities/${free.id}`, waiting)).json();
    expect(activity.mySignup.status).toBe('confirmed');

    // What the database still holds: the row, anonymised; no interests, no sessions.
    const row = await ctx.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ displayName: '已注销用户', homeCity: null, bio: '' });
    expect(row.deletedAt).not.toBeNull();
    const sessions = await ctx.database.db
      .selectFrom('sessions')
      .select('id')
      .where('userId', '=', person.id)
      .execute();
    expect(sessions).toEqual([]);
    // The money records are kept and still balance.
    const postings = await ctx.database.db
      .selectFrom('postings as p')
      .innerJoin('ledgerAccounts as a', 'a.id', 'p.accountId')
      .select('p.amountFen')
      .where('a.ownerId', '=', person.id)
      .execute();
    expect(postings.map((p) => Number(p.amountFen)).sort()).toEqual([-3000, 3000].sort());
    await expectLedgerOk(ctx);

    // The username is free again for someone new.
    const again = await req('POST', '/api/v1/auth/register', undefined, {
      username: person.username,
      password: 'another password 1',
      displayName: '新人',
    });
    expect(again.statusCode).toBe(201);
  });

  it('is refused while money must go somewhere, or while I own a group with members', async () => {
    // A wallet balance.
    const rich = await fundedUser(ctx.app, 100);
    expectError(await del(rich, rich.password), 409, 'account_holds_money');
    // An open split bill I created.
    const creator = await fundedUser(ctx.app, 0);
    const other = await buildUser(ctx.app);
    const g = await buildGroup(ctx.app, other);
    await joinGroup(ctx.app, g, creator);
    const bill = await req('POST', '/api/v1/bills', creator, {
      title: '车费',
      totalFen: 200,
      split: 'equal',
      groupId: g.id,
      userIds: [other.id],
    });
    expect(bill.statusCode).toBe(201);
    const refused = await del(creator, creator.password);
    expectError(refused, 409, 'account_holds_money');
    expect(refused.json().error.details.openBillsCreated).toEqual([bill.json().id]);
    // The other side owns the group they share (checked before money).
    expectError(await del(other, other.password), 409, 'account_owns_groups');
    // A group of mine with another member.
    const owner = await buildUser(ctx.app);
    const mine = await buildGroup(ctx.app, owner);
    await joinGroup(ctx.app, mine, await buildUser(ctx.app));
    const owns = await del(owner, owner.password);
    expectError(owns, 409, 'account_owns_groups');
    expect(owns.json().error.details.groups).toEqual([{ id: mine.id, name: mine.name }]);
    // A paid activity of my own not yet paid out.
    const organizer = await buildUser(ctx.app);
    await buildActivity(ctx.app, organizer, { priceFen: 500 });
    expectError(await del(organizer, organizer.password), 409, 'account_holds_money');
    // Nothing was changed by a refusal: they can still log in.
    expect((await req('GET', '/api/v1/me', rich)).json().displayName).toBe(rich.displayName);
    await topup(ctx.app, rich, 1);
    expect((await req('GET', '/api/v1/me', rich)).statusCode).toBe(200);
  });

  it('an owner of a group where nobody else is left can leave; an operator is no exception', async () => {
    const solo = await buildUser(ctx.app);
    await buildGroup(ctx.app, solo);
    expect((await del(solo, solo.password)).statusCode).toBe(204);
    const op = await buildUser(ctx.app);
    await ctx.database.db
      .updateTable('users')
      .set({ role: 'operator' })
      .where('id', '=', op.id)
      .execute();
    expect((await del(op, op.password)).statusCode).toBe(204);
    expectError(await req('GET', '/api/v1/me', op), 401);
  });
});
