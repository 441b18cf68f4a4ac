import type { Static } from 'typebox';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Activity } from '../../../shared/api/activities.ts';
import { Time } from '../../components/Time.tsx';
import { yuan } from '../../lib/money.ts';
import { shortDateTime } from '../../lib/time.ts';

type ActivityView = Static<typeof Activity>;

/** "剩 3 个名额", "候补 2 人" or "已满": what a person can still get. */
export function usePlaces() {
  const { t } = useTranslation();
  return (a: ActivityView) =>
    a.spotsLeft > 0
      ? t('community.spotsLeft', { count: a.spotsLeft })
      : a.waitlistCount > 0
        ? t('community.waitlist', { count: a.waitlistCount })
        : t('community.full');
}

/** An activity in a list: title, when (relative and exact), where, places, price; opens it. */
export function ActivityCard({ a, distanceKm }: { a: ActivityView; distanceKm?: number }) {
  const { t, i18n } = useTranslation();
  const places = usePlaces();
  return (
    <Link className="card activity-card" to={`/activities/${a.id}`}>
      <span className="row-between">
        <strong className="ellipsis">{a.title}</strong>
        {a.promoted && (
          <span className="pill promoted">{a.promotedLabel ?? t('community.promoted')}</span>
        )}
      </span>
      <span className="muted small">
        <Time iso={a.startsAt} /> · {shortDateTime(a.startsAt, i18n.language)}
      </span>
      <span className="muted small ellipsis">
        {distanceKm !== undefined && `${t('community.km', { km: distanceKm.toFixed(1) })} · `}
        {a.venue.name}
      </span>
      <span className="row-between small">
        <span>{places(a)}</span>
        <strong className="price">
          {a.priceFen === 0 ? t('community.free') : yuan(a.priceFen)}
        </strong>
      </span>
    </Link>
  );
}

/** Activity cards' boxes while they load: the same size, so nothing moves when they arrive. */
export function CardsSkeleton() {
  const { t } = useTranslation();
  return (
    <div className="cards" aria-busy="true">
      <span className="visually-hidden" role="status">
        {t('common.loading')}
      </span>
      {[0, 1, 2].map((i) => (
        <div key={i} className="card skeleton-card">
          <span className="skeleton line" />
          <span className="skeleton line short" />
          <span className="skeleton line short" />
        </div>
      ))}
    </div>
  );
}
