import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Post, Revision, ThreadDetail, UpdateThreadBody } from '../../../shared/api/forum.ts';
import type { Group } from '../../../shared/api/groups.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';

export type RevisionView = Static<typeof Revision>;

/** A group (once its id is known): the same key and answer as the group page's. */
export function useGroupDetail(groupId: string | undefined) {
  return useQuery({
    queryKey: keys.group(groupId ?? ''),
    queryFn: ({ signal }) => api<Group>(`/groups/${encodeURIComponent(groupId!)}`, { signal }),
    enabled: Boolean(groupId),
  });
}

/**
 * Pin / unpin, lock / unlock (moderators), optimistically: the labels and the composer change at
 * once and change back, with the server's reason, if it refuses.
 */
export function useUpdateThread(threadId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: UpdateThreadBody) =>
      api<ThreadDetail>(`/threads/${encodeURIComponent(threadId)}`, {
        method: 'PATCH',
        body: patch,
      }),
    onMutate: async (patch) => {
      await qc.cancelQueries({ queryKey: keys.thread(threadId), exact: true });
      const before = qc.getQueryData<ThreadDetail>(keys.thread(threadId));
      if (before) qc.setQueryData<ThreadDetail>(keys.thread(threadId), { ...before, ...patch });
      return { before };
    },
    onError: (_err, _patch, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.thread(threadId), ctx.before);
    },
    onSuccess: (thread) => {
      qc.setQueryData(keys.thread(threadId), thread);
      void qc.invalidateQueries({ queryKey: keys.groupThreadsAll(thread.groupId) });
    },
  });
}

/** A post's earlier versions, newest first (the current one is the post itself). */
export function useRevisions(post: Post) {
  return useInfiniteQuery({
    queryKey: keys.postRevisions(post.id),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<RevisionView>>(`/posts/${encodeURIComponent(post.id)}/revisions`, {
        query: { cursor: pageParam, limit: 20 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
