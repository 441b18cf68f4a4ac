import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { NotificationItem } from './NotificationItem.tsx';
import { useMarkRead, useNotifications, useUnread, type NotificationView } from './useInbox.ts';

export function NotificationsTab() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const list = useNotifications();
  const unread = useUnread();
  const markRead = useMarkRead();
  const open = (n: NotificationView) => {
    if (!n.read) markRead.mutate({ ids: [n.id] });
    // `target` is an app path the server chose ("/threads/…#post-…"); only paths are followed.
    if (n.target.startsWith('/') && !n.target.startsWith('//')) void navigate(n.target);
  };

  if (list.isPending) return <ListSkeleton />;
  if (list.isError) return <ErrorText error={list.error} />;
  const items = list.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <p className="empty">{t('inbox.emptyNotifications')}</p>;
  return (
    <section aria-label={t('nav.notifications')}>
      {(unread.data?.notifications ?? 0) > 0 && (
        <div className="list-actions">
          <button
            type="button"
            className="button ghost small"
            onClick={() => markRead.mutate({ all: true })}
          >
            {t('inbox.markAllRead')}
          </button>
        </div>
      )}
      <ErrorText error={markRead.error} />
      <ul className="list">
        {items.map((n) => (
          <NotificationItem key={n.id} n={n} onOpen={open} />
        ))}
      </ul>
      <InfiniteFooter query={list} />
    </section>
  );
}
