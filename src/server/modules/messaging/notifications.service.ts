import type { Static } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import type { Notification } from '../../../shared/api/messaging.ts';
import type { UnreadCounts } from '../../../shared/realtime.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Executor, Trx } from '../../platform/db/database.ts';
import type { CommitHooks, UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { keysetPage } from '../../platform/http/pagination.ts';
import type { EventLog } from '../../platform/realtime/event-log.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { ForumService, GroupsService } from '../groups/index.ts';
import { NotificationsRepository, type NotificationRow } from './notifications.repository.ts';

/** What a rule asks to tell someone. */
export interface NotificationInput {
  userId: string;
  type: string;
  actorId: string | null;
  subjectType: 'post' | 'thread' | 'group' | 'activity' | 'report' | 'payment' | 'bill';
  subjectId: string;
  groupId?: string | null;
  /** Set for group content: only a member of an approval group may hear about it. */
  groupContent?: boolean;
  target: string;
  data?: Record<string, unknown>;
  /** Unread notifications with the same key fold into one (reactions to one post). */
  groupKey?: string;
}

/** Notifications, unread counts and mutes. */
export class NotificationsService {
  private readonly repo: NotificationsRepository;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly eventLog: EventLog,
    private readonly accounts: AccountsService,
    private readonly groups: GroupsService,
    private readonly forum: ForumService,
  ) {
    this.repo = new NotificationsRepository(uow.db);
  }

  /**
   * Delivers one notification inside the caller's transaction, unless the reader muted its type
   * or group, blocked its actor, or may not see the group content it is about. Writes the
   * notification and the stream events (`notification.created`, `unread.changed`) together.
   */
  async notify(trx: Trx, hooks: CommitHooks, n: NotificationInput): Promise<boolean> {
    if (n.actorId && n.actorId === n.userId) return false;
    const repo = this.repo.with(trx);
    if (await repo.isMuted(n.userId, n.type, n.groupId ?? null)) return false;
    if (n.actorId && (await this.accounts.hasBlocked(n.userId, n.actorId, trx))) return false;
    if (n.groupId && n.groupContent) {
      if (!(await this.groups.mayReceiveContent(n.groupId, n.userId, trx))) return false;
    }
    const now = Date.now();
    const data = JSON.stringify(n.data ?? {});
    const folded = n.groupKey ? await repo.findUnreadByKey(n.userId, n.groupKey) : undefined;
    let row: NotificationRow;
    if (folded) {
      await repo.foldNotification(folded.id, n.actorId, data, now);
      // Read back: a concurrent fold may have raised actorCount too.
      row = (await repo.findNotification(folded.id))!;
    } else {
      row = {
        id: uuidv7(),
        userId: n.userId,
        type: n.type,
        actorId: n.actorId,
        actorCount: 1,
        subjectType: n.subjectType,
        subjectId: n.subjectId,
        groupId: n.groupId ?? null,
        target: n.target,
        data,
        groupKey: n.groupKey ?? null,
        createdAt: now,
        readAt: null,
      };
      await repo.insertNotification(row);
    }
    // A new notification's view is made from the row as written, without reading it back.
    const [view] = await this.toViews([row], trx);
    await this.eventLog.append(trx, hooks, n.userId, 'notification.created', {
      notification: view,
    });
    await this.pushUnread(trx, hooks, n.userId);
    return true;
  }

  /** Logs and pushes the person's current unread counts. */
  async pushUnread(trx: Trx, hooks: CommitHooks, userId: string): Promise<void> {
    await this.eventLog.append(
      trx,
      hooks,
      userId,
      'unread.changed',
      await this.unread(userId, trx),
    );
  }

  async unread(userId: string, db: Executor = this.uow.db): Promise<UnreadCounts> {
    const repo = this.repo.with(db);
    const [notifications, messages, groupIds, seen] = await Promise.all([
      repo.countUnreadNotifications(userId),
      repo.countUnreadMessages(userId),
      this.groups.memberGroupIds(userId, db),
      this.accounts.communitySeenAt(userId, db),
    ]);
    const community = await this.forum.countNewThreads(groupIds, seen, userId, db);
    return { notifications, messages, community };
  }

  async list(viewer: Viewer, limit: number, unreadOnly: boolean, cursor?: string) {
    const list = `notifications${unreadOnly ? ':unread' : ''}`;
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.repo.listNotifications(
          viewer.userId,
          limit,
          unreadOnly,
          after && { createdAt: after[0], id: after[1] },
        ),
      (r) => [r.createdAt, r.id],
    );
    return { items: await this.toViews(page.items), nextCursor: page.nextCursor };
  }

  async markRead(viewer: Viewer, ids: string[] | 'all'): Promise<UnreadCounts> {
    return this.uow.run(async (trx, hooks) => {
      const changed = await this.repo.with(trx).markRead(viewer.userId, ids, Date.now());
      if (changed) await this.pushUnread(trx, hooks, viewer.userId);
      return this.unread(viewer.userId, trx);
    });
  }

  async mutes(viewer: Viewer) {
    const rows = await this.repo.mutes(viewer.userId);
    return {
      groups: rows.filter((r) => r.kind === 'group').map((r) => r.value),
      types: rows.filter((r) => r.kind === 'type').map((r) => r.value),
    };
  }

  async setMutes(viewer: Viewer, m: { groups: string[]; types: string[] }) {
    await this.uow.run((trx) =>
      this.repo
        .with(trx)
        .replaceMutes(viewer.userId, [
          ...m.groups.map((value) => ({ kind: 'group' as const, value })),
          ...m.types.map((value) => ({ kind: 'type' as const, value })),
        ]),
    );
    return this.mutes(viewer);
  }

  /** Rows → API views (actors in one query). Text is rendered by the client from type + data. */
  async toViews(rows: NotificationRow[], db?: Executor): Promise<Static<typeof Notification>[]> {
    const actors = await this.accounts.summaries(
      rows.map((r) => r.actorId).filter((x): x is string => !!x),
      db,
    );
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      actor: r.actorId ? (actors.get(r.actorId) ?? null) : null,
      actorCount: r.actorCount,
      subject: { type: r.subjectType, id: r.subjectId },
      groupId: r.groupId,
      target: r.target,
      data: JSON.parse(r.data) as Record<string, unknown>,
      read: r.readAt !== null,
      createdAt: toIsoWithOffset(r.createdAt),
    }));
  }
}
