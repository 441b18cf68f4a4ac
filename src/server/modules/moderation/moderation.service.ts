import type { Static } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import type { Report } from '../../../shared/api/moderation.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Trx } from '../../platform/db/database.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { AppError, invalidInput } from '../../platform/http/errors.ts';
import { keysetPage } from '../../platform/http/pagination.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { ForumService, GroupsService } from '../groups/index.ts';
import { moderationPolicy, type ResolveAction } from './moderation.policy.ts';
import { ModerationRepository, type ReportRow } from './moderation.repository.ts';

export type { ResolveAction } from './moderation.policy.ts';

const RESOLUTION = {
  dismiss: 'dismissed',
  approve: 'approved',
  delete_post: 'post_deleted',
  ban_author: 'author_banned',
} as const;

/** Reports, the moderation queues and their resolution. */
export class ModerationService {
  private readonly repo: ModerationRepository;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: AccountsService,
    private readonly groups: GroupsService,
    private readonly forum: ForumService,
  ) {
    this.repo = new ModerationRepository(uow.db);
    forum.onHeldPost((trx, r) => this.fileHeld(trx, r));
  }

  /** The word filter held a post: it waits in the group's queue. */
  private async fileHeld(trx: Trx, r: { postId: string; groupId: string; reason: string }) {
    const id = uuidv7();
    await this.repo.with(trx).insert({
      id,
      postId: r.postId,
      groupId: r.groupId,
      reporterId: null,
      reason: r.reason,
      status: 'open',
      resolution: null,
      resolvedBy: null,
      resolvedAt: null,
      createdAt: Date.now(),
    });
    await recordEvent(trx, 'report.created', {
      reportId: id,
      postId: r.postId,
      groupId: r.groupId,
      reporterId: null,
    });
  }

  async report(
    postId: string,
    viewer: Viewer,
    reason: string,
  ): Promise<{ id: string; status: 'open' }> {
    const ctx = await this.forum.postContext(postId, viewer);
    moderationPolicy.assertCanReport(ctx, viewer);
    const { post } = ctx;
    const text = reason.normalize('NFC').trim();
    if (!text) throw invalidInput('reason must not be blank.');
    if (await this.repo.hasOpenReport(postId, viewer.userId))
      throw new AppError('already_reported');
    const id = uuidv7();
    await this.uow.run(async (trx) => {
      await this.repo.with(trx).insert({
        id,
        postId,
        groupId: post.groupId,
        reporterId: viewer.userId,
        reason: text,
        status: 'open',
        resolution: null,
        resolvedBy: null,
        resolvedAt: null,
        createdAt: Date.now(),
      });
      await recordEvent(trx, 'report.created', {
        reportId: id,
        postId,
        groupId: post.groupId,
        reporterId: viewer.userId,
      });
    });
    return { id, status: 'open' };
  }

  /** A group's queue for its moderators, or without groupId every group's for operators. */
  async list(
    viewer: Viewer,
    filter: { groupId?: string; status?: 'open' | 'resolved' },
    limit: number,
    cursor?: string,
  ) {
    if (filter.groupId) {
      moderationPolicy.assertCanListGroup(await this.groups.access(filter.groupId, viewer));
    } else {
      moderationPolicy.assertCanListAll(viewer);
    }
    const status = filter.status ?? 'open';
    const list = `reports:${filter.groupId ?? '*'}:${status}`;
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.repo.list(
          { groupId: filter.groupId, status },
          limit,
          after && { createdAt: after[0], id: after[1] },
        ),
      (r) => [r.createdAt, r.id],
    );
    return { items: await this.toViews(page.items), nextCursor: page.nextCursor };
  }

  async resolve(reportId: string, viewer: Viewer, action: ResolveAction) {
    const report = await this.repo.find(reportId);
    if (!report) throw moderationPolicy.notFound();
    const ctx = await this.forum.postContext(report.postId, viewer).catch(() => {
      throw moderationPolicy.notFound();
    });
    moderationPolicy.assertCanResolve(report, ctx, viewer, action);
    await this.uow.run(async (trx) => {
      // A held post that is dismissed or approved is let through.
      if ((action === 'dismiss' || action === 'approve') && ctx.post.status === 'held') {
        await this.forum.approveInTransaction(trx, ctx, viewer.userId);
      }
      if (action === 'delete_post' || action === 'ban_author') {
        await this.forum.deleteInTransaction(trx, ctx, viewer.userId);
      }
      if (action === 'ban_author') {
        await this.groups.banInTransaction(
          trx,
          ctx.access,
          ctx.post.authorId,
          `report: ${report.reason}`.slice(0, 200),
        );
      }
      const resolution = RESOLUTION[action];
      await this.repo
        .with(trx)
        .resolveForPost(report.postId, resolution, viewer.userId, Date.now());
      await recordEvent(trx, 'report.resolved', {
        reportId,
        postId: report.postId,
        groupId: report.groupId,
        actorId: viewer.userId,
        resolution,
        reporterId: report.reporterId,
      });
    });
    const [view] = await this.toViews([(await this.repo.find(reportId))!]);
    return view!;
  }

  private async toViews(rows: ReportRow[]): Promise<Static<typeof Report>[]> {
    const found = await this.forum.postsWithThreadTitles(rows.map((r) => r.postId));
    const posts = found.map((f) => f.post);
    const postById = new Map(posts.map((p) => [p.id, p]));
    const titleById = new Map(found.map((f) => [f.post.threadId, f.threadTitle]));
    const people = await this.accounts.summaries([
      ...rows.map((r) => r.reporterId).filter((x): x is string => !!x),
      ...posts.map((p) => p.authorId),
    ]);
    const who = (id: string) => people.get(id) ?? { id, username: '', displayName: '' };
    return rows.map((r) => {
      const p = postById.get(r.postId)!;
      return {
        id: r.id,
        groupId: r.groupId,
        reason: r.reason,
        reporter: r.reporterId ? who(r.reporterId) : null,
        status: r.status,
        resolution: r.resolution,
        createdAt: toIsoWithOffset(r.createdAt),
        post: {
          id: p.id,
          threadId: p.threadId,
          threadTitle: titleById.get(p.threadId) ?? '',
          author: who(p.authorId),
          status: p.status,
          body: p.body,
        },
      };
    });
  }
}
