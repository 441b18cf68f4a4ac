import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { PageOf } from '../../../shared/api/common.ts';
import type { CreateThreadBody, Thread, ThreadDetail } from '../../../shared/api/forum.ts';
import type { CreateGroupBody, Group, JoinResponse, Member } from '../../../shared/api/groups.ts';
import type { InterestList } from '../../../shared/api/interests.ts';
import type { SearchHit } from '../../../shared/api/search.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';

export type GroupView = Group;
export type ThreadView = Thread;
export type MemberView = Member;
export type Hit = Static<typeof SearchHit>;
export type SearchType = 'groups' | 'threads' | 'activities';
export type ThreadSort = 'hot' | 'new' | 'top';

/** The interest taxonomy (cached for the session), as onboarding loads it. */
export function useTaxonomy() {
  const { i18n } = useTranslation();
  return useQuery({
    queryKey: keys.interests(i18n.language),
    queryFn: () => api<InterestList>('/interests'),
    staleTime: Infinity,
  });
}

/** Interest id → its name in the language on screen. */
export function useInterestNames(): Map<string, string> {
  const taxonomy = useTaxonomy();
  const names = new Map<string, string>();
  for (const c of taxonomy.data?.items ?? []) for (const i of c.interests) names.set(i.id, i.name);
  return names;
}

/** A value that settles `ms` after it last changed (for search-as-you-type). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Discovery: "for you" (match with my interests) or one interest, by activity. */
export function useGroupList(interest: string | undefined, enabled = true) {
  const sort = interest ? 'activity' : 'match';
  return useInfiniteQuery({
    queryKey: keys.groups({ interest, sort }),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<GroupView>>('/groups', {
        query: { interest, sort, cursor: pageParam, limit: 20 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

/** `/search?type=…`: one kind of result, infinite. */
export function useSearch(type: SearchType, q: string) {
  const text = q.trim();
  return useInfiniteQuery({
    queryKey: keys.search(type, text),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<Hit>>('/search', {
        query: { q: text, type, cursor: pageParam, limit: 20 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: text.length > 0,
  });
}

export function useGroup(id: string) {
  return useQuery({ queryKey: keys.group(id), queryFn: () => api<GroupView>(`/groups/${id}`) });
}

export function useThreads(id: string, sort: ThreadSort, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.groupThreads(id, sort),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<ThreadView>>(`/groups/${id}/threads`, {
        query: { sort, cursor: pageParam, limit: 20 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

export function useMembers(id: string) {
  return useInfiniteQuery({
    queryKey: keys.groupMembers(id),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<MemberView>>(`/groups/${id}/members`, {
        query: { cursor: pageParam, limit: 30 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * Join or leave, optimistically: the button and the member count change at once (public groups
 * join at once, approval groups show "pending"), and both come back if the server refuses.
 */
export function useMembership(group: GroupView) {
  const qc = useQueryClient();
  const key = keys.group(group.id);
  return useMutation({
    mutationFn: async (action: 'join' | 'leave') => {
      if (action === 'join')
        return api<Static<typeof JoinResponse>>(`/groups/${group.id}/join`, {
          method: 'POST',
          body: {},
        });
      await api<void>(`/groups/${group.id}/leave`, { method: 'POST' });
      return null;
    },
    onMutate: async (action) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<GroupView>(key);
      if (before) {
        const wasMember = before.myMembership?.status === 'member';
        const next: GroupView =
          action === 'join'
            ? {
                ...before,
                myMembership: {
                  status: before.visibility === 'public' ? 'member' : 'pending',
                  role: 'member',
                },
                memberCount: before.memberCount + (before.visibility === 'public' ? 1 : 0),
              }
            : {
                ...before,
                myMembership: null,
                memberCount: Math.max(0, before.memberCount - (wasMember ? 1 : 0)),
              };
        qc.setQueryData(key, next);
      }
      return { before };
    },
    onError: (_err, _action, ctx) => {
      if (ctx?.before) qc.setQueryData(key, ctx.before);
    },
    onSuccess: (res) => {
      const current = qc.getQueryData<GroupView>(key);
      if (res && current?.myMembership && current.myMembership.status !== res.status)
        qc.setQueryData(key, { ...current, myMembership: { ...current.myMembership, ...res } });
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: keys.community });
    },
  });
}

export function useCreateGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateGroupBody) => api<GroupView>('/groups', { method: 'POST', body }),
    onSuccess: (g) => {
      qc.setQueryData(keys.group(g.id), g);
      void qc.invalidateQueries({ queryKey: keys.groupsAll });
    },
  });
}

export function useCreateThread(groupId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateThreadBody) =>
      api<ThreadDetail>(`/groups/${groupId}/threads`, { method: 'POST', body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.group(groupId) });
      void qc.invalidateQueries({ queryKey: keys.community });
    },
  });
}
