import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { UserSummary } from '../../../shared/api/accounts.ts';
import type { Attendee } from '../../../shared/api/activities.ts';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Member } from '../../../shared/api/groups.ts';
import type { Bill, CreateBillBody } from '../../../shared/api/wallet.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { idempotencyHeader } from '../../lib/idempotency.ts';

export type BillView = Bill;
export type Person = Static<typeof UserSummary>;

export function useBills() {
  return useInfiniteQuery({
    queryKey: keys.bills,
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<Bill>>('/bills', { query: { cursor: pageParam, limit: 20 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useBill(id: string) {
  return useQuery({ queryKey: keys.bill(id), queryFn: () => api<Bill>(`/bills/${id}`) });
}

/** A bill's new state goes into its cache entry; the list and the wallet are read again. */
function useBillWrite<V>(fn: (v: V) => Promise<Bill>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (bill) => {
      qc.setQueryData(keys.bill(bill.id), bill);
      void qc.invalidateQueries({ queryKey: keys.bills });
    },
  });
}

export function useCreateBill() {
  return useBillWrite((body: CreateBillBody) => api<Bill>('/bills', { method: 'POST', body }));
}
export function useRemindBill(id: string) {
  return useBillWrite(() => api<Bill>(`/bills/${id}/remind`, { method: 'POST' }));
}
export function useCancelBill(id: string) {
  return useBillWrite(() => api<Bill>(`/bills/${id}/cancel`, { method: 'POST' }));
}

/** Pays my share: the PaySheet's `pay` (the PIN and the intent's Idempotency-Key). */
export function payBill(id: string, pin: string, key: string) {
  return api<Bill>(`/bills/${id}/pay`, {
    method: 'POST',
    body: { pin },
    headers: idempotencyHeader(key),
  });
}

/** Who can be on an activity's bill, for its organizer: the confirmed attendees. */
export function useAttendees(activityId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: keys.activityAttendees(activityId ?? ''),
    queryFn: () =>
      api<PageOf<Static<typeof Attendee>>>(`/activities/${activityId}/attendees`, {
        query: { status: 'confirmed', limit: 100 },
      }),
    enabled: enabled && activityId !== null,
  });
}

/** Who can be on a group's bill: its members (the first 100). */
export function useGroupMembersForBill(groupId: string | null) {
  return useQuery({
    queryKey: [...keys.groupMembers(groupId ?? ''), 'bill'] as const,
    queryFn: () => api<PageOf<Member>>(`/groups/${groupId}/members`, { query: { limit: 100 } }),
    enabled: groupId !== null,
  });
}

/**
 * The server's equal split (docs/wallet.md): among the chosen people and the creator, everyone
 * owes ⌊total / n⌋ and the creator's own share takes the remaining fen.
 */
export function equalShares(
  totalFen: number,
  creatorId: string,
  userIds: readonly string[],
): Map<string, number> {
  const ids = [creatorId, ...userIds.filter((id) => id !== creatorId)];
  const each = Math.floor(totalFen / ids.length);
  const shares = new Map(ids.map((id) => [id, each]));
  shares.set(creatorId, totalFen - each * (ids.length - 1));
  return shares;
}
