import { counted, type SeedContext, type World } from './context.ts';
import { Rng } from './random.ts';

/**
 * Group members (owner first, a few admins and moderators in bigger groups), pending join
 * requests in approval groups, each member's last post time in the group (from the posts).
 */
export async function writeMemberships(ctx: SeedContext, world: World): Promise<void> {
  const { now } = ctx;
  const rng = Rng.for(ctx.seed, 'memberships');
  const rows = counted(ctx, world, 'memberships', 'group_members', [
    'group_id',
    'user_id',
    'role',
    'status',
    'request_message',
    'ban_reason',
    'last_post_at',
    'created_at',
    'updated_at',
  ]);
  const nUsers = world.users.length;
  const total = world.groups.reduce((s, g) => s + g.members.length + g.pending.length, 0);
  ctx.progress.start('memberships', total);
  for (const [gi, g] of world.groups.entries()) {
    for (const [i, u] of g.members.entries()) {
      const role =
        i === 0
          ? 'owner'
          : i <= 2 && g.members.length > 50
            ? 'admin'
            : i <= 5 && g.members.length > 200
              ? 'moderator'
              : 'member';
      const lastPost = world.memberLastPost.get(gi * nUsers + u) ?? null;
      // Joined some time after the group was made, and before their first post there.
      let joined =
        i === 0 ? g.createdAt : Math.floor(g.createdAt + rng.next() * (now - g.createdAt));
      if (lastPost !== null) joined = Math.min(joined, lastPost);
      rows.add([g.id, world.users[u]!.id, role, 'member', null, null, lastPost, joined, joined]);
    }
    for (const u of g.pending) {
      const at = Math.floor(now - rng.next() * 7 * 86_400_000);
      rows.add([
        g.id,
        world.users[u]!.id,
        'member',
        'pending',
        '想加入，谢谢！',
        null,
        null,
        at,
        at,
      ]);
    }
    ctx.progress.tick(g.members.length + g.pending.length);
    await ctx.sink.tick();
  }
  await ctx.sink.flush();
  ctx.progress.end();
  world.counts.memberships = world.groups.reduce((s, g) => s + g.members.length, 0);
}
