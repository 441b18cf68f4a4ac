import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Icon } from '../../components/Icon.tsx';
import { relativeTime } from '../../lib/time.ts';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { useBlocks, useSetBlocked } from './useBlocks.ts';
import './blocks.css';

/** `/me/blocks`: the people I blocked, each with "unblock" (at once; back if it fails). */
export function BlocksPage() {
  const { t, i18n } = useTranslation();
  const list = useBlocks();
  const setBlocked = useSetBlocked();
  const errorMessage = useErrorMessage();
  const [failed, setFailed] = useState<{ name: string; error: unknown } | null>(null);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <main className="page blocks-page">
      <AppBar title={t('blocks.title')} back="/me" />
      {failed && (
        <p className="error blocks-failed" role="alert">
          {t('blocks.unblockFailed', { name: failed.name, reason: errorMessage(failed.error) })}
        </p>
      )}
      {list.isPending ? (
        <ListSkeleton />
      ) : list.isError ? (
        <div className="empty">
          <ErrorText error={list.error} />
          <div className="empty-actions">
            <button type="button" className="button small" onClick={() => void list.refetch()}>
              {t('common.retry')}
            </button>
          </div>
        </div>
      ) : items.length === 0 ? (
        <div className="empty blocks-empty">
          <span className="blocks-empty-icon" aria-hidden="true">
            <Icon name="shield" size={28} />
          </span>
          <h2>{t('blocks.emptyTitle')}</h2>
          <p>{t('blocks.effects')}</p>
          <p className="small">{t('blocks.how')}</p>
        </div>
      ) : (
        <>
          <p className="muted small blocks-intro">{t('blocks.effects')}</p>
          <ul className="list" aria-label={t('blocks.title')}>
            {items.map((b) => (
              <li key={b.user.id} className="member-row">
                <Link
                  to={`/users/${b.user.id}`}
                  state={{ from: '/me/blocks' }}
                  className="blocks-person"
                >
                  <span className="avatar" aria-hidden="true">
                    {b.user.displayName.slice(0, 1)}
                  </span>
                  <span className="member-name">
                    <strong className="ellipsis">{b.user.displayName}</strong>
                    <span className="muted small ellipsis">
                      @{b.user.username} ·{' '}
                      {t('blocks.since', { time: relativeTime(b.blockedAt, i18n.language) })}
                    </span>
                  </span>
                </Link>
                <button
                  type="button"
                  className="button small blocks-unblock"
                  aria-label={t('blocks.unblockName', { name: b.user.displayName })}
                  onClick={() => {
                    setFailed(null);
                    setBlocked.mutate(
                      { user: b.user, block: false },
                      { onError: (error) => setFailed({ name: b.user.displayName, error }) },
                    );
                  }}
                >
                  {t('blocks.unblockShort')}
                </button>
              </li>
            ))}
          </ul>
          <InfiniteFooter query={list} />
        </>
      )}
    </main>
  );
}
