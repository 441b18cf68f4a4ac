import { Type } from 'typebox';
import { IdParams } from '../../../shared/api/common.ts';
import {
  CreatePostBody,
  CreateThreadBody,
  Post,
  ReactionBody,
  ReactionParams,
  ReactionSummary,
  Revision,
  Thread,
  ThreadDetail,
  ThreadListQuery,
  UpdatePostBody,
  UpdateThreadBody,
} from '../../../shared/api/forum.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { ForumService } from './forum.service.ts';

const ReactionsResponse = Type.Object({
  postId: Type.String(),
  reactions: Type.Array(ReactionSummary),
});

/** Threads, posts, reactions and revisions. */
export function forumRoutes(app: App, opts: { forum: ForumService }): void {
  const { forum } = opts;
  const tags = ['forum'];
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/groups/:id/threads',
    {
      schema: {
        tags,
        summary:
          'A group’s threads: hot (time-decayed), new, or top by period; pinned first for hot/new',
        params: IdParams,
        querystring: ThreadListQuery,
        response: { 200: Page(Thread) },
      },
    },
    (req) =>
      forum.listThreads(req.params.id, req.viewer, req.query, req.query.limit ?? DEFAULT_PAGE_SIZE),
  );

  app.post(
    '/api/v1/groups/:id/threads',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Start a thread (members); Markdown body',
        params: IdParams,
        body: CreateThreadBody,
        response: { 201: ThreadDetail },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await forum.createThread(req.params.id, requireViewer(req), req.body)),
  );

  app.get(
    '/api/v1/threads/:id',
    {
      schema: {
        tags,
        summary: 'A thread with its opening post',
        params: IdParams,
        response: { 200: ThreadDetail },
      },
    },
    (req) => forum.getThread(req.params.id, req.viewer),
  );

  app.patch(
    '/api/v1/threads/:id',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Retitle (author, moderators); pin or lock (moderators)',
        params: IdParams,
        body: UpdateThreadBody,
        response: { 200: ThreadDetail },
      },
    },
    (req) => forum.updateThread(req.params.id, requireViewer(req), req.body),
  );

  app.get(
    '/api/v1/threads/:id/posts',
    {
      schema: {
        tags,
        summary: 'A thread’s posts in order (the opening post is seq 1)',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(Post) },
      },
    },
    (req) =>
      forum.listPosts(
        req.params.id,
        req.viewer,
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.post(
    '/api/v1/threads/:id/posts',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Reply (members); replyToId answers another post of the thread',
        params: IdParams,
        body: CreatePostBody,
        response: { 201: Post },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await forum.createPost(req.params.id, requireViewer(req), req.body)),
  );

  app.patch(
    '/api/v1/posts/:id',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Edit my post (history kept)',
        params: IdParams,
        body: UpdatePostBody,
        response: { 200: Post },
      },
    },
    (req) => forum.editPost(req.params.id, requireViewer(req), req.body.body),
  );

  app.delete(
    '/api/v1/posts/:id',
    {
      config: auth,
      schema: {
        tags,
        summary:
          'Delete a post (author or moderators): content gone, place kept; the opening post takes its thread',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await forum.deletePost(req.params.id, requireViewer(req));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/posts/:id/revisions',
    {
      schema: {
        tags,
        summary: 'Earlier versions of a post, newest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(Revision) },
      },
    },
    (req) =>
      forum.listRevisions(
        req.params.id,
        req.viewer,
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.post(
    '/api/v1/posts/:id/reactions',
    {
      config: auth,
      schema: {
        tags,
        summary: 'React with one of 👍 ❤️ 😂 😮 😢 🎉 (once each per person)',
        params: IdParams,
        body: ReactionBody,
        response: { 200: ReactionsResponse },
      },
    },
    (req) => forum.react(req.params.id, requireViewer(req), req.body.emoji, true),
  );

  app.delete(
    '/api/v1/posts/:id/reactions/:emoji',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Take my reaction back',
        params: ReactionParams,
        response: { 200: ReactionsResponse },
      },
    },
    (req) => forum.react(req.params.id, requireViewer(req), req.params.emoji, false),
  );
}
