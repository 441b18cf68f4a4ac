import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet } from 'react-router';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { useStreamStatus } from '../../stream/StreamProvider.tsx';
import { useMe } from '../auth/useSession.ts';
import { useUnread } from './useInbox.ts';

/** The messaging centre: 通知 / 消息 / 兴趣社区, each with its unread badge, kept live. */
export function InboxPage() {
  const { t } = useTranslation();
  const unread = useUnread();
  const status = useStreamStatus();
  const me = useMe();
  const tabs = [
    { to: '/', label: t('nav.notifications'), count: unread.data?.notifications ?? 0, end: true },
    { to: '/messages', label: t('nav.messages'), count: unread.data?.messages ?? 0, end: false },
    { to: '/community', label: t('nav.community'), count: unread.data?.community ?? 0, end: false },
  ];
  return (
    <div className="page inbox">
      <header className="app-bar">
        <h1>{t('inbox.title')}</h1>
        <Link to="/groups" className="app-bar-link">
          {t('community.discoverGroups')}
        </Link>
        <NavLink to="/me" className="app-bar-action avatar-button" aria-label={t('nav.me')}>
          <span aria-hidden="true">{me.data?.displayName.slice(0, 1) ?? ''}</span>
        </NavLink>
      </header>
      {status === 'reconnecting' && (
        <p className="banner" role="status">
          {t('inbox.reconnecting')}
        </p>
      )}
      <nav className="tabs" aria-label={t('inbox.title')}>
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end} className="tab">
            {tab.label}
            {tab.count > 0 && (
              <span className="badge" aria-label={t('inbox.unreadBadge', { count: tab.count })}>
                {tab.count > 99 ? '99+' : tab.count}
              </span>
            )}
          </NavLink>
        ))}
      </nav>
      {/* The community tab is its own chunk (App.tsx): a skeleton while it arrives. */}
      <Suspense fallback={<ListSkeleton />}>
        <Outlet />
      </Suspense>
    </div>
  );
}
