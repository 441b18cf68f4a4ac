import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Notification, UnreadCounts } from '../../../shared/api/messaging.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';

export type NotificationView = Static<typeof Notification>;
export type Unread = Static<typeof UnreadCounts>;

/** Unread counts per tab; the stream writes `unread.changed` frames straight into this key. */
export function useUnread(enabled = true) {
  return useQuery({ queryKey: keys.inbox, queryFn: () => api<Unread>('/inbox'), enabled });
}

export function useNotifications() {
  return useInfiniteQuery({
    queryKey: keys.notifications('all'),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<NotificationView>>('/inbox/notifications', {
        query: { cursor: pageParam, limit: 20 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * Marks notifications read, optimistically: the items turn read and the badge drops at once,
 * and both come back if the server refuses.
 */
export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { ids: string[] } | { all: true }) =>
      api<Unread>('/inbox/notifications/read', { method: 'POST', body }),
    onMutate: async (body) => {
      await qc.cancelQueries({ queryKey: keys.notificationsAll });
      const key = keys.notifications('all');
      const before = qc.getQueryData(key);
      const unreadBefore = qc.getQueryData<Unread>(keys.inbox);
      const ids = 'ids' in body ? new Set(body.ids) : null;
      let turned = 0;
      qc.setQueryData(key, (data: typeof before) => {
        if (!data || typeof data !== 'object') return data;
        const d = data as { pages: PageOf<NotificationView>[]; pageParams: unknown[] };
        return {
          ...d,
          pages: d.pages.map((p) => ({
            ...p,
            items: p.items.map((n) => {
              if (n.read || (ids && !ids.has(n.id))) return n;
              turned++;
              return { ...n, read: true };
            }),
          })),
        };
      });
      if (unreadBefore) {
        qc.setQueryData<Unread>(keys.inbox, {
          ...unreadBefore,
          notifications: ids ? Math.max(0, unreadBefore.notifications - turned) : 0,
        });
      }
      return { before, unreadBefore };
    },
    onError: (_err, _body, ctx) => {
      if (!ctx) return;
      qc.setQueryData(keys.notifications('all'), ctx.before);
      if (ctx.unreadBefore) qc.setQueryData(keys.inbox, ctx.unreadBefore);
    },
    onSuccess: (counts) => qc.setQueryData(keys.inbox, counts),
  });
}
