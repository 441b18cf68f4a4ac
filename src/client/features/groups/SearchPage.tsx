import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SearchBox } from '../../components/SearchBox.tsx';
import { AppBar } from '../../components/AppBar.tsx';
import { Link, useSearchParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Time } from '../../components/Time.tsx';
import { ActivityCard } from '../inbox/CommunityTab.tsx';
import { CardsSkeleton, GroupCard } from './GroupCard.tsx';
import { useDebounced, useInterestNames, useSearch, type SearchType } from './useGroups.ts';

const TYPES: SearchType[] = ['groups', 'threads', 'activities'];

/** `/search?q=&type=`: one box across groups, threads and activities, one tab each. */
export function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const typeParam = params.get('type');
  const type: SearchType = TYPES.find((x) => x === typeParam) ?? 'groups';
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 300);

  const update = (next: { q?: string; type?: SearchType }) => {
    const p = new URLSearchParams(params);
    if (next.q !== undefined) {
      if (next.q) p.set('q', next.q);
      else p.delete('q');
    }
    if (next.type) p.set('type', next.type);
    setParams(p, { replace: true });
  };
  const onChange = (value: string) => {
    setText(value);
    update({ q: value.trim() });
  };

  return (
    <main className="page search-page">
      <AppBar title={t('search.title')} back="/groups" />
      <SearchBox
        value={text}
        onChange={onChange}
        placeholder={t('search.placeholder')}
        label={t('search.label')}
      />
      <nav className="tabs" aria-label={t('search.typeLabel')}>
        {TYPES.map((x) => (
          <button
            key={x}
            type="button"
            className={`tab${x === type ? ' active' : ''}`}
            aria-pressed={x === type}
            onClick={() => update({ type: x })}
          >
            {t(`search.tabs.${x}`)}
          </button>
        ))}
      </nav>
      {q ? <Results type={type} q={q} /> : <p className="empty">{t('search.prompt')}</p>}
    </main>
  );
}

function Results({ type, q }: { type: SearchType; q: string }) {
  const { t } = useTranslation();
  const names = useInterestNames();
  const search = useSearch(type, q);
  if (search.isPending) return <CardsSkeleton />;
  if (search.isError) return <ErrorText error={search.error} />;
  const hits = search.data.pages.flatMap((p) => p.items);
  if (hits.length === 0)
    return <p className="empty">{t('search.empty', { q, type: t(`search.tabs.${type}`) })}</p>;
  return (
    <section aria-label={t(`search.tabs.${type}`)} aria-live="polite">
      <div className="cards">
        {hits.map((h) => {
          switch (h.type) {
            case 'group':
              return <GroupCard key={h.group.id} g={h.group} names={names} />;
            case 'activity':
              return <ActivityCard key={h.activity.id} a={h.activity} />;
            case 'thread':
              return (
                <Link key={h.thread.id} className="card" to={`/threads/${h.thread.id}`}>
                  <strong className="ellipsis">{h.thread.title}</strong>
                  {(h.snippet && h.snippet !== h.thread.title ? h.snippet : h.thread.excerpt) && (
                    <span className="small clamp-2">
                      {h.snippet && h.snippet !== h.thread.title ? h.snippet : h.thread.excerpt}
                    </span>
                  )}
                  <span className="muted small">
                    {h.thread.author.displayName} · <Time iso={h.thread.lastPostAt} /> ·{' '}
                    {t('community.replies', { count: h.thread.replyCount })}
                  </span>
                </Link>
              );
          }
        })}
      </div>
      <InfiniteFooter query={search} />
    </section>
  );
}
