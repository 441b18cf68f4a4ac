import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useState } from 'react';
import type { Static } from 'typebox';
import type { Area, NearbyActivity } from '../../../shared/api/activities.ts';
import type { PageOf } from '../../../shared/api/common.ts';
import type { MyInterests } from '../../../shared/api/interests.ts';
import type { Community } from '../../../shared/api/messaging.ts';
import { api } from '../../api/http.ts';
import { windowOf, type When } from '../activities/shanghai.ts';
import { keys } from '../../api/keys.ts';
import {
  cellCentre,
  DEFAULT_RADIUS,
  loadChoice,
  round2,
  saveChoice,
  type NearbyChoice,
} from './location.ts';

/**
 * Where to look from: this device's remembered choice, else the server's area cell (set on
 * another device), else nothing yet (the section asks). `choose` remembers a new one here and
 * sends its rounded point to PUT /me/area, which keeps only the ≈5 km cell.
 */
export function useNearbyChoice(userId: string, area: string | null) {
  const qc = useQueryClient();
  const [local, setLocal] = useState(() => loadChoice(userId));
  const fromArea = area ? cellCentre(area) : null;
  const choice: NearbyChoice | null =
    local ??
    (fromArea && {
      source: 'area',
      lat: round2(fromArea.lat),
      lng: round2(fromArea.lng),
      radiusKm: DEFAULT_RADIUS,
    });
  const setArea = useMutation({
    mutationFn: (p: { lat: number; lng: number }) =>
      api<Static<typeof Area>>('/me/area', { method: 'PUT', body: p }),
    onSuccess: (r) =>
      qc.setQueryData<Static<typeof Community>>(keys.community, (c) => c && { ...c, area: r.area }),
  });
  const remember = (next: NearbyChoice) => {
    setLocal(next);
    saveChoice(userId, next);
  };
  return {
    choice,
    choose(next: NearbyChoice) {
      const rounded = { ...next, lat: round2(next.lat), lng: round2(next.lng) };
      remember(rounded);
      setArea.mutate({ lat: rounded.lat, lng: rounded.lng });
    },
    setRadius(radiusKm: number) {
      if (choice) remember({ ...choice, radiusKm });
    },
  };
}

export type NearbyView = Static<typeof NearbyActivity>;

/** Upcoming activities around the point, ranked by the server, 10 a page. */
export function useNearby(
  choice: NearbyChoice | null,
  interest: string | undefined,
  when: When = 'month',
) {
  const q = choice && {
    lat: choice.lat,
    lng: choice.lng,
    radiusKm: choice.radiusKm,
    interest,
    when,
  };
  return useInfiniteQuery({
    queryKey: keys.nearby(q ?? { lat: 0, lng: 0, radiusKm: 0 }),
    queryFn: ({ pageParam, signal }) => {
      // The date chip is a window of Shanghai days, worked out when the list is read.
      const { when: w, ...rest } = q!;
      return api<PageOf<NearbyView>>('/activities/nearby', {
        query: { ...rest, ...windowOf(w), cursor: pageParam, limit: 10 },
        signal,
      });
    },
    enabled: q !== null,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A new chip or radius keeps the old list (dimmed) until the new one arrives, so nothing
    // jumps; a new place does not (its old list would be about somewhere else).
    placeholderData: (previous, previousQuery) => {
      const before = previousQuery?.queryKey[1];
      return before && q && before.lat === q.lat && before.lng === q.lng
        ? keepPreviousData(previous)
        : undefined;
    },
  });
}

/** The chips: the interests the person chose, or (having chosen none) the strongest learned. */
export function useInterestChips() {
  const mine = useQuery({
    queryKey: keys.myInterests,
    queryFn: () => api<MyInterests>('/me/interests'),
    staleTime: 60_000,
  });
  const items = mine.data?.items ?? [];
  const chosen = items.filter((i) => i.chosen);
  return (chosen.length ? chosen : [...items].sort((a, b) => b.weight - a.weight).slice(0, 6)).map(
    (i) => ({ id: i.id, name: i.name }),
  );
}
