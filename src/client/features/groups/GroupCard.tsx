import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useTranslationCity } from './city.ts';
import type { GroupView } from './useGroups.ts';

/** A group in a list: name, members, interests, city, and whether joining needs approval. */
export function GroupCard({ g, names }: { g: GroupView; names: Map<string, string> }) {
  const { t } = useTranslation();
  const city = useTranslationCity();
  const interests = g.interestIds.map((id) => names.get(id)).filter(Boolean);
  return (
    <Link className="card group-card" to={`/groups/${g.id}`}>
      <span className="row-between">
        <strong className="ellipsis">{g.name}</strong>
        {g.visibility === 'approval' && (
          <span className="pill approval">{t('groups.approval')}</span>
        )}
      </span>
      {g.description && <span className="muted small clamp-2">{g.description}</span>}
      <span className="muted small group-meta">
        <span>{t('groups.members', { count: g.memberCount })}</span>
        {g.city && <span>{city(g.city)}</span>}
      </span>
      {interests.length > 0 && (
        <span className="tags">
          {interests.map((name) => (
            <span key={name} className="tag">
              {name}
            </span>
          ))}
        </span>
      )}
    </Link>
  );
}

export function CardsSkeleton({ count = 4 }: { count?: number }) {
  const { t } = useTranslation();
  return (
    <div className="cards" aria-busy="true" aria-label={t('common.loading')}>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="card skeleton-card">
          <span className="skeleton line" style={{ width: '55%', height: 16 }} />
          <span className="skeleton line" />
          <span className="skeleton line short" />
        </div>
      ))}
    </div>
  );
}
