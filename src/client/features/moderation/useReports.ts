import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Report, ResolveAction } from '../../../shared/api/moderation.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';

export type ReportView = Static<typeof Report>;
export type Resolution = Static<typeof ResolveAction>;
export type ReportStatus = ReportView['status'];
type ReportPages = { pages: PageOf<ReportView>[]; pageParams: unknown[] };

/** A group's report queue (open or resolved), newest first, a page at a time. */
export function useReports(groupId: string, status: ReportStatus) {
  return useInfiniteQuery({
    queryKey: keys.reports(groupId, status),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<ReportView>>('/moderation/reports', {
        query: { groupId, status, cursor: pageParam, limit: 20 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * Resolve a report, optimistically: it (and every other open report of the same post, which the
 * server resolves together) leaves the queue at once, and comes back if the server refuses.
 */
export function useResolveReport(groupId: string) {
  const qc = useQueryClient();
  const open = keys.reports(groupId, 'open');
  return useMutation({
    mutationFn: ({ report, action }: { report: ReportView; action: Resolution }) =>
      api<ReportView>(`/moderation/reports/${encodeURIComponent(report.id)}/resolve`, {
        method: 'POST',
        body: { action },
      }),
    onMutate: async ({ report }) => {
      await qc.cancelQueries({ queryKey: open });
      const before = qc.getQueryData<ReportPages>(open);
      qc.setQueryData<ReportPages>(open, (d) =>
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
    onError: (_err, _vars, ctx) => {
      if (ctx?.before) qc.setQueryData(open, ctx.before);
    },
    onSuccess: (_res, { report, action }) => {
      void qc.invalidateQueries({ queryKey: keys.reports(groupId, 'resolved') });
      // The post changed (deleted, or let through): its thread and the group's lists show it.
      void qc.invalidateQueries({ queryKey: keys.thread(report.post.threadId) });
      void qc.invalidateQueries({ queryKey: keys.groupThreadsAll(groupId) });
      if (action === 'ban_author') void qc.invalidateQueries({ queryKey: keys.group(groupId) });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: open }),
  });
}
