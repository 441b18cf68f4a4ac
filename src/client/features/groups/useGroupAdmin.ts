import {
  useInfiniteQuery,
  useMutation,
  useQueryClient,
  type InfiniteData,
  type QueryKey,
} from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { PageOf } from '../../../shared/api/common.ts';
import type {
  ChangeRoleBody,
  GroupRole,
  MemberResponse,
  UpdateGroupBody,
} from '../../../shared/api/groups.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { useMe } from '../auth/useSession.ts';
import type { GroupView, MemberView } from './useGroups.ts';

export type Role = Static<typeof GroupRole>;
export type AssignableRole = Static<typeof ChangeRoleBody>['role'];
type MemberPages = InfiniteData<PageOf<MemberView>, string | undefined>;

/**
 * What the signed-in person may do in a group and to each member: the server's answers (groups
 * policy), sent with the group and with every member, so the client never re-derives a rule.
 * They only choose which controls to show; the server decides every action again.
 */
export function useGroupAbilities(g: GroupView | undefined) {
  const me = useMe();
  const can = g?.abilities;
  return {
    meId: me.data?.id,
    isModerator: can?.canModerate ?? false,
    isAdmin: can?.canManage ?? false,
    isOwner: can?.canTransfer ?? false,
    /** Remove or ban. */
    canActOn: (target: MemberView) => target.abilities.canRemove,
    /** Roles this person may give the member. */
    assignable: (target: MemberView): AssignableRole[] => target.abilities.assignableRoles,
  };
}

function memberList(id: string, status: 'pending' | 'banned', key: QueryKey, enabled: boolean) {
  return {
    queryKey: key,
    queryFn: ({ pageParam, signal }: { pageParam: string | undefined; signal: AbortSignal }) =>
      api<PageOf<MemberView>>(`/groups/${id}/members`, {
        query: { status, cursor: pageParam, limit: 30 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: PageOf<MemberView>) => last.nextCursor ?? undefined,
    enabled,
  };
}

/** Join requests waiting for an admin (oldest first). */
export function usePendingRequests(id: string, enabled = true) {
  return useInfiniteQuery(memberList(id, 'pending', keys.groupPending(id), enabled));
}

/** People banned from the group (moderators and up). */
export function useBans(id: string, enabled = true) {
  return useInfiniteQuery(memberList(id, 'banned', keys.groupBans(id), enabled));
}

/** How many requests wait: exact for one page, "30+" beyond. */
export function pendingCount(q: ReturnType<typeof usePendingRequests>): string | null {
  const n = q.data?.pages.reduce((sum, p) => sum + p.items.length, 0) ?? 0;
  if (n === 0) return null;
  return q.hasNextPage ? `${n}+` : String(n);
}

/** Every loaded page of a member list, each person passed through `change` (`null` removes). */
function editMembers(
  qc: ReturnType<typeof useQueryClient>,
  key: QueryKey,
  change: (m: MemberView) => MemberView | null,
) {
  qc.setQueryData<MemberPages>(key, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((p) => ({
            ...p,
            items: p.items.flatMap((m) => {
              const next = change(m);
              return next ? [next] : [];
            }),
          })),
        }
      : data,
  );
}

/** A change to one person only. */
const only =
  (userId: string, change: (m: MemberView) => MemberView | null) =>
  (m: MemberView): MemberView | null =>
    m.user.id === userId ? change(m) : m;

/**
 * An optimistic change to one or more member lists: applied at once, undone if the server
 * refuses (the screen shows the error), and the lists and the group re-read either way.
 */
function useMemberMutation<V extends { member: MemberView }>(
  groupId: string,
  run: (v: V) => Promise<unknown>,
  changes: (v: V) => { key: QueryKey; change: (m: MemberView) => MemberView | null }[],
) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onMutate: async (v: V) => {
      const edits = changes(v);
      const before = await Promise.all(
        edits.map(async ({ key }) => {
          await qc.cancelQueries({ queryKey: key, exact: true });
          return [key, qc.getQueryData<MemberPages>(key)] as const;
        }),
      );
      for (const { key, change } of edits) editMembers(qc, key, change);
      return { before };
    },
    onError: (_e, _v, ctx) => {
      for (const [key, data] of ctx?.before ?? []) qc.setQueryData(key, data);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: keys.group(groupId) }),
  });
}

/** Approve or reject a join request; the request leaves the list at once. */
export function useAnswerRequest(groupId: string) {
  return useMemberMutation(
    groupId,
    ({ member, approve }: { member: MemberView; approve: boolean }) =>
      api(`/groups/${groupId}/members/${member.user.id}/${approve ? 'approve' : 'reject'}`, {
        method: 'POST',
      }),
    ({ member }) => [{ key: keys.groupPending(groupId), change: only(member.user.id, () => null) }],
  );
}

export function useChangeRole(groupId: string) {
  return useMemberMutation(
    groupId,
    ({ member, role }: { member: MemberView; role: AssignableRole }) =>
      api<Static<typeof MemberResponse>>(`/groups/${groupId}/members/${member.user.id}`, {
        method: 'PATCH',
        body: { role },
      }),
    ({ member, role }) => [
      { key: keys.groupMembers(groupId), change: only(member.user.id, (m) => ({ ...m, role })) },
    ],
  );
}

export function useRemoveMember(groupId: string) {
  return useMemberMutation(
    groupId,
    ({ member }: { member: MemberView }) =>
      api<void>(`/groups/${groupId}/members/${member.user.id}`, { method: 'DELETE' }),
    ({ member }) => [{ key: keys.groupMembers(groupId), change: only(member.user.id, () => null) }],
  );
}

export function useBan(groupId: string) {
  return useMemberMutation(
    groupId,
    ({ member, reason }: { member: MemberView; reason: string }) =>
      api<Static<typeof MemberResponse>>(`/groups/${groupId}/bans`, {
        method: 'POST',
        body: { userId: member.user.id, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      }),
    ({ member }) => [{ key: keys.groupMembers(groupId), change: only(member.user.id, () => null) }],
  );
}

export function useUnban(groupId: string) {
  return useMemberMutation(
    groupId,
    ({ member }: { member: MemberView }) =>
      api<void>(`/groups/${groupId}/bans/${member.user.id}`, { method: 'DELETE' }),
    ({ member }) => [{ key: keys.groupBans(groupId), change: only(member.user.id, () => null) }],
  );
}

/** Hand the group over: the new owner's row and mine change at once (I become an admin). */
export function useTransfer(groupId: string, meId: string | undefined) {
  return useMemberMutation(
    groupId,
    ({ member }: { member: MemberView }) =>
      api<Static<typeof MemberResponse>>(`/groups/${groupId}/transfer`, {
        method: 'POST',
        body: { userId: member.user.id },
      }),
    ({ member }) => [
      {
        key: keys.groupMembers(groupId),
        change: (m) =>
          m.user.id === member.user.id
            ? { ...m, role: 'owner' }
            : m.user.id === meId
              ? { ...m, role: 'admin' }
              : m,
      },
    ],
  );
}

/** PATCH the group with only what changed; the answer replaces the cached group. */
export function useUpdateGroup(groupId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: UpdateGroupBody) =>
      api<GroupView>(`/groups/${groupId}`, { method: 'PATCH', body: patch }),
    onSuccess: (g) => {
      qc.setQueryData(keys.group(groupId), g);
      void qc.invalidateQueries({ queryKey: keys.groupsAll });
    },
  });
}
