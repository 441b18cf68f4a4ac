/**
 * Site-wide bans (operators): banning a person ends every session of theirs and refuses their
 * log-ins until the ban ends or is lifted; the list of bans in force.
 */
import { toIsoWithOffset } from '../../../shared/time.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, forbidden, invalidInput, notFound } from '../../platform/http/errors.ts';
import { keysetPage } from '../../platform/http/pagination.ts';
import type { AccountsContext } from './accounts.context.ts';
import { accountsPolicy } from './accounts.policy.ts';
import { cleanText, type UserSummary } from './profiles.ts';

export interface SiteBanView {
  user: UserSummary;
  reason: string;
  until: string | null;
  bannedAt: string;
}

/** Banning, lifting and listing site bans, and refusing the banned. */
export class SiteBans {
  constructor(private readonly ctx: AccountsContext) {}

  /** Refuses a person banned site-wide (403 account_banned, with when the ban ends). */
  async assertNotBanned(userId: string, now: number): Promise<void> {
    const ban = await this.ctx.bans.findSiteBan(userId);
    if (ban && (ban.until === null || ban.until > now)) {
      throw new AppError('account_banned', undefined, {
        details: { until: ban.until === null ? null : toIsoWithOffset(ban.until) },
      });
    }
  }

  /**
   * Bans a person site-wide (operators; never an operator): they cannot log in, every session
   * ends (its stream sockets are closed after commit) and so every write is refused.
   */
  async siteBan(
    viewer: Viewer,
    targetId: string,
    reason: string,
    until: number | null,
  ): Promise<SiteBanView> {
    accountsPolicy.assertOperator(viewer);
    const target = await this.ctx.users.findUserById(targetId);
    if (!target) throw notFound('No such user.');
    if (target.role === 'operator') throw forbidden('Operators cannot be banned.');
    const text = cleanText(reason);
    if (!text) throw invalidInput('reason must not be blank.');
    const now = Date.now();
    if (until !== null && until <= now) throw invalidInput('until must be in the future.');
    await this.ctx.uow.run(async (trx) => {
      await this.ctx.bans.with(trx).upsertSiteBan({
        userId: targetId,
        reason: text,
        until,
        bannedBy: viewer.userId,
        createdAt: now,
      });
      for (const sessionId of await this.ctx.sessions.with(trx).deleteSessionsOf(targetId)) {
        await recordEvent(trx, 'session.ended', { userId: targetId, sessionId });
      }
    });
    return {
      user: { id: target.id, username: target.username, displayName: target.displayName },
      reason: text,
      until: until === null ? null : toIsoWithOffset(until),
      bannedAt: toIsoWithOffset(now),
    };
  }

  /** Lifts a site ban (operators); 404 when there is none. */
  async liftSiteBan(viewer: Viewer, targetId: string): Promise<void> {
    accountsPolicy.assertOperator(viewer);
    if (!(await this.ctx.bans.deleteSiteBan(targetId)))
      throw notFound('This person is not banned.');
  }

  /** Bans in force, newest first (operators). */
  async listSiteBans(viewer: Viewer, limit: number, cursor?: string) {
    accountsPolicy.assertOperator(viewer);
    const page = await keysetPage(
      'site-bans',
      limit,
      cursor,
      (after) =>
        this.ctx.bans.listSiteBans(
          Date.now(),
          limit,
          after && { createdAt: after[0], id: after[1] },
        ),
      (r) => [r.createdAt, r.id],
    );
    return {
      items: page.items.map((r): SiteBanView => ({
        user: { id: r.id, username: r.username, displayName: r.displayName },
        reason: r.reason,
        until: r.until === null ? null : toIsoWithOffset(r.until),
        bannedAt: toIsoWithOffset(r.createdAt),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
