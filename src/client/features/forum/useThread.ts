import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { UserSummary } from '../../../shared/api/accounts.ts';
import type { PageOf } from '../../../shared/api/common.ts';
import type {
  CreatePostBody,
  Post,
  ReactionSummary,
  ThreadDetail,
} from '../../../shared/api/forum.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { appendPost } from '../../stream/stream.ts';

export type PostView = Post;
export type Reactions = Static<typeof ReactionSummary>[];
type PostPages = { pages: PageOf<Post>[]; pageParams: unknown[] };

export function useThread(id: string) {
  return useQuery({
    queryKey: keys.thread(id),
    queryFn: ({ signal }) => api<ThreadDetail>(`/threads/${encodeURIComponent(id)}`, { signal }),
  });
}

/** Every post of the thread in order (seq 1, the opening post, comes first), a page at a time. */
export function useThreadPosts(id: string) {
  return useInfiniteQuery({
    queryKey: keys.threadPosts(id),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<Post>>(`/threads/${encodeURIComponent(id)}/posts`, {
        query: { cursor: pageParam, limit: 30 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Changes one post wherever it is cached: the thread's opening post and the list of posts. */
function patchPost(qc: QueryClient, threadId: string, postId: string, fn: (p: Post) => Post) {
  qc.setQueryData<ThreadDetail>(keys.thread(threadId), (d) =>
    d && d.firstPost.id === postId ? { ...d, firstPost: fn(d.firstPost) } : d,
  );
  qc.setQueryData<PostPages>(keys.threadPosts(threadId), (d) =>
    d
      ? {
          ...d,
          pages: d.pages.map((p) => ({
            ...p,
            items: p.items.map((x) => (x.id === postId ? fn(x) : x)),
          })),
        }
      : d,
  );
}

function snapshot(qc: QueryClient, threadId: string) {
  return {
    thread: qc.getQueryData<ThreadDetail>(keys.thread(threadId)),
    posts: qc.getQueryData<PostPages>(keys.threadPosts(threadId)),
  };
}

function restore(qc: QueryClient, threadId: string, snap: ReturnType<typeof snapshot>) {
  qc.setQueryData(keys.thread(threadId), snap.thread);
  qc.setQueryData(keys.threadPosts(threadId), snap.posts);
}

function toggled(reactions: Reactions, emoji: string, on: boolean): Reactions {
  const found = reactions.find((r) => r.emoji === emoji);
  if (!found) return on ? [...reactions, { emoji, count: 1, mine: true }] : reactions;
  return reactions
    .map((r) =>
      r.emoji === emoji ? { ...r, mine: on, count: Math.max(0, r.count + (on ? 1 : -1)) } : r,
    )
    .filter((r) => r.count > 0);
}

/** A reaction on or off, optimistically: the count moves at once and moves back on failure. */
export function useToggleReaction(threadId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ postId, emoji, on }: { postId: string; emoji: string; on: boolean }) =>
      on
        ? api<{ postId: string; reactions: Reactions }>(`/posts/${postId}/reactions`, {
            method: 'POST',
            body: { emoji },
          })
        : api<{ postId: string; reactions: Reactions }>(
            `/posts/${postId}/reactions/${encodeURIComponent(emoji)}`,
            { method: 'DELETE' },
          ),
    onMutate: async ({ postId, emoji, on }) => {
      await qc.cancelQueries({ queryKey: keys.thread(threadId) });
      const snap = snapshot(qc, threadId);
      patchPost(qc, threadId, postId, (p) => ({
        ...p,
        reactions: toggled(p.reactions, emoji, on),
      }));
      return snap;
    },
    onError: (_err, _vars, snap) => {
      if (snap) restore(qc, threadId, snap);
    },
    onSuccess: (res) =>
      patchPost(qc, threadId, res.postId, (p) => ({ ...p, reactions: res.reactions })),
  });
}

let tempIds = 0;

/**
 * A reply, shown at once at the end of the thread as "sending"; replaced by the server's copy,
 * or taken away again if the server refuses (the composer gets its text back).
 */
export function useCreatePost(threadId: string, me: Static<typeof UserSummary> | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePostBody) =>
      api<Post>(`/threads/${encodeURIComponent(threadId)}/posts`, { method: 'POST', body }),
    onMutate: async (body) => {
      await qc.cancelQueries({ queryKey: keys.threadPosts(threadId) });
      const snap = snapshot(qc, threadId);
      const tempId = `pending-${++tempIds}`;
      const all = snap.posts?.pages.flatMap((p) => p.items) ?? [];
      const quoted = body.replyToId ? all.find((p) => p.id === body.replyToId) : undefined;
      if (me && snap.thread) {
        appendPost(qc, threadId, {
          id: tempId,
          threadId,
          groupId: snap.thread.groupId,
          seq: (all.at(-1)?.seq ?? 1) + 1,
          author: me,
          status: 'visible',
          body: body.body,
          // Shown as plain text until the server's sanitised rendering replaces it.
          bodyHtml: '',
          replyTo: quoted
            ? { id: quoted.id, seq: quoted.seq, author: quoted.author, excerpt: quoted.body }
            : null,
          reactions: [],
          mentions: [],
          editCount: 0,
          editedAt: null,
          createdAt: new Date().toISOString(),
        });
      }
      return { snap, tempId };
    },
    onError: (_err, _body, ctx) => {
      if (ctx) restore(qc, threadId, ctx.snap);
    },
    onSuccess: (post, _body, ctx) => {
      qc.setQueryData<PostPages>(keys.threadPosts(threadId), (d) => {
        if (!d) return d;
        // The stream may have delivered the real post already: then the pending copy just goes,
        // and the answer takes the streamed copy's place — it carries my abilities (edit,
        // delete), which a copy pushed to every follower does not.
        const has = d.pages.some((p) => p.items.some((x) => x.id === post.id));
        return {
          ...d,
          pages: d.pages.map((p) => ({
            ...p,
            items: p.items.flatMap((x) =>
              x.id === ctx.tempId ? (has ? [] : [post]) : x.id === post.id ? [post] : [x],
            ),
          })),
        };
      });
      qc.setQueryData<ThreadDetail>(keys.thread(threadId), (d) =>
        d ? { ...d, replyCount: d.replyCount + 1 } : d,
      );
    },
  });
}

export function useEditPost(threadId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ postId, body }: { postId: string; body: string }) =>
      api<Post>(`/posts/${postId}`, { method: 'PATCH', body: { body } }),
    onSuccess: (post) => {
      patchPost(qc, threadId, post.id, () => post);
      void qc.invalidateQueries({ queryKey: keys.postRevisions(post.id) });
    },
  });
}

/**
 * Delete a post (its author, or a moderator any post), optimistically: it shows as deleted at
 * once and comes back if the server refuses. The opening post takes its thread with it.
 */
export function useDeletePost(threadId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (postId: string) =>
      api<void>(`/posts/${encodeURIComponent(postId)}`, { method: 'DELETE' }),
    onMutate: async (postId) => {
      await qc.cancelQueries({ queryKey: keys.thread(threadId) });
      const snap = snapshot(qc, threadId);
      patchPost(qc, threadId, postId, (p) => ({ ...p, status: 'deleted', body: '', bodyHtml: '' }));
      if (snap.thread?.firstPost.id === postId)
        qc.setQueryData<ThreadDetail>(keys.thread(threadId), (d) =>
          d ? { ...d, status: 'deleted' } : d,
        );
      return snap;
    },
    onError: (_err, _postId, snap) => {
      if (snap) restore(qc, threadId, snap);
    },
    onSuccess: (_res, postId) => {
      // The reply count and (for the opening post) the thread's status: ask the server again.
      void qc.invalidateQueries({ queryKey: keys.thread(threadId), exact: true });
      void qc.invalidateQueries({ queryKey: keys.postRevisions(postId) });
      const groupId = qc.getQueryData<ThreadDetail>(keys.thread(threadId))?.groupId;
      if (groupId) void qc.invalidateQueries({ queryKey: keys.groupThreadsAll(groupId) });
    },
  });
}

export function useReportPost() {
  return useMutation({
    mutationFn: ({ postId, reason }: { postId: string; reason: string }) =>
      api<{ id: string }>(`/posts/${postId}/reports`, { method: 'POST', body: { reason } }),
  });
}
