import { IdParams } from '../../../shared/api/common.ts';
import { ReportBody, ReportCreated } from '../../../shared/api/forum.ts';
import { Report, ReportListQuery, ResolveBody } from '../../../shared/api/moderation.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { DEFAULT_PAGE_SIZE, Page } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { ModerationService } from './moderation.service.ts';

/** Reports and moderation queues. */
export function moderationRoutes(app: App, opts: { moderation: ModerationService }): void {
  const { moderation } = opts;
  const tags = ['moderation'];
  const auth = { auth: 'required' as const };

  app.post(
    '/api/v1/posts/:id/reports',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Report a post to the group’s moderators',
        params: IdParams,
        body: ReportBody,
        response: { 201: ReportCreated },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await moderation.report(req.params.id, requireViewer(req), req.body.reason)),
  );

  app.get(
    '/api/v1/moderation/reports',
    {
      config: auth,
      schema: {
        tags,
        summary: 'A group’s queue (its moderators, with groupId) or every group’s (operators)',
        querystring: ReportListQuery,
        response: { 200: Page(Report) },
      },
    },
    (req) =>
      moderation.list(
        requireViewer(req),
        { groupId: req.query.groupId, status: req.query.status },
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.post(
    '/api/v1/moderation/reports/:id/resolve',
    {
      config: auth,
      schema: {
        tags,
        summary:
          'Resolve: dismiss (a held post is released), approve a held post, delete the post, or ban its author',
        params: IdParams,
        body: ResolveBody,
        response: { 200: Report },
      },
    },
    (req) => moderation.resolve(req.params.id, requireViewer(req), req.body.action),
  );
}
