import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Static } from 'typebox';
import type { Activity } from '../../../shared/api/activities.ts';
import type { Group } from '../../../shared/api/groups.ts';
import type { InterestList } from '../../../shared/api/interests.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';

export type ActivityView = Static<typeof Activity>;

export function useActivity(id: string) {
  return useQuery({
    queryKey: keys.activity(id),
    queryFn: () => api<ActivityView>(`/activities/${id}`),
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
