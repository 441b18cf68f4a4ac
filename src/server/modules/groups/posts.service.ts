/**
 * Posts in a thread: listing them, replying (word filter, rate limit, slow mode, mentions, the
 * live push to the thread's followers), editing (a revision of the old body; the word filter
 * may hold it) and the revision history. Deleting and approving: post-moderation.service.ts.
 */
import { forumPolicy } from './forum.policy.ts';
import { v7 as uuidv7 } from 'uuid';
import type { CreatePostBody, Post } from '../../../shared/api/forum.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, keysetPage, toPage } from '../../platform/http/pagination.ts';
import { unknownUser, type ForumContext } from './forum.context.ts';
import type { ForumPresenter } from './forum.presenter.ts';
import { groupsPolicy } from './groups.policy.ts';
import { plainExcerpt } from './markdown.ts';
import {
  countReply,
  hide,
  indexReply,
  indexThread,
  newPost,
  recordPostEvents,
} from './post-effects.ts';
import { assertMayPost, filteredWord } from './posting-rules.ts';
import type { PostRow } from './posts.repository.ts';

export class PostsService {
  constructor(
    private readonly forum: ForumContext,
    private readonly presenter: ForumPresenter,
  ) {}

  async listPosts(threadId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    const { thread, access } = await this.forum.threadAccess(threadId, viewer);
    const list = `posts:${threadId}`;
    const after = cursor ? decodeCursor(list, cursor, ['int'] as const)[0] : 0;
    const rows = await this.forum.posts.listPosts(threadId, after, limit, {
      hiddenAuthors: viewer ? await this.forum.deps.accounts.blockedIds(viewer.userId) : [],
      heldVisibleTo: viewer?.userId,
      includeHeld: groupsPolicy.isModerator(access),
    });
    const page = toPage(
      rows,
      limit,
      (r) => r,
      (r) => encodeCursor(list, [r.seq]),
    );
    return {
      items: await this.presenter.toPostViews(page.items, access, thread),
      nextCursor: page.nextCursor,
    };
  }

  async createPost(threadId: string, viewer: Viewer, input: CreatePostBody): Promise<Post> {
    const { thread, access: a } = await this.forum.threadAccess(threadId, viewer);
    forumPolicy.assertCanReply(a, thread);
    const body = input.body.normalize('NFC');
    if (!body.trim()) throw invalidInput('body must not be blank.');
    let replyTo: PostRow | undefined;
    if (input.replyToId) {
      replyTo = await this.forum.posts.findPost(input.replyToId);
      const visible =
        replyTo &&
        replyTo.threadId === threadId &&
        (replyTo.status === 'visible' ||
          (replyTo.status === 'held' && replyTo.authorId === viewer.userId));
      if (!visible) throw invalidInput('replyToId is not a post in this thread.');
    }
    const mentioned = await this.forum.resolveMentions(body, viewer.userId);
    const bodyHtml = this.forum.render(body, mentioned);
    const held = filteredWord(this.forum, a, body);
    const now = Date.now();
    const postId = uuidv7();
    await this.forum.deps.uow.run(async (trx) => {
      await assertMayPost(this.forum, trx, a, now);
      const repo = this.forum.posts.with(trx);
      const seq = await this.forum.threads.with(trx).nextSeq(threadId);
      await repo.insertPost(
        newPost({
          id: postId,
          threadId,
          groupId: thread.groupId,
          authorId: viewer.userId,
          seq: seq,
          replyToId: replyTo?.id ?? null,
          body,
          bodyHtml,
          held: !!held,
          now,
        }),
      );
      await repo.replaceMentions(
        postId,
        mentioned.map((u) => u.id),
      );
      if (held) {
        await this.forum.reportHeld(trx, {
          postId,
          groupId: thread.groupId,
          reason: `word_filter: ${held}`,
        });
      } else {
        await countReply(this.forum, trx, threadId, +1, now);
        await this.forum.deps.groups.markActive(trx, thread.groupId, now);
        await indexReply(this.forum, trx, a, { id: postId, threadId, body, createdAt: now });
      }
      await recordPostEvents(this.forum, trx, {
        postId,
        threadId,
        groupId: thread.groupId,
        authorId: viewer.userId,
        threadAuthorId: thread.authorId,
        replyToId: replyTo?.id ?? null,
        replyToAuthorId: replyTo?.authorId ?? null,
        held: !!held,
        mentioned,
      });
    });
    const post = (await this.forum.posts.findPost(postId))!;
    const [view] = await this.presenter.toPostViews([post], a, thread);
    // Followers each have their own abilities: the live copy carries none (they re-read it).
    const shared: Post = { ...view! };
    delete shared.abilities;
    if (!held) await this.forum.livePost(threadId, shared).catch(() => undefined);
    return view!;
  }

  async editPost(postId: string, viewer: Viewer, newBody: string): Promise<Post> {
    const { post, thread, access: a } = await this.forum.postContext(postId, viewer);
    forumPolicy.assertCanEditPost(a, post, thread);
    const body = newBody.normalize('NFC');
    if (!body.trim()) throw invalidInput('body must not be blank.');
    if (body === post.body) {
      const [same] = await this.presenter.toPostViews([post], a, thread);
      return same!;
    }
    const mentioned = await this.forum.resolveMentions(body, viewer.userId);
    const before = new Set((await this.forum.posts.mentionsOf([postId])).get(postId) ?? []);
    const held = filteredWord(this.forum, a, post.seq === 1 ? thread.title : '', body);
    const now = Date.now();
    await this.forum.deps.uow.run(async (trx) => {
      const repo = this.forum.posts.with(trx);
      const current = (await repo.lockPost(postId))!;
      await repo.insertRevision({
        id: uuidv7(),
        postId,
        editorId: viewer.userId,
        body: current.body,
        createdAt: now,
      });
      const newlyHeld = !!held && current.status === 'visible';
      await repo.updatePost(postId, {
        body,
        bodyHtml: this.forum.render(body, mentioned),
        excerpt: plainExcerpt(body),
        editCount: current.editCount + 1,
        editedAt: now,
        ...(newlyHeld ? { status: 'held' as const } : {}),
      });
      await repo.replaceMentions(
        postId,
        mentioned.map((u) => u.id),
      );
      if (newlyHeld) {
        await hide(this.forum, trx, a, current, thread);
        await this.forum.reportHeld(trx, {
          postId,
          groupId: post.groupId,
          reason: `word_filter: ${held}`,
        });
      } else if (current.status === 'visible') {
        if (post.seq === 1)
          await indexThread(this.forum, trx, a, thread.id, thread.title, body, thread.createdAt);
        else
          await indexReply(this.forum, trx, a, {
            id: postId,
            threadId: thread.id,
            body,
            createdAt: post.createdAt,
          });
      }
      await recordEvent(trx, 'post.edited', {
        postId,
        threadId: thread.id,
        groupId: post.groupId,
        editorId: viewer.userId,
        threadHidden: newlyHeld && post.seq === 1,
      });
      const added = mentioned.filter((u) => !before.has(u.id));
      if (added.length && !held) {
        await recordEvent(trx, 'post.mentioned', {
          postId,
          threadId: thread.id,
          groupId: post.groupId,
          authorId: viewer.userId,
          userIds: added.map((u) => u.id),
        });
      }
    });
    const fresh = (await this.forum.posts.findPost(postId))!;
    const [view] = await this.presenter.toPostViews([fresh], a, thread);
    return view!;
  }

  async listRevisions(postId: string, viewer: Viewer | null, limit: number, cursor?: string) {
    const { post } = await this.forum.postContext(postId, viewer);
    if (post.status === 'deleted') throw notFound('No such post.');
    const list = `revisions:${postId}`;
    const page = await keysetPage(
      list,
      limit,
      cursor,
      (after) =>
        this.forum.posts.listRevisions(
          postId,
          limit,
          after && { createdAt: after[0], id: after[1] },
        ),
      (r) => [r.createdAt, r.id],
    );
    const editors = await this.forum.deps.accounts.summaries(page.items.map((r) => r.editorId));
    return {
      items: page.items.map((r) => ({
        id: r.id,
        editor: editors.get(r.editorId) ?? unknownUser(r.editorId),
        body: r.body,
        replacedAt: toIsoWithOffset(r.createdAt),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
