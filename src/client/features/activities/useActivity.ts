import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Static } from 'typebox';
import type {
  Activity,
  Attendee,
  SignupResponse,
  VenueSuggestion,
} from '../../../shared/api/activities.ts';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Group } from '../../../shared/api/groups.ts';
import type { InterestList } from '../../../shared/api/interests.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';

export type ActivityView = Static<typeof Activity>;

const HOUR = 3_600_000;

/**
 * The activity. On its page (`live`), a confirmed attendee's ticket is re-read every 15 s
 * during the check-in window until they are checked in, so the ticket turns "已签到" by itself;
 * sign-ups, the waitlist and promotions arrive as notifications, which re-read it (stream.ts).
 */
export function useActivity(id: string, live = false) {
  return useQuery({
    queryKey: keys.activity(id),
    queryFn: () => api<ActivityView>(`/activities/${id}`),
    enabled: id !== '',
    refetchInterval: (q) => {
      const a = q.state.data;
      if (!live || !a?.mySignup || a.mySignup.status !== 'confirmed' || a.mySignup.checkedIn) {
        return false;
      }
      const now = Date.now();
      const open =
        Date.parse(a.startsAt) - 2 * HOUR <= now && now <= Date.parse(a.endsAt) + 24 * HOUR;
      return open ? 15_000 : false;
    },
  });
}

/** The activity's group, when it has one the person may see (a private one answers 404). */
export function useActivityGroup(groupId: string | null) {
  return useQuery({
    queryKey: keys.group(groupId ?? ''),
    queryFn: () => api<Static<typeof Group>>(`/groups/${groupId}`),
    enabled: groupId !== null,
  });
}

/** Interest names for ids, in the language on screen (the taxonomy is cached for good). */
export function useInterestNames(lang: string) {
  const taxonomy = useQuery({
    queryKey: keys.interests(lang),
    queryFn: () => api<InterestList>('/interests'),
    staleTime: Infinity,
  });
  const names = new Map<string, string>();
  for (const c of taxonomy.data?.items ?? []) for (const i of c.interests) names.set(i.id, i.name);
  return names;
}

/** Counts one view for popularity, once per opening (the server ignores the organizer's own). */
export function useCountView(id: string, ready: boolean) {
  const sent = useRef<string | null>(null);
  const view = useMutation({
    mutationFn: () => api<void>(`/activities/${id}/views`, { method: 'POST' }),
  });
  useEffect(() => {
    if (!ready || sent.current === id) return;
    sent.current = id;
    view.mutate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, ready]);
}

/** Everything the activity's page shows changed: re-read it, and the lists it appears in. */
function useRefreshActivity(id: string) {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.activity(id) });
    void qc.invalidateQueries({ queryKey: keys.community });
    void qc.invalidateQueries({ queryKey: keys.nearbyAll });
  };
}

/** Sign up (a free activity): confirmed, or a place on the waitlist. */
export function useSignup(id: string) {
  const refresh = useRefreshActivity(id);
  return useMutation({
    mutationFn: () =>
      api<Static<typeof SignupResponse>>(`/activities/${id}/signup`, { method: 'POST', body: {} }),
    onSettled: refresh,
  });
}

/** Give up my place (refunded by the policy, as the server's preview said). */
export function useCancelSignup(id: string) {
  const refresh = useRefreshActivity(id);
  return useMutation({
    mutationFn: () => api<void>(`/activities/${id}/signup`, { method: 'DELETE' }),
    onSettled: refresh,
  });
}

/**
 * The organizer cancels the activity. A paid one refunds everyone, so the request carries an
 * Idempotency-Key made once per intent (this sheet's opening) and reused by every retry.
 */
export function useCancelActivity(id: string) {
  const refresh = useRefreshActivity(id);
  return useMutation({
    mutationFn: (v: { reason: string; key: string }) =>
      api<ActivityView>(`/activities/${id}/cancel`, {
        method: 'POST',
        body: v.reason.trim() ? { reason: v.reason.trim() } : {},
        headers: { 'idempotency-key': v.key },
      }),
    onSettled: refresh,
  });
}

export type AttendeeView = Static<typeof Attendee>;

/** The organizer's attendee list: confirmed by sign-up time, or the waitlist in order. */
export function useAttendees(id: string, status: 'confirmed' | 'waitlisted', enabled: boolean) {
  return useInfiniteQuery({
    queryKey: keys.attendees(id, status),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<AttendeeView>>(`/activities/${id}/attendees`, {
        query: { status, cursor: pageParam, limit: 50 },
        signal,
      }),
    enabled,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Check an attendee in, by a tap (their id) or by the code on their ticket. */
export function useCheckin(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (by: { userId: string } | { code: string }) =>
      api<AttendeeView>(`/activities/${id}/checkin`, { method: 'POST', body: by }),
    onSuccess: (a) => {
      // Mark them in the loaded list at once; the list is re-read behind.
      qc.setQueryData<{ pages: PageOf<AttendeeView>[]; pageParams: unknown[] }>(
        keys.attendees(id, 'confirmed'),
        (d) =>
          d && {
            ...d,
            pages: d.pages.map((p) => ({
              ...p,
              items: p.items.map((x) => (x.user.id === a.user.id ? { ...x, checkedIn: true } : x)),
            })),
          },
      );
      void qc.invalidateQueries({ queryKey: keys.attendees(id, 'confirmed') });
    },
  });
}

export type VenueView = Static<typeof VenueSuggestion>;

/** Known venues of the city matching the text (typed text waits a moment before asking). */
export function useVenues(city: string, q: string) {
  const [debounced, setDebounced] = useState(q);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(q.trim()), 250);
    return () => clearTimeout(timer);
  }, [q]);
  return useQuery({
    queryKey: keys.venues(city, debounced),
    queryFn: ({ signal }) =>
      api<{ items: VenueView[] }>('/venues', { query: { q: debounced, city, limit: 6 }, signal }),
    enabled: city.trim() !== '' || debounced !== '',
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** Create (`id` null) or change an activity. */
export function useSaveActivity(id: string | null) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      id
        ? api<ActivityView>(`/activities/${id}`, { method: 'PATCH', body })
        : api<ActivityView>('/activities', { method: 'POST', body }),
    onSuccess: (a) => {
      qc.setQueryData(keys.activity(a.id), a);
      void qc.invalidateQueries({ queryKey: keys.community });
      void qc.invalidateQueries({ queryKey: keys.nearbyAll });
      if (a.groupId) void qc.invalidateQueries({ queryKey: keys.groupActivities(a.groupId) });
    },
  });
}
