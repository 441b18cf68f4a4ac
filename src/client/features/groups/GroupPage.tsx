import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Time } from '../../components/Time.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { useTranslationCity } from './city.ts';
import { pendingCount, useGroupAbilities, usePendingRequests } from './useGroupAdmin.ts';
import './admin.css';
import {
  useGroup,
  useInterestNames,
  useMembership,
  useThreads,
  type GroupView,
  type ThreadSort,
} from './useGroups.ts';

/** `/groups/:id`: the group, joining it, and its threads. */
export function GroupPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const group = useGroup(id);
  return (
    <main className="page group-page">
      <header className="app-bar">
        <Link to="/groups" className="app-bar-action" aria-label={t('common.back')}>
          <Icon name="back" />
        </Link>
        <span className="app-bar-title" />
        <Link to="/search" className="app-bar-action" aria-label={t('search.title')}>
          <Icon name="search" />
        </Link>
      </header>
      {group.isPending ? (
        <GroupHeaderSkeleton />
      ) : group.isError ? (
        <ErrorText error={group.error} />
      ) : (
        <>
          <GroupHeader g={group.data} />
          <ThreadList g={group.data} />
        </>
      )}
    </main>
  );
}

function GroupHeaderSkeleton() {
  const { t } = useTranslation();
  return (
    <div className="card group-header" aria-busy="true" aria-label={t('common.loading')}>
      <span className="skeleton line" />
      <span className="skeleton line" />
      <span className="skeleton line short" />
    </div>
  );
}

function GroupHeader({ g }: { g: GroupView }) {
  const { t } = useTranslation();
  const city = useTranslationCity();
  const names = useInterestNames();
  const membership = useMembership(g);
  const status = g.myMembership?.status;
  const isOwner = g.abilities?.canTransfer ?? false;
  const leave = () => {
    if (window.confirm(t('groups.leaveConfirm'))) membership.mutate('leave');
  };
  return (
    <section className="card group-header" aria-labelledby="group-name">
      <h1 id="group-name" className="group-name">
        {g.name}
      </h1>
      <p className="muted small group-meta">
        <span>{t('groups.members', { count: g.memberCount })}</span>
        <span>{t('groups.threadsCount', { count: g.threadCount })}</span>
        {g.city && <span>{city(g.city)}</span>}
        <span className={`pill ${g.visibility}`}>
          {g.visibility === 'approval' ? t('groups.approval') : t('groups.public')}
        </span>
      </p>
      {g.description && <p className="group-description">{g.description}</p>}
      {g.interestIds.length > 0 && (
        <span className="tags">
          {g.interestIds.map((i) => (
            <span key={i} className="tag">
              {names.get(i) ?? ''}
            </span>
          ))}
        </span>
      )}
      <p className="muted small">{t('groups.ownerBy', { name: g.owner.displayName })}</p>
      <div className="group-actions">
        {isOwner ? (
          <span className="pill">{t('groups.owner')}</span>
        ) : status === 'member' ? (
          <button
            type="button"
            className="button joined"
            onClick={leave}
            disabled={membership.isPending}
            title={t('groups.leave')}
          >
            <Icon name="check" size={18} />
            {t('groups.joined')}
          </button>
        ) : status === 'pending' ? (
          <>
            <span className="pill">{t('groups.pending')}</span>
            <button
              type="button"
              className="button ghost small"
              onClick={() => membership.mutate('leave')}
              disabled={membership.isPending}
            >
              {t('groups.withdraw')}
            </button>
          </>
        ) : status === 'banned' ? null : (
          <button
            type="button"
            className="button primary"
            onClick={() => membership.mutate('join')}
            disabled={membership.isPending}
          >
            {g.visibility === 'approval' ? t('groups.requestJoin') : t('groups.join')}
          </button>
        )}
        {(g.visibility === 'public' || status === 'member') && (
          <Link className="button ghost small" to={`/groups/${g.id}/members`}>
            {t('groups.membersLink')}
          </Link>
        )}
        <ManageEntry g={g} />
      </div>
      {status === 'banned' && <p className="banned-notice">{t('groupAdmin.bannedNotice')}</p>}
      <ErrorText error={membership.error} />
    </section>
  );
}

/** The staff's way into /groups/:id/manage, with the count of join requests waiting. */
function ManageEntry({ g }: { g: GroupView }) {
  const { t } = useTranslation();
  const can = useGroupAbilities(g);
  const pending = usePendingRequests(g.id, can.isAdmin);
  if (!can.isModerator) return null;
  const waiting = pendingCount(pending);
  return (
    <Link className="button outline small manage-entry" to={`/groups/${g.id}/manage`}>
      <Icon name="settings" size={16} />
      {t('groupAdmin.entry')}
      {waiting && (
        <>
          <span className="badge" aria-hidden="true">
            {waiting}
          </span>
          <span className="visually-hidden">{t('groupAdmin.entryRequests', { n: waiting })}</span>
        </>
      )}
    </Link>
  );
}

const SORTS: ThreadSort[] = ['hot', 'new', 'top'];

function ThreadList({ g }: { g: GroupView }) {
  const { t } = useTranslation();
  const [sort, setSort] = useState<ThreadSort>('hot');
  const isMember = g.myMembership?.status === 'member';
  // An approval group's threads are for its members (and operators): others are not asked for
  // them (the server would answer 404) but told how to get in. The server says which.
  const canRead = g.abilities?.canReadContent ?? false;
  const threads = useThreads(g.id, sort, canRead);
  const items = threads.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="threads-title">
      <div className="section-title row-between">
        <h2 id="threads-title">{t('groups.threads')}</h2>
        {g.abilities.canPost && (
          <span className="row-between">
            {g.abilities.canCreateActivity && (
              <Link className="button outline small" to={`/activities/new?groupId=${g.id}`}>
                {t('activityEdit.entry')}
              </Link>
            )}
            <Link className="button primary small" to={`/groups/${g.id}/new`}>
              {t('groups.newThread')}
            </Link>
          </span>
        )}
      </div>
      <div className="tabs" role="group" aria-label={t('groups.sortLabel')}>
        {SORTS.map((s) => (
          <button
            key={s}
            type="button"
            className={`tab${s === sort ? ' active' : ''}`}
            aria-pressed={s === sort}
            onClick={() => setSort(s)}
          >
            {t(`groups.sort.${s}`)}
          </button>
        ))}
      </div>
      {!canRead ? (
        g.myMembership?.status === 'banned' ? null : (
          <p className="empty">{t('groups.approvalLocked')}</p>
        )
      ) : threads.isPending ? (
        <ListSkeleton />
      ) : threads.isError ? (
        <ErrorText error={threads.error} />
      ) : items.length === 0 ? (
        <p className="empty">
          {isMember
            ? t('groups.emptyThreadsMember')
            : g.myMembership
              ? t('groups.emptyThreads')
              : t('groups.emptyThreadsJoin')}
        </p>
      ) : (
        <>
          <ul className="list">
            {items.map((th) => (
              <li key={th.id}>
                <Link className="thread-row" to={`/threads/${th.id}`}>
                  <strong className="ellipsis">
                    {th.pinned && <span className="pill flag">{t('groups.pinned')}</span>}
                    {th.locked && <span className="pill flag">{t('groups.locked')}</span>}
                    {th.title}
                  </strong>
                  {th.excerpt && <span className="small clamp-2">{th.excerpt}</span>}
                  <span className="muted small">
                    {th.author.displayName} · <Time iso={th.lastPostAt} /> ·{' '}
                    {t('community.replies', { count: th.replyCount })}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <InfiniteFooter query={threads} />
        </>
      )}
    </section>
  );
}
