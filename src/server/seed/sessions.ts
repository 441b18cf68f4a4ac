import { createHash } from 'node:crypto';
import { counted, DAY, type SeedContext, type World } from './context.ts';
import { Rng } from './random.ts';

/** How long the seeded sessions last (the app only checks that expiry is in the future). */
const SESSION_MS = 365 * DAY;

export interface SessionToken {
  userId: string;
  username: string;
  token: string;
}

/**
 * Sessions as AccountsService opens them: a random 32-byte token (base64url), of which only the
 * sha256 hex is stored; the raw tokens go to the manifest. One per session user, one for the
 * heavy user.
 */
export async function makeSessions(
  ctx: SeedContext,
  world: World,
): Promise<{ sessions: SessionToken[]; heavy: SessionToken }> {
  const rng = Rng.for(ctx.seed, 'sessions');
  const rows = counted(ctx, world, 'sessions', 'sessions', [
    'id',
    'token_hash',
    'user_id',
    'created_at',
    'last_seen_at',
    'expires_at',
  ]);
  const make = (u: number): SessionToken => {
    const user = world.users[u]!;
    const token = rng.bytes(32).toString('base64url');
    const hash = createHash('sha256').update(token).digest('hex');
    rows.add([rng.uuid(ctx.now), hash, user.id, ctx.now, ctx.now, ctx.now + SESSION_MS]);
    return { userId: user.id, username: user.username, token };
  };
  const sessions = world.sessionIdxs.map(make);
  const heavy = make(world.heavyIdx);
  await ctx.sink.flush();
  return { sessions, heavy };
}
