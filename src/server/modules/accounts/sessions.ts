/**
 * Log-in sessions: opening one (a random token, stored only as a hash), resolving a token to its
 * viewer (sliding expiry; none for a banned person), and logging out (its stream sockets close).
 */
import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import type { AccountsContext } from './accounts.context.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface Session {
  token: string;
  expiresAt: number;
  user: { id: string; username: string; displayName: string };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** Addresses are kept only as a hash, for the log-in limits. */
export const hashAddress = (address: string) =>
  createHash('sha256').update(`quanzi-address:${address}`).digest('hex');

/** Opening, resolving and ending sessions. */
export class Sessions {
  constructor(private readonly ctx: AccountsContext) {}

  /** A new session for the person, remembering the address they logged in from. */
  async open(user: Session['user'], address: string): Promise<Session> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.ctx.limits.rememberAddress(user.id, hashAddress(address), now);
    const expiresAt = now + this.ctx.sessionDays * DAY;
    await this.ctx.sessions.insertSession({
      id: uuidv7(),
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      expiresAt,
    });
    return {
      token,
      expiresAt,
      user: { id: user.id, username: user.username, displayName: user.displayName },
    };
  }

  /** The viewer behind a raw token; sessions slide forward at most once an hour. */
  async resolve(token: string): Promise<Viewer | null> {
    if (token.length > 128) return null;
    const row = await this.ctx.sessions.findSessionByTokenHash(hashToken(token));
    const now = Date.now();
    if (!row) return null;
    if (row.expiresAt <= now) {
      await this.ctx.sessions.deleteSession(row.sessionId);
      return null;
    }
    if (row.bannedAt !== null && (row.bannedUntil === null || row.bannedUntil > now)) return null;
    if (now - row.lastSeenAt > HOUR) {
      await this.ctx.sessions.touchSession(row.sessionId, now, now + this.ctx.sessionDays * DAY);
    }
    return { userId: row.userId, role: row.role, sessionId: row.sessionId };
  }

  /** Ends this session; its open stream sockets are closed too (after commit, on every process). */
  async logout(viewer: Viewer): Promise<void> {
    await this.ctx.uow.run(async (trx) => {
      await this.ctx.sessions.with(trx).deleteSession(viewer.sessionId);
      await recordEvent(trx, 'session.ended', {
        userId: viewer.userId,
        sessionId: viewer.sessionId,
      });
    });
  }
}
