import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/http.ts';
import { AppBar } from '../../components/AppBar.tsx';
import { CityField } from '../../components/CityField.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { MarkdownEditor } from '../../components/MarkdownEditor.tsx';
import { CITIES } from '../../lib/cities.ts';
import { useMe } from '../auth/useSession.ts';
import { InterestChips } from '../groups/InterestChips.tsx';
import { locate, type LocateError } from '../inbox/location.ts';
import { fenToYuanText, parseYuan } from '../../lib/money.ts';
import { isoToLocal, localToIso } from './shanghai.ts';
import {
  useActivity,
  useActivityGroup,
  useSaveActivity,
  useVenues,
  type ActivityView,
  type VenueView,
} from './useActivity.ts';
import './activity.css';
import './activity-form.css';

const HOUR = 3_600_000;

/** `/activities/new?groupId=` and `/activities/:id/edit`: one form for both. */
export function ActivityFormPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const existing = useActivity(id ?? '', false);
  const title = id ? t('activityEdit.editTitle') : t('activityEdit.newTitle');
  const back = id ? `/activities/${id}` : '/community';
  return (
    <main className="page activity-form">
      <AppBar title={title} back={back} />
      {!id ? (
        <ActivityForm />
      ) : existing.isPending ? (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      ) : existing.isError ? (
        <ErrorText error={existing.error} />
      ) : (
        <ActivityForm a={existing.data} />
      )}
    </main>
  );
}

type Coords = { lat: number; lng: number; from: 'known' | 'device' | 'typed' | 'saved' };

function ActivityForm({ a }: { a?: ActivityView }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const me = useMe();
  const groupId = a ? a.groupId : params.get('groupId');
  const group = useActivityGroup(groupId);
  const save = useSaveActivity(a?.id ?? null);
  const [f, setF] = useState(() => {
    const defaultStart = Math.ceil((Date.now() + 48 * HOUR) / HOUR) * HOUR;
    return {
      title: a?.title ?? '',
      description: a?.description ?? '',
      interests: a?.interestIds ?? [],
      start: isoToLocal(a?.startsAt ?? defaultStart),
      end: isoToLocal(a?.endsAt ?? defaultStart + 2 * HOUR),
      deadline: a && a.signupDeadline !== a.startsAt ? isoToLocal(a.signupDeadline) : '',
      capacity: String(a?.capacity ?? 20),
      price: a ? fenToYuanText(a.priceFen) : '0',
      cutoff: String(a?.refundCutoffHours ?? 24),
      venueName: a?.venue.name ?? '',
      address: a?.venue.address ?? '',
      city:
        a?.venue.city ??
        (CITIES.some((c) => c.id === me.data?.homeCity) ? (me.data?.homeCity ?? '上海') : '上海'),
    };
  });
  const [coords, setCoords] = useState<Coords | null>(
    a ? { lat: a.venue.lat, lng: a.venue.lng, from: 'saved' } : null,
  );
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));
  const priceFen = parseYuan(f.price);

  const serverErrors = new Map<string, string>();
  if (save.error instanceof ApiError) {
    for (const d of save.error.details ?? []) serverErrors.set(d.field.split('.')[0]!, d.message);
  }
  const fieldError = (field: string) => {
    const m = serverErrors.get(field);
    return m ? t(`activityEdit.fieldError.${field}`, { defaultValue: m }) : null;
  };
  const missingVenue = !coords || f.venueName.trim() === '';
  const valid =
    f.title.trim().length >= 2 &&
    f.interests.length > 0 &&
    Number(f.capacity) >= 1 &&
    priceFen !== null &&
    !missingVenue;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!valid || !coords || priceFen === null) return;
    const body: Record<string, unknown> = {
      title: f.title.trim(),
      description: f.description,
      interestIds: f.interests,
      startsAt: localToIso(f.start),
      endsAt: localToIso(f.end),
      signupDeadline: f.deadline ? localToIso(f.deadline) : null,
      capacity: Number(f.capacity),
      refundCutoffHours: Number(f.cutoff),
      venue: {
        name: f.venueName.trim(),
        address: f.address.trim(),
        city: f.city,
        lat: coords.lat,
        lng: coords.lng,
      },
    };
    if (!a) {
      body.priceFen = priceFen;
      if (groupId) body.groupId = groupId;
    }
    save.mutate(body, {
      onSuccess: (saved) => void navigate(`/activities/${saved.id}`, { replace: true }),
    });
  };

  const field = (name: string) => {
    const err = fieldError(name);
    return {
      'aria-invalid': err ? true : undefined,
      'aria-describedby': err ? `af-${name}-error` : undefined,
    };
  };
  const errorLine = (name: string) => {
    const err = fieldError(name);
    return (
      err && (
        <small id={`af-${name}-error`} className="field-error">
          {err}
        </small>
      )
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      {groupId && group.data && (
        <p className="muted small form-for">
          {t('activityEdit.forGroup', { name: group.data.name })}
        </p>
      )}
      <label className="field">
        <span>{t('activityEdit.title')}</span>
        <input
          value={f.title}
          onChange={(e) => set({ title: e.target.value })}
          required
          minLength={2}
          maxLength={80}
          placeholder={t('activityEdit.titleHint')}
          {...field('title')}
        />
        {errorLine('title')}
      </label>
      <MarkdownEditor
        id="af-description"
        label={t('activityEdit.description')}
        value={f.description}
        onChange={(v) => set({ description: v })}
        rows={5}
        maxLength={10_000}
        placeholder={t('activityEdit.descriptionHint')}
      />
      <fieldset className="field fieldset">
        <legend>
          {t('activityEdit.interests')}{' '}
          <span className="muted small">
            {t('groups.interestsChosen', { count: f.interests.length })}
          </span>
        </legend>
        <InterestChips value={f.interests} onChange={(v) => set({ interests: v })} idPrefix="af" />
      </fieldset>

      <fieldset className="field fieldset">
        <legend>{t('activityEdit.when')}</legend>
        <p className="muted small">{t('activityEdit.timeZone')}</p>
        <div className="form-times">
          <label className="field">
            <span>{t('activityEdit.start')}</span>
            <input
              type="datetime-local"
              value={f.start}
              onChange={(e) => set({ start: e.target.value })}
              required
              {...field('startsAt')}
            />
            {errorLine('startsAt')}
          </label>
          <label className="field">
            <span>{t('activityEdit.end')}</span>
            <input
              type="datetime-local"
              value={f.end}
              onChange={(e) => set({ end: e.target.value })}
              required
              {...field('endsAt')}
            />
            {errorLine('endsAt')}
          </label>
        </div>
        <label className="field">
          <span>{t('activityEdit.deadline')}</span>
          <input
            type="datetime-local"
            value={f.deadline}
            onChange={(e) => set({ deadline: e.target.value })}
            {...field('signupDeadline')}
          />
          <small className="muted">{t('activityEdit.deadlineHint')}</small>
          {errorLine('signupDeadline')}
        </label>
      </fieldset>

      <VenuePicker
        city={f.city}
        onCity={(city) => set({ city })}
        name={f.venueName}
        onName={(venueName) => set({ venueName })}
        address={f.address}
        onAddress={(address) => set({ address })}
        coords={coords}
        onCoords={setCoords}
        error={fieldError('venue')}
      />

      <fieldset className="field fieldset">
        <legend>{t('activityEdit.placesAndPrice')}</legend>
        <div className="form-two">
          <label className="field">
            <span>{t('activityEdit.capacity')}</span>
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={100_000}
              value={f.capacity}
              onChange={(e) => set({ capacity: e.target.value })}
              {...field('capacity')}
            />
            {errorLine('capacity')}
          </label>
          <label className="field">
            <span>{t('activityEdit.price')}</span>
            <input
              inputMode="decimal"
              value={f.price}
              disabled={Boolean(a)}
              onChange={(e) => set({ price: e.target.value })}
              aria-invalid={priceFen === null ? true : undefined}
              aria-describedby="af-price-hint"
            />
            <small id="af-price-hint" className={priceFen === null ? 'field-error' : 'muted'}>
              {priceFen === null
                ? t('activityEdit.priceInvalid')
                : a
                  ? t('activityEdit.priceFixed')
                  : t('activityEdit.priceHint')}
            </small>
          </label>
        </div>
        <label className="field">
          <span>{t('activityEdit.cutoff')}</span>
          <select value={f.cutoff} onChange={(e) => set({ cutoff: e.target.value })}>
            {[0, 2, 6, 12, 24, 48, 72, 168].map((h) => (
              <option key={h} value={h}>
                {h === 0
                  ? t('activityEdit.cutoffNone')
                  : t('activityEdit.cutoffHours', { count: h })}
              </option>
            ))}
          </select>
          <small className="muted">{t('activityEdit.cutoffHint')}</small>
        </label>
      </fieldset>

      {serverErrors.size === 0 && <ErrorText error={save.error} />}
      {serverErrors.size > 0 && (
        <p className="error" role="alert">
          {t('activityEdit.fixFields')}
        </p>
      )}
      {missingVenue && <p className="muted small">{t('activityEdit.venueNeeded')}</p>}
      <button type="submit" className="button primary block" disabled={!valid || save.isPending}>
        {save.isPending
          ? t('common.loading')
          : a
            ? t('activityEdit.save')
            : t('activityEdit.publish')}
      </button>
      {a && (
        <Link className="button ghost block" to={`/activities/${a.id}`}>
          {t('common.cancel')}
        </Link>
      )}
    </form>
  );
}

/**
 * Where: a known venue of the city (suggested as the name is typed, from past activities), or
 * here (the browser's position, asked on tap), or coordinates typed by hand as a last resort.
 */
function VenuePicker(props: {
  city: string;
  onCity: (c: string) => void;
  name: string;
  onName: (v: string) => void;
  address: string;
  onAddress: (v: string) => void;
  coords: Coords | null;
  onCoords: (c: Coords | null) => void;
  error: string | null;
}) {
  const { t } = useTranslation();
  const [typing, setTyping] = useState(false);
  const [manual, setManual] = useState(false);
  const [locating, setLocating] = useState(false);
  const [locError, setLocError] = useState<LocateError | null>(null);
  const venues = useVenues(props.city, typing ? props.name : '');
  const suggestions = typing ? (venues.data?.items ?? []) : [];
  const choose = (v: VenueView) => {
    props.onName(v.name);
    props.onAddress(v.address);
    props.onCoords({ lat: v.lat, lng: v.lng, from: 'known' });
    setTyping(false);
    setManual(false);
  };
  const here = () => {
    setLocating(true);
    setLocError(null);
    locate().then(
      (p) => {
        setLocating(false);
        props.onCoords({ ...p, from: 'device' });
      },
      (e: LocateError) => {
        setLocating(false);
        setLocError(e);
      },
    );
  };
  const typedLat = props.coords?.from === 'typed' ? String(props.coords.lat) : '';
  const typedLng = props.coords?.from === 'typed' ? String(props.coords.lng) : '';
  const [lat, setLat] = useState(typedLat);
  const [lng, setLng] = useState(typedLng);
  const applyTyped = (la: string, ln: string) => {
    const x = Number(la);
    const y = Number(ln);
    const ok = la !== '' && ln !== '' && Math.abs(x) <= 90 && Math.abs(y) <= 180;
    props.onCoords(ok ? { lat: x, lng: y, from: 'typed' } : null);
  };
  return (
    <fieldset className="field fieldset venue-picker">
      <legend>{t('activityEdit.venue')}</legend>
      <CityField
        label={t('activityEdit.city')}
        noneLabel={t('nearby.cityNone')}
        value={props.city}
        onChange={props.onCity}
      />
      <label className="field">
        <span>{t('activityEdit.venueName')}</span>
        <input
          value={props.name}
          onChange={(e) => {
            props.onName(e.target.value);
            setTyping(true);
            if (props.coords?.from === 'known') props.onCoords(null);
          }}
          onFocus={() => setTyping(true)}
          maxLength={80}
          placeholder={t('activityEdit.venueSearch')}
          autoComplete="off"
          aria-describedby="af-venue-hint"
        />
        <small id="af-venue-hint" className="muted">
          {t('activityEdit.venueHint')}
        </small>
      </label>
      {suggestions.length > 0 && (
        <ul className="venue-suggestions" aria-label={t('activityEdit.suggestions')}>
          {suggestions.map((v) => (
            <li key={`${v.name}|${v.address}`}>
              <button type="button" className="venue-option" onClick={() => choose(v)}>
                <Icon name="place" size={18} />
                <span className="venue-option-text">
                  <strong className="ellipsis">{v.name}</strong>
                  <span className="muted small ellipsis">
                    {v.address || v.city} · {t('activityEdit.uses', { count: v.uses })}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="field">
        <span>{t('activityEdit.address')}</span>
        <input
          value={props.address}
          onChange={(e) => props.onAddress(e.target.value)}
          maxLength={200}
        />
      </label>
      <p className={`venue-coords small${props.coords ? '' : ' muted'}`} role="status">
        {props.coords && <Icon name="check" size={16} />}
        {props.coords
          ? t(`activityEdit.coords.${props.coords.from}`, {
              lat: props.coords.lat.toFixed(4),
              lng: props.coords.lng.toFixed(4),
            })
          : t('activityEdit.coordsNone')}
      </p>
      <div className="venue-ways">
        <button
          type="button"
          className="button act-outline small"
          onClick={here}
          disabled={locating}
        >
          <Icon name="locate" size={16} />
          {locating ? t('nearby.locating') : t('activityEdit.useHere')}
        </button>
        <button
          type="button"
          className="button ghost small"
          aria-expanded={manual}
          onClick={() => setManual(!manual)}
        >
          {t('activityEdit.typeCoords')}
        </button>
      </div>
      {locError && (
        <p className="error small" role="alert">
          {t(`nearby.error.${locError}`)}
        </p>
      )}
      {manual && (
        <div className="form-two">
          <label className="field">
            <span>{t('activityEdit.lat')}</span>
            <input
              inputMode="decimal"
              value={lat}
              placeholder="31.2304"
              onChange={(e) => {
                setLat(e.target.value);
                applyTyped(e.target.value, lng);
              }}
            />
          </label>
          <label className="field">
            <span>{t('activityEdit.lng')}</span>
            <input
              inputMode="decimal"
              value={lng}
              placeholder="121.4737"
              onChange={(e) => {
                setLng(e.target.value);
                applyTyped(lat, e.target.value);
              }}
            />
          </label>
        </div>
      )}
      {props.error && <small className="field-error">{props.error}</small>}
    </fieldset>
  );
}
