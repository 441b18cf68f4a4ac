import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CityField } from '../../components/CityField.tsx';
import { Icon } from '../../components/Icon.tsx';
import { CITIES } from '../../lib/cities.ts';
import { locate, type LocateError, type NearbyChoice } from './location.ts';

/**
 * Where to look from: "use my location" asks the browser only when tapped; a city from the list
 * works without it (and is where a refusal, a timeout or a missing fix lands).
 */
export function LocationControl(props: {
  radiusKm: number;
  onChoose: (c: NearbyChoice) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<LocateError | null>(null);
  const cityRef = useRef<HTMLDivElement>(null);
  const useDevice = () => {
    setBusy(true);
    setError(null);
    locate().then(
      (p) => {
        setBusy(false);
        props.onChoose({ source: 'device', ...p, radiusKm: props.radiusKm });
      },
      (e: LocateError) => {
        setBusy(false);
        setError(e);
        // The way on is the city list: put the person there.
        cityRef.current?.querySelector('select')?.focus();
      },
    );
  };
  const pickCity = (id: string) => {
    const c = CITIES.find((x) => x.id === id);
    if (c) props.onChoose({ source: 'city', city: c.id, lat: c.lat, lng: c.lng, radiusKm: 10 });
  };
  return (
    <div className="card location-card">
      <p className="location-intro">{t('nearby.intro')}</p>
      <button
        type="button"
        className="button primary location-use"
        onClick={useDevice}
        disabled={busy}
        aria-busy={busy}
      >
        <Icon name="locate" size={18} />
        {busy ? t('nearby.locating') : t('nearby.useLocation')}
      </button>
      {error && (
        <p className="error location-error" role="alert">
          {t(`nearby.error.${error}`)}
        </p>
      )}
      <div ref={cityRef} className="location-city">
        <CityField
          name="nearbyCity"
          label={t('nearby.orCity')}
          noneLabel={t('nearby.cityNone')}
          value=""
          onChange={pickCity}
        />
      </div>
      <p className="muted small location-privacy">{t('nearby.privacy')}</p>
      {props.onCancel && (
        <button type="button" className="button ghost small" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      )}
    </div>
  );
}
