import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import type { Static } from 'typebox';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Community } from '../../../shared/api/messaging.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Time } from '../../components/Time.tsx';
import { ActivityCard, CardsSkeleton } from '../activities/ActivityCard.tsx';
import { useMe } from '../auth/useSession.ts';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';

export { ActivityCard };

type CommunityView = Static<typeof Community>;

// Location, chips and the ranked list arrive as their own chunk when the tab opens.
const NearbySection = lazy(async () => ({
  default: (await import('./NearbySection.tsx')).NearbySection,
}));

/** New threads in my groups, my upcoming activities, popular near me. */
export function CommunityTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const data = useQuery({
    queryKey: keys.community,
    queryFn: () => api<CommunityView>('/inbox/community'),
  });
  const seen = useMutation({
    mutationFn: () => api<void>('/inbox/community/seen', { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.inbox }),
  });
  const loaded = data.isSuccess;
  // Opening the tab is seeing it: its badge clears.
  useEffect(() => {
    if (loaded) seen.mutate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded]);

  if (data.isPending) return <ListSkeleton />;
  if (data.isError) return <ErrorText error={data.error} />;
  const c = data.data;
  return (
    <div className="community">
      <section aria-labelledby="c-threads">
        <h2 id="c-threads" className="section-title">
          {t('community.newThreads')}
          {c.newSinceLastVisit > 0 && (
            <span className="pill">{t('community.newSince', { count: c.newSinceLastVisit })}</span>
          )}
        </h2>
        {c.newThreads.length === 0 ? (
          <div className="empty">
            <p>{t('community.emptyThreads')}</p>
            <div className="empty-actions">
              <Link className="button primary small" to="/groups">
                {t('community.discoverGroups')}
              </Link>
            </div>
          </div>
        ) : (
          <ul className="list">
            {c.newThreads.map((th) => (
              <li key={th.id}>
                <Link className="thread-row" to={`/threads/${th.id}`}>
                  <strong className="ellipsis">{th.title}</strong>
                  <span className="muted small">
                    {th.author.displayName} · <Time iso={th.lastPostAt} /> ·{' '}
                    {t('community.replies', { count: th.replyCount })}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="c-upcoming">
        <div className="section-title row-between">
          <h2 id="c-upcoming">{t('community.upcoming')}</h2>
          <Link className="button act-outline small" to="/activities/new">
            {t('community.newActivity')}
          </Link>
        </div>
        {c.myUpcoming.length === 0 ? (
          <p className="empty">{t('community.emptyUpcoming')}</p>
        ) : (
          <div className="cards">
            {c.myUpcoming.map((a) => (
              <ActivityCard key={a.id} a={a} />
            ))}
          </div>
        )}
      </section>
      <section aria-labelledby="c-nearby">
        <h2 id="c-nearby" className="section-title">
          {t('community.nearby')}
        </h2>
        {me.data && (
          <Suspense fallback={<CardsSkeleton />}>
            <NearbySection userId={me.data.id} area={c.area} />
          </Suspense>
        )}
      </section>
    </div>
  );
}
