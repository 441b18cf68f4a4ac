import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { CITIES } from '../../lib/cities.ts';
import { ActivityCard, CardsSkeleton } from '../activities/ActivityCard.tsx';
import { WHENS, type When } from '../activities/shanghai.ts';
import { LocationControl } from './LocationControl.tsx';
import { DEFAULT_RADIUS, RADII } from './location.ts';
import { useInterestChips, useNearby, useNearbyChoice } from './useNearby.ts';
import './nearby.css';

/**
 * "Popular near you": where (my position, a city, or the area I set before), how far, which of
 * my interests, and the server's ranked list for that.
 */
export function NearbySection({ userId, area }: { userId: string; area: string | null }) {
  const { t, i18n } = useTranslation();
  const { choice, choose, setRadius } = useNearbyChoice(userId, area);
  const [editing, setEditing] = useState(false);
  const [interest, setInterest] = useState<string | undefined>();
  const [when, setWhen] = useState<When>('month');
  const chips = useInterestChips();
  const list = useNearby(editing ? null : choice, interest, when);

  if (!choice || editing) {
    return (
      <LocationControl
        radiusKm={choice?.radiusKm ?? DEFAULT_RADIUS}
        onChoose={(c) => {
          choose(c);
          setEditing(false);
        }}
        onCancel={choice ? () => setEditing(false) : undefined}
      />
    );
  }

  const city = CITIES.find((c) => c.id === choice.city);
  const where =
    choice.source === 'device'
      ? t('nearby.here')
      : choice.source === 'area'
        ? t('nearby.area')
        : city
          ? i18n.language === 'en'
            ? city.en
            : city.id
          : (choice.city ?? '');
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const wider = RADII.find((r) => r > choice.radiusKm);
  const interestName = chips.find((c) => c.id === interest)?.name;

  return (
    <>
      <div className="nearby-where">
        <Icon name="place" size={18} />
        <strong className="ellipsis">{where}</strong>
        <label className="nearby-radius">
          <span className="visually-hidden">{t('nearby.radiusLabel')}</span>
          <select value={choice.radiusKm} onChange={(e) => setRadius(Number(e.target.value))}>
            {RADII.map((r) => (
              <option key={r} value={r}>
                {t('nearby.radius', { km: r })}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button ghost small" onClick={() => setEditing(true)}>
          {t('nearby.change')}
        </button>
      </div>
      <div className="chip-scroller nearby-chips" role="group" aria-label={t('nearby.whenLabel')}>
        {WHENS.map((w) => (
          <button
            key={w}
            type="button"
            className="chip"
            aria-pressed={when === w}
            onClick={() => setWhen(w)}
          >
            {t(`nearby.when.${w}`)}
          </button>
        ))}
      </div>
      {chips.length > 0 && (
        <div className="chip-scroller nearby-chips" role="group" aria-label={t('nearby.filter')}>
          <button
            type="button"
            className="chip"
            aria-pressed={interest === undefined}
            onClick={() => setInterest(undefined)}
          >
            {t('nearby.all')}
          </button>
          {chips.map((c) => (
            <button
              key={c.id}
              type="button"
              className="chip"
              aria-pressed={interest === c.id}
              onClick={() => setInterest(interest === c.id ? undefined : c.id)}
            >
              {c.name}
            </button>
          ))}
        </div>
      )}
      {list.isPending ? (
        <CardsSkeleton />
      ) : list.isError && !list.data ? (
        <div className="empty">
          <ErrorText error={list.error} />
          <div className="empty-actions">
            <button type="button" className="button small" onClick={() => void list.refetch()}>
              {t('common.retry')}
            </button>
          </div>
        </div>
      ) : items.length === 0 ? (
        <div className="empty nearby-empty">
          <p>
            {when !== 'month'
              ? t('nearby.emptyWhen', { when: t(`nearby.when.${when}`) })
              : interestName
                ? t('nearby.emptyInterest', { km: choice.radiusKm, interest: interestName })
                : wider
                  ? t('nearby.empty', { km: choice.radiusKm })
                  : t('nearby.emptyMax', { km: choice.radiusKm })}
          </p>
          <div className="empty-actions">
            {when !== 'month' && (
              <button type="button" className="button small" onClick={() => setWhen('month')}>
                {t('nearby.anyTime')}
              </button>
            )}
            {interestName && (
              <button type="button" className="button small" onClick={() => setInterest(undefined)}>
                {t('nearby.allInterests')}
              </button>
            )}
            {wider && (
              <button
                type="button"
                className="button primary small"
                onClick={() => setRadius(wider)}
              >
                {t('nearby.widen', { km: wider })}
              </button>
            )}
            {!wider && !interestName && (
              <button type="button" className="button small" onClick={() => setEditing(true)}>
                {t('nearby.otherCity')}
              </button>
            )}
          </div>
        </div>
      ) : (
        <div className="cards nearby-list" aria-busy={list.isPlaceholderData}>
          {items.map((a) => (
            <ActivityCard key={a.id} a={a} distanceKm={a.distanceKm} />
          ))}
          <InfiniteFooter query={list} />
        </div>
      )}
    </>
  );
}
