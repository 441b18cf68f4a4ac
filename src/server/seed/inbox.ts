import { counted, DAY, HOUR, type SeedContext, type World } from './context.ts';
import { Rng, WeightedPicker } from './random.ts';

const MESSAGES = [
  '你好，看到你在群里发的帖子，想问一下细节',
  '周六几点集合？',
  '好的，到时候见！',
  '我可能会晚到十分钟',
  '请问还有名额吗？',
  '谢谢！',
  '哈哈好的',
  '上次拍的照片发你了',
  '这周末有空一起爬山吗？',
  'OK 👌',
  '收到',
  '路上注意安全',
  '我在地铁上了，马上到',
  '下次活动记得叫我',
  '咖啡我请，上次说好的',
  'See you on Saturday!',
  '装备我多带了一套，可以借你',
  '明天天气好像不错',
];

/**
 * Notifications gathered by the other phases (older ones read, the last two days' partly
 * unread, the heavy user's all unread) with each person's unread counter; then one-to-one
 * conversations between people who share a group (the heavy user has many), with messages and
 * the participants' read positions and unread counts as sending and reading leave them.
 */
export async function makeInbox(ctx: SeedContext, world: World): Promise<void> {
  const { now } = ctx;
  const rng = Rng.for(ctx.seed, 'inbox');
  const notes = counted(ctx, world, 'notifications', 'notifications', [
    'id',
    'user_id',
    'type',
    'actor_id',
    'actor_count',
    'subject_type',
    'subject_id',
    'group_id',
    'target',
    'data',
    'group_key',
    'created_at',
    'read_at',
  ]);
  const unread = new Map<number, number>();
  ctx.progress.start('notifications', world.notifications.length);
  for (const n of world.notifications) {
    const heavy = n.userIdx === world.heavyIdx;
    const old = n.createdAt < now - 2 * DAY;
    const readAt =
      heavy || (!old && rng.chance(0.5))
        ? null
        : Math.min(now - 1, n.createdAt + Math.floor(rng.exp(12 * HOUR)));
    unread.set(n.userIdx, (unread.get(n.userIdx) ?? 0) + (readAt === null ? 1 : 0));
    notes.add([
      rng.uuid(n.createdAt),
      world.users[n.userIdx]!.id,
      n.type,
      n.actorIdx === null ? null : world.users[n.actorIdx]!.id,
      1,
      n.subjectType,
      n.subjectId,
      n.groupId,
      n.target,
      n.data,
      null,
      n.createdAt,
      readAt,
    ]);
    ctx.progress.tick();
    if ((world.counts.notifications! & 4095) === 0) await ctx.sink.tick();
  }
  const counters = ctx.sink.table('notification_counters', ['user_id', 'unread']);
  for (const [u, count] of [...unread].sort((a, b) => a[0] - b[0])) {
    counters.add([world.users[u]!.id, count]);
  }
  world.counts.heavyUnread = unread.get(world.heavyIdx) ?? 0;
  world.notifications = [];
  await ctx.sink.flush();
  ctx.progress.end();
  await makeConversations(ctx, world, rng);
}

async function makeConversations(ctx: SeedContext, world: World, rng: Rng): Promise<void> {
  const { now, scale } = ctx;
  const conversations = counted(ctx, world, 'conversations', 'conversations', [
    'id',
    'pair_key',
    'last_seq',
    'last_message_at',
    'created_at',
  ]);
  const participants = ctx.sink.table('conversation_participants', [
    'conversation_id',
    'user_id',
    'other_id',
    'read_up_to',
    'unread_count',
    'last_message_at',
  ]);
  const messages = counted(ctx, world, 'messages', 'messages', [
    'id',
    'conversation_id',
    'seq',
    'sender_id',
    'body',
    'created_at',
  ]);
  const groupPicker = new WeightedPicker(world.groups.map((g) => g.members.length));
  const pairs = new Set<string>();
  const heavy = world.heavyIdx;
  const total = scale.conversations + scale.heavyConversations;
  ctx.progress.start('messages', total);
  let heavyMade = 0;
  for (let tries = 0; pairs.size < total && tries < total * 5; tries++) {
    // The heavy user's first; then pairs of members of one group (allowed whatever their
    // message policy, except "nobody" for whoever did not start it).
    const byHeavy = heavyMade < scale.heavyConversations;
    const g = world.groups[groupPicker.pick(rng)]!;
    const a = byHeavy ? heavy : g.members[rng.skewed(g.members.length, 1.5)]!;
    const b = byHeavy
      ? world.activeOrder[rng.int(0, world.users.length - 1)]!
      : g.members[rng.int(0, g.members.length - 1)]!;
    const [ua, ub] = [world.users[a]!, world.users[b]!];
    if (a === b || ub.policy === 'nobody' || (byHeavy && ub.policy !== 'everyone')) continue;
    const key = ua.id < ub.id ? `${ua.id}:${ub.id}` : `${ub.id}:${ua.id}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    if (byHeavy) heavyMade++;
    const count = 1 + Math.floor(rng.exp(byHeavy ? 10 : 5));
    let at = Math.floor(now - rng.next() * 90 * DAY);
    const createdAt = at;
    const id = rng.uuid(createdAt);
    // Sending: the sender has read everything; the other's unread count grows. [a, b] state.
    const readUpTo = [0, 0];
    const unread = [0, 0];
    let seq = 0;
    let sender = 0;
    for (let m = 0; m < count; m++) {
      at = Math.min(now - 1, at + 1000 + Math.floor(rng.exp(m % 4 === 3 ? DAY : 20 * 60_000)));
      seq++;
      if (m > 0 && rng.chance(0.55)) sender = 1 - sender;
      readUpTo[sender] = seq;
      unread[sender] = 0;
      unread[1 - sender]!++;
      const body = rng.pick(MESSAGES);
      messages.add([rng.uuid(at), id, seq, (sender === 0 ? ua : ub).id, body, at]);
    }
    // The one who did not send last read it all (usually), unless it is the heavy user.
    const reader = 1 - sender;
    if ([a, b][reader] !== heavy && rng.chance(0.6)) {
      readUpTo[reader] = seq;
      unread[reader] = 0;
    }
    conversations.add([id, key, seq, at, createdAt]);
    participants.add([id, ua.id, ub.id, readUpTo[0]!, unread[0]!, at]);
    participants.add([id, ub.id, ua.id, readUpTo[1]!, unread[1]!, at]);
    ctx.progress.tick();
    if ((pairs.size & 255) === 255) await ctx.sink.tick();
  }
  await ctx.sink.flush();
  ctx.progress.end();
}
