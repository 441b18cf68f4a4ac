import {
  useInfiniteQuery,
  useMutation,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Static } from 'typebox';
import type { BlockedUser, BlockResponse, UserSummary } from '../../../shared/api/accounts.ts';
import type { PageOf } from '../../../shared/api/common.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';

export type BlockedView = Static<typeof BlockedUser>;
type Blocks = InfiniteData<PageOf<BlockedView>, string | undefined>;

/** The people I blocked, most recent first, a cursor list. */
export function useBlocks() {
  return useInfiniteQuery({
    queryKey: keys.blocks,
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<BlockedView>>('/me/blocks', { query: { cursor: pageParam, limit: 30 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * Have I blocked this person? The profile answers no such thing, so this reads my block list
 * (page by page until found or ended). `known` is false until it can say.
 */
export function useIsBlocked(userId: string) {
  const list = useBlocks();
  const found = list.data?.pages.some((p) => p.items.some((b) => b.user.id === userId)) ?? false;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (!found && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [found, hasNextPage, isFetchingNextPage, fetchNextPage]);
  return { blocked: found, known: found || (list.isSuccess && !hasNextPage), error: list.error };
}

/**
 * Block or unblock, optimistically: the list changes at once and comes back as it was if the
 * server refuses. Afterwards every list their content may be in is read again.
 */
export function useSetBlocked() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ user, block }: { user: Static<typeof UserSummary>; block: boolean }) =>
      api<Static<typeof BlockResponse>>(`/users/${user.id}/block`, {
        method: block ? 'POST' : 'DELETE',
      }),
    onMutate: async ({ user, block }) => {
      await qc.cancelQueries({ queryKey: keys.blocks });
      const before = qc.getQueryData<Blocks>(keys.blocks);
      qc.setQueryData<Blocks>(keys.blocks, (data) => {
        if (!data) return data;
        const pages = data.pages.map((p) => ({
          ...p,
          items: p.items.filter((b) => b.user.id !== user.id),
        }));
        if (block && pages[0]) {
          pages[0] = {
            ...pages[0],
            items: [{ user, blockedAt: new Date().toISOString() }, ...pages[0].items],
          };
        }
        return { ...data, pages };
      });
      return { before };
    },
    onError: (_e, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.blocks, ctx.before);
    },
    onSuccess: () => {
      for (const key of [keys.community, ['thread'], ['group'], ['search'], keys.conversations])
        void qc.invalidateQueries({ queryKey: key });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: keys.blocks }),
  });
}
