import { useInfiniteQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import { useTranslation } from 'react-i18next';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Conversation } from '../../../shared/api/messaging.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Time } from '../../components/Time.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';

type ConversationView = Static<typeof Conversation>;

/** Conversations with their unread counts (the chat screen is part 2). */
export function MessagesTab() {
  const { t } = useTranslation();
  const list = useInfiniteQuery({
    queryKey: keys.conversations,
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<ConversationView>>('/conversations', { query: { cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (list.isPending) return <ListSkeleton />;
  if (list.isError) return <ErrorText error={list.error} />;
  const items = list.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <p className="empty">{t('inbox.emptyMessages')}</p>;
  return (
    <section aria-label={t('nav.messages')}>
      <ul className="list">
        {items.map((c) => (
          <li key={c.id} className="conversation">
            <span className="avatar" aria-hidden="true">
              {c.with.displayName.slice(0, 1)}
            </span>
            <span className="notification-body">
              <span className="row-between">
                <strong>{c.with.displayName}</strong>
                <span className="muted small">
                  <Time iso={c.lastMessageAt} />
                </span>
              </span>
              <span className="muted ellipsis">{c.lastMessage?.body ?? ''}</span>
            </span>
            {c.unreadCount > 0 && <span className="badge">{c.unreadCount}</span>}
          </li>
        ))}
      </ul>
      <InfiniteFooter query={list} />
    </section>
  );
}
