import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { Activity, Promotion } from '../../../shared/api/activities.ts';
import type { PublicProfile } from '../../../shared/api/accounts.ts';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Report, ResolveAction } from '../../../shared/api/moderation.ts';
import type { Figures, SiteBan } from '../../../shared/api/operator.ts';
import type { SearchHit } from '../../../shared/api/search.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';

export type ReportView = Static<typeof Report>;
type Resolution = Static<typeof ResolveAction>;
type Pages<T> = { pages: PageOf<T>[]; pageParams: unknown[] };

const infinite = <T>(path: string, query: Record<string, string> = {}) => ({
  queryFn: ({ pageParam, signal }: { pageParam: string | undefined; signal: AbortSignal }) =>
    api<PageOf<T>>(path, { query: { ...query, cursor: pageParam, limit: 20 }, signal }),
  initialPageParam: undefined as string | undefined,
  getNextPageParam: (last: PageOf<T>) => last.nextCursor ?? undefined,
});

/** Every group's report queue (operators), newest first. */
export function useGlobalReports(status: 'open' | 'resolved') {
  return useInfiniteQuery({
    queryKey: keys.operatorReports(status),
    ...infinite<ReportView>('/moderation/reports', { status }),
  });
}

/**
 * Acts on a report from the global queue, optimistically (the post's open reports leave at
 * once and come back if refused). `ban_author` here is the site-wide ban: the post is deleted
 * (resolving the report), then the author is banned from quanzi.
 */
export function useActOnReport() {
  const qc = useQueryClient();
  const open = keys.operatorReports('open');
  return useMutation({
    mutationFn: async ({ report, action }: { report: ReportView; action: Resolution }) => {
      if (action !== 'ban_author') {
        return api<ReportView>(`/moderation/reports/${encodeURIComponent(report.id)}/resolve`, {
          method: 'POST',
          body: { action },
        });
      }
      if (report.post.status !== 'deleted') {
        await api(`/moderation/reports/${encodeURIComponent(report.id)}/resolve`, {
          method: 'POST',
          body: { action: 'delete_post' },
        });
      }
      return api<SiteBan>(`/operator/users/${encodeURIComponent(report.post.author.id)}/ban`, {
        method: 'POST',
        body: { reason: report.reason.slice(0, 200) || '—' },
      });
    },
    onMutate: async ({ report }) => {
      await qc.cancelQueries({ queryKey: open });
      const before = qc.getQueryData<Pages<ReportView>>(open);
      qc.setQueryData<Pages<ReportView>>(open, (d) =>
        d
          ? {
              ...d,
              pages: d.pages.map((p) => ({
                ...p,
                items: p.items.filter((r) => r.post.id !== report.post.id),
              })),
            }
          : d,
      );
      return { before };
    },
    onError: (_e, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(open, ctx.before);
    },
    onSettled: (_r, _e, { action }) => {
      void qc.invalidateQueries({ queryKey: keys.operatorReportsAll });
      if (action === 'ban_author') void qc.invalidateQueries({ queryKey: keys.operatorBans });
      return qc.invalidateQueries({ queryKey: open });
    },
  });
}

export function useSiteBans() {
  return useInfiniteQuery({ queryKey: keys.operatorBans, ...infinite<SiteBan>('/operator/bans') });
}

export function useBan() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({
      userId,
      reason,
      until,
    }: {
      userId: string;
      reason: string;
      until: string | null;
    }) =>
      api<SiteBan>(`/operator/users/${encodeURIComponent(userId)}/ban`, {
        method: 'POST',
        body: { reason, until },
      }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.operatorBans }),
  });
}

/** Lifts a ban; the row leaves at once and comes back if the server refuses. */
export function useLiftBan() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      api<void>(`/operator/users/${encodeURIComponent(userId)}/ban`, { method: 'DELETE' }),
    onMutate: async (userId) => {
      await qc.cancelQueries({ queryKey: keys.operatorBans });
      const before = qc.getQueryData<Pages<SiteBan>>(keys.operatorBans);
      qc.setQueryData<Pages<SiteBan>>(keys.operatorBans, (d) =>
        d
          ? {
              ...d,
              pages: d.pages.map((p) => ({
                ...p,
                items: p.items.filter((b) => b.user.id !== userId),
              })),
            }
          : d,
      );
      return { before };
    },
    onError: (_e, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.operatorBans, ctx.before);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: keys.operatorBans }),
  });
}

/** A profile by id (to name the person before banning them). */
export function useProfile(id: string | null) {
  return useQuery({
    queryKey: keys.user(id ?? ''),
    queryFn: ({ signal }) => api<PublicProfile>(`/users/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
    retry: false,
  });
}

export function usePromotions() {
  return useInfiniteQuery({
    queryKey: keys.operatorPromotions,
    ...infinite<Promotion>('/operator/promotions'),
  });
}

/** Activities found by text, to promote one. */
export function useActivitySearch(q: string) {
  return useQuery({
    queryKey: keys.search('activities', q),
    queryFn: ({ signal }) =>
      api<PageOf<Static<typeof SearchHit>>>('/search', {
        query: { q, type: 'activities', limit: 8 },
        signal,
      }),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  });
}

/** One activity by id (a pasted link or id). */
export function useActivityById(id: string | null) {
  return useQuery({
    queryKey: keys.activity(id ?? ''),
    queryFn: ({ signal }) => api<Activity>(`/activities/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
    retry: false,
  });
}

export function usePromote() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, until, label }: { id: string; until: string; label?: string }) =>
      api<Activity>(`/activities/${encodeURIComponent(id)}/promotion`, {
        method: 'PUT',
        body: label ? { until, label } : { until },
      }),
    onSuccess: (a) => qc.setQueryData(keys.activity(a.id), a),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: keys.nearbyAll });
      return qc.invalidateQueries({ queryKey: keys.operatorPromotions });
    },
  });
}

/** Ends a promotion; it leaves the list at once and comes back if the server refuses. */
export function useEndPromotion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<Activity>(`/activities/${encodeURIComponent(id)}/promotion`, { method: 'DELETE' }),
    onMutate: async (id) => {
      await qc.cancelQueries({ queryKey: keys.operatorPromotions });
      const before = qc.getQueryData<Pages<Promotion>>(keys.operatorPromotions);
      qc.setQueryData<Pages<Promotion>>(keys.operatorPromotions, (d) =>
        d
          ? {
              ...d,
              pages: d.pages.map((p) => ({
                ...p,
                items: p.items.filter((x) => x.activityId !== id),
              })),
            }
          : d,
      );
      return { before };
    },
    onError: (_e, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.operatorPromotions, ctx.before);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: keys.nearbyAll });
      return qc.invalidateQueries({ queryKey: keys.operatorPromotions });
    },
  });
}

/** The figures for the last `days` days (ending today in Shanghai), optionally one city. */
export function useFigures(days: number, city: string) {
  return useQuery({
    queryKey: keys.operatorFigures(days, city),
    queryFn: ({ signal }) => {
      const to = shanghaiToday();
      const from = addDays(to, -(days - 1));
      return api<Figures>('/operator/figures', { query: { from, to, city }, signal });
    },
    placeholderData: keepPreviousData,
  });
}

/** Today in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

function addDays(ymd: string, n: number): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
