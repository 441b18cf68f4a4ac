import { useInfiniteQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Conversation } from '../../../shared/api/messaging.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Time } from '../../components/Time.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';

type ConversationView = Static<typeof Conversation>;

/** Conversations with their unread counts, latest first; each opens its chat. */
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
  if (items.length === 0)
    return (
      <div className="empty">
        <p>{t('inbox.emptyMessages')}</p>
        <p className="muted small">{t('inbox.howToMessage')}</p>
      </div>
    );
  return (
    <section aria-label={t('nav.messages')}>
      <ul className="list">
        {items.map((c) => (
          <li key={c.id}>
            <Link to={`/messages/${c.id}`} className="conversation">
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
              {c.unreadCount > 0 && (
                <span
                  className="badge"
                  aria-label={t('inbox.unreadBadge', { count: c.unreadCount })}
                >
                  {c.unreadCount > 99 ? '99+' : c.unreadCount}
                </span>
              )}
            </Link>
          </li>
        ))}
      </ul>
      <InfiniteFooter query={list} />
    </section>
  );
}
