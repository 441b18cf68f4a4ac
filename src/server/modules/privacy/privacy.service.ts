import { randomBytes } from 'node:crypto';
import { toIsoWithOffset } from '../../../shared/time.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { AccountsService } from '../accounts/index.ts';
import { hashSecret } from '../accounts/index.ts';
import type { ActivitiesService } from '../activities/index.ts';
import { PrivacyRepository } from './privacy.repository.ts';

/** The display name every deleted account shows (its posts and messages stay). */
export const DELETED_NAME = '已注销用户';

const iso = (ms: number | null | undefined) => (ms == null ? null : toIsoWithOffset(ms));

/**
 * "Your data": the export of everything held about a person, and account deletion, which
 * anonymises the account rather than removing its row, so posts, messages and the ledger (kept
 * as the law requires) still point at something.
 */
export class PrivacyService {
  private readonly repo: PrivacyRepository;

  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      accounts: AccountsService;
      activities: ActivitiesService;
    },
  ) {
    this.repo = new PrivacyRepository(deps.uow.db);
  }

  /** Everything quanzi holds about the viewer, as one JSON document (docs/api.md, field by field). */
  async export(viewer: Viewer): Promise<Record<string, unknown>> {
    const id = viewer.userId;
    const r = this.repo;
    const user = await r.user(id);
    if (!user) throw new AppError('unauthenticated');
    const [
      interests,
      area,
      memberships,
      threads,
      posts,
      reactions,
      reports,
      organized,
      signups,
      notifications,
      conversations,
      blocks,
      mutes,
      wallet,
      billsCreated,
      billShares,
      sessions,
      addresses,
    ] = await Promise.all([
      r.interests(id),
      r.area(id),
      r.memberships(id),
      r.threads(id),
      r.posts(id),
      r.reactions(id),
      r.reports(id),
      r.activitiesOrganized(id),
      r.signups(id),
      r.notifications(id),
      r.conversations(id),
      r.blocks(id),
      r.mutes(id),
      r.wallet(id),
      r.billsCreated(id),
      r.billShares(id),
      r.sessions(id),
      r.loginAddresses(id),
    ]);
    const [revisions, messages, lines] = await Promise.all([
      r.revisions(posts.map((p) => p.id)),
      r.messages(conversations.map((c) => c.conversationId)),
      wallet ? r.ledgerLines(wallet.id) : Promise.resolve([]),
    ]);
    const revisionsOf = new Map<string, typeof revisions>();
    for (const rev of revisions) {
      revisionsOf.set(rev.postId, [...(revisionsOf.get(rev.postId) ?? []), rev]);
    }
    const messagesOf = new Map<string, typeof messages>();
    for (const m of messages) {
      messagesOf.set(m.conversationId, [...(messagesOf.get(m.conversationId) ?? []), m]);
    }
    return {
      format: 'quanzi-export-1',
      exportedAt: iso(Date.now()),
      profile: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        bio: user.bio,
        avatarUrl: user.avatarUrl,
        homeCity: user.homeCity,
        locale: user.locale,
        role: user.role,
        messagePolicy: user.messagePolicy,
        createdAt: iso(user.createdAt),
        updatedAt: iso(user.updatedAt),
      },
      interests: interests.map((i) => ({
        interestId: i.interestId,
        weight: Number(i.weight),
        chosen: Boolean(i.chosen),
        updatedAt: iso(i.updatedAt),
      })),
      area: area ? { cell: area.cell5, updatedAt: iso(area.updatedAt) } : null,
      memberships: memberships.map((m) => ({
        groupId: m.groupId,
        groupName: m.groupName,
        role: m.role,
        status: m.status,
        requestMessage: m.requestMessage,
        joinedAt: iso(m.createdAt),
        updatedAt: iso(m.updatedAt),
      })),
      threads: threads.map((t) => ({ ...t, createdAt: iso(t.createdAt) })),
      posts: posts.map((p) => ({
        ...p,
        createdAt: iso(p.createdAt),
        revisions: (revisionsOf.get(p.id) ?? []).map((rev) => ({
          ...rev,
          createdAt: iso((rev as { createdAt?: number }).createdAt),
        })),
      })),
      reactions: reactions.map((x) => ({
        ...x,
        createdAt: iso((x as { createdAt?: number }).createdAt),
      })),
      reports: reports.map((x) => ({
        ...x,
        createdAt: iso(x.createdAt),
      })),
      activitiesOrganized: organized.map((a) => ({
        ...a,
        priceFen: Number(a.priceFen),
        startAt: iso(a.startAt),
        endAt: iso(a.endAt),
        createdAt: iso(a.createdAt),
      })),
      signups: signups.map((s) => ({
        ...s,
        paidFen: Number(s.paidFen),
        startAt: iso(s.startAt),
        checkedInAt: iso(s.checkedInAt),
        createdAt: iso(s.createdAt),
        updatedAt: iso(s.updatedAt),
      })),
      notifications: notifications.map((n) => ({
        id: n.id,
        type: n.type,
        actorId: n.actorId,
        subject: { type: n.subjectType, id: n.subjectId },
        groupId: n.groupId,
        target: n.target,
        data: JSON.parse(n.data) as unknown,
        createdAt: iso(n.createdAt),
        readAt: iso(n.readAt),
      })),
      conversations: conversations.map((c) => ({
        id: c.conversationId,
        with: { id: c.otherId, displayName: c.otherName },
        readUpTo: c.readUpTo,
        messages: (messagesOf.get(c.conversationId) ?? []).map((m) => ({
          id: m.id,
          seq: m.seq,
          fromMe: m.senderId === id,
          body: m.body,
          createdAt: iso(m.createdAt),
        })),
      })),
      blocks: blocks.map((b) => ({
        userId: b.blockedId,
        createdAt: iso((b as { createdAt?: number }).createdAt),
      })),
      notificationMutes: mutes,
      wallet: {
        balanceFen: wallet ? Number(wallet.balanceFen) : 0,
        openedAt: iso(wallet?.createdAt),
        ledgerLines: lines.map((l) => ({
          id: l.id,
          entryId: l.entryId,
          kind: l.kind,
          reference: l.reference,
          memo: l.memo,
          amountFen: Number(l.amountFen),
          createdAt: iso(l.createdAt),
        })),
        billsCreated: billsCreated.map((b) => ({
          id: b.id,
          title: b.title,
          activityId: b.activityId,
          groupId: b.groupId,
          totalFen: Number(b.totalFen),
          paidFen: Number(b.paidFen),
          shareCount: b.shareCount,
          paidCount: b.paidCount,
          createdAt: iso(b.createdAt),
          cancelledAt: iso(b.cancelledAt),
        })),
        billShares: billShares.map((s) => ({
          billId: s.billId,
          title: s.title,
          creatorId: s.creatorId,
          amountFen: Number(s.amountFen),
          paidAt: iso(s.paidAt),
          billCancelledAt: iso(s.cancelledAt),
        })),
      },
      sessions: sessions.map((s) => ({
        id: s.id,
        createdAt: iso(s.createdAt),
        lastSeenAt: iso(s.lastSeenAt),
        expiresAt: iso(s.expiresAt),
        current: s.id === viewer.sessionId,
      })),
      loginAddresses: {
        note: 'IP addresses are never stored: only a SHA-256 hash of each address you logged in from, to recognise it later.',
        entries: addresses.map((a) => ({
          addressHash: a.addressHash,
          lastSuccessAt: iso(a.lastSuccessAt),
        })),
      },
    };
  }

  /**
   * Deletes (anonymises) the viewer's account after checking the password. Refused while money
   * must still go somewhere (409 account_holds_money) or while they own a group that has other
   * members (409 account_owns_groups). Unpaid places in upcoming activities are given up by the
   * usual rules (the waitlist moves up).
   */
  async deleteAccount(viewer: Viewer, password: string): Promise<void> {
    const id = viewer.userId;
    if (!(await this.deps.accounts.verifyPassword(id, password))) {
      throw new AppError('wrong_password');
    }
    const now = Date.now();
    const groups = await this.repo.ownedGroupsWithOthers(id);
    if (groups.length > 0) {
      throw new AppError('account_owns_groups', undefined, {
        details: { groups: groups.map((g) => ({ id: g.id, name: g.name })) },
      });
    }
    const [wallet, activities, signups, bills, shares] = await Promise.all([
      this.repo.wallet(id),
      this.repo.openPaidActivities(id),
      this.repo.paidUpcomingSignups(id, now),
      this.repo.openBillsCreated(id),
      this.repo.unpaidShares(id),
    ]);
    const balanceFen = wallet ? Number(wallet.balanceFen) : 0;
    if (balanceFen !== 0 || activities.length + signups.length + bills.length + shares.length > 0) {
      throw new AppError('account_holds_money', undefined, {
        details: {
          walletBalanceFen: balanceFen,
          paidActivitiesOrganized: activities.map((a) => a.id),
          paidSignups: signups.map((s) => s.activityId),
          openBillsCreated: bills.map((b) => b.id),
          unpaidBillShares: shares.map((s) => s.billId),
        },
      });
    }
    // Free places (and waitlist spots) in upcoming activities: given up as the person would.
    for (const s of await this.repo.upcomingSignups(id, now)) {
      await this.deps.activities.cancelSignup(s.activityId, viewer);
    }
    const unusable = await hashSecret(randomBytes(32).toString('base64url'));
    await this.deps.uow.run(async (trx) => {
      const repo = this.repo.with(trx);
      await repo.anonymise(id, unusable, now);
      await repo.clearPersonal(id);
      for (const sessionId of await repo.endSessions(id)) {
        await recordEvent(trx, 'session.ended', { userId: id, sessionId });
      }
    });
  }
}
