import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SearchBox } from '../../components/SearchBox.tsx';
import { AppBar } from '../../components/AppBar.tsx';
import { Link, useSearchParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { CardsSkeleton, GroupCard } from './GroupCard.tsx';
import {
  useDebounced,
  useGroupList,
  useInterestNames,
  useSearch,
  useTaxonomy,
  type GroupView,
} from './useGroups.ts';

/** `/groups`: find groups — "for you" by default, by interest, or by typing. */
export function DiscoverPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const interest = params.get('interest') ?? undefined;
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 300);
  const searching = q.length > 0;
  const taxonomy = useTaxonomy();
  const names = useInterestNames();
  const list = useGroupList(interest, !searching);
  const search = useSearch('groups', q);

  const pick = (id: string | undefined) => {
    const next = new URLSearchParams(params);
    if (id) next.set('interest', id);
    else next.delete('interest');
    setParams(next, { replace: true });
  };

  const query = searching ? search : list;
  const groups: GroupView[] = searching
    ? (search.data?.pages.flatMap((p) =>
        p.items.flatMap((h) => (h.type === 'group' ? [h.group] : [])),
      ) ?? [])
    : (list.data?.pages.flatMap((p) => p.items) ?? []);

  return (
    <main className="page discover">
      <AppBar
        title={t('groups.discover')}
        back="/community"
        action={
          <span className="app-bar-actions">
            <Link to="/search" className="app-bar-action" aria-label={t('search.title')}>
              <Icon name="search" />
            </Link>
            <Link to="/groups/new" className="app-bar-action" aria-label={t('groups.create')}>
              <Icon name="plus" />
            </Link>
          </span>
        }
      />
      <SearchBox
        value={text}
        onChange={setText}
        placeholder={t('groups.searchPlaceholder')}
        label={t('groups.searchLabel')}
      />
      {!searching && (
        <div className="chip-scroller" role="group" aria-label={t('groups.filterLabel')}>
          <button
            type="button"
            className="chip"
            aria-pressed={!interest}
            onClick={() => pick(undefined)}
          >
            {t('groups.forYou')}
          </button>
          {taxonomy.isPending
            ? Array.from({ length: 5 }, (_, i) => (
                <span key={i} className="skeleton chip-skeleton" aria-hidden="true" />
              ))
            : taxonomy.data?.items
                .flatMap((c) => c.interests)
                .map((i) => (
                  <button
                    key={i.id}
                    type="button"
                    className="chip"
                    aria-pressed={interest === i.id}
                    onClick={() => pick(i.id)}
                  >
                    {i.name}
                  </button>
                ))}
        </div>
      )}
      {searching && (
        <p className="small search-everything">
          <Link to={`/search?q=${encodeURIComponent(q)}&type=threads`}>
            {t('groups.searchEverything', { q })}
          </Link>
        </p>
      )}
      <section aria-label={t('groups.discover')} aria-live="polite">
        {query.isPending ? (
          <CardsSkeleton />
        ) : query.isError ? (
          <ErrorText error={query.error} />
        ) : groups.length === 0 ? (
          <div className="empty">
            <p>
              {searching
                ? t('groups.emptySearch', { q })
                : interest
                  ? t('groups.emptyInterest')
                  : t('groups.emptyForYou')}
            </p>
            <div className="empty-actions">
              {!searching && !interest && (
                <Link className="button ghost small" to="/onboarding">
                  {t('groups.pickInterests')}
                </Link>
              )}
              <Link className="button primary small" to="/groups/new">
                {t('groups.create')}
              </Link>
            </div>
          </div>
        ) : (
          <>
            <div className="cards">
              {groups.map((g) => (
                <GroupCard key={g.id} g={g} names={names} />
              ))}
            </div>
            <InfiniteFooter query={query} />
          </>
        )}
      </section>
    </main>
  );
}
