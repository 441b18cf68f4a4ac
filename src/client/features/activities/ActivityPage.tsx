import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Time } from '../../components/Time.tsx';
import { yuan } from '../../lib/money.ts';
import { displayTimeZone, exactTime, shortDateTime } from '../../lib/time.ts';
import { useMe } from '../auth/useSession.ts';
import { loadChoice } from '../inbox/location.ts';
import { usePlaces } from './ActivityCard.tsx';
import { OrganizerPanel } from './OrganizerPanel.tsx';
import { PaidSignup } from './PaidSignup.tsx';
import { SignupActions } from './SignupActions.tsx';
import { SplitBillLink } from '../bills/SplitBillLink.tsx';
import { Ticket } from './Ticket.tsx';
import {
  useActivity,
  useActivityGroup,
  useCountView,
  useInterestNames,
  type ActivityView,
} from './useActivity.ts';
import './activity.css';

/**
 * `/activities/:id`: the activity, signing up / the waitlist / giving the place up (with the
 * refund the policy gives), my ticket with its check-in code, and the organizer's tools.
 */
export function ActivityPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const activity = useActivity(id, true);
  useCountView(id, activity.isSuccess);
  return (
    <main className="page activity-page">
      <AppBar title={t('activity.title')} back="/community" />
      {activity.isPending ? (
        <ActivitySkeleton />
      ) : activity.isError ? (
        <div className="empty">
          <ErrorText error={activity.error} />
          <div className="empty-actions">
            <Link className="button small" to="/community">
              {t('activity.back')}
            </Link>
          </div>
        </div>
      ) : (
        <ActivityDetails a={activity.data} />
      )}
    </main>
  );
}

function ActivityDetails({ a }: { a: ActivityView }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [paying, setPaying] = useState(false);
  const isOrganizer = me.data?.id === a.organizer.id;
  const here = me.data ? loadChoice(me.data.id) : null;
  const km = here ? distanceKm(here, a.venue) : null;
  const lang = i18n.language;
  const places = usePlaces();
  const group = useActivityGroup(a.groupId);
  const interests = useInterestNames(lang);
  const sameDay = dayOf(a.startsAt, lang) === dayOf(a.endsAt, lang);
  return (
    <>
      <header className="activity-head">
        <h2 className="activity-title">{a.title}</h2>
        <div className="tags">
          {a.promoted && (
            <span className="pill promoted">{a.promotedLabel ?? t('community.promoted')}</span>
          )}
          {a.interestIds.map(
            (i) =>
              interests.has(i) && (
                <span key={i} className="tag">
                  {interests.get(i)}
                </span>
              ),
          )}
        </div>
      </header>
      {a.status === 'cancelled' && (
        <p className="banner" role="status">
          {a.cancelReason
            ? t('activity.cancelledReason', { reason: a.cancelReason })
            : t('activity.cancelled')}
        </p>
      )}
      {a.status === 'completed' && (
        <p className="banner" role="status">
          {t('activity.completed')}
        </p>
      )}
      {a.mySignup && a.status !== 'cancelled' && (
        <p className="activity-mine" role="status">
          <Icon name={a.mySignup.status === 'confirmed' ? 'check' : 'history'} size={18} />
          {a.mySignup.status === 'confirmed'
            ? t('activity.signedUp')
            : t('activity.waitlisted', { position: a.mySignup.position ?? 0 })}
        </p>
      )}
      <dl className="card facts">
        <div>
          <dt>
            <Icon name="calendar" size={18} />
            <span className="visually-hidden">{t('activity.when')}</span>
          </dt>
          <dd>
            <span>
              <time dateTime={a.startsAt} title={exactTime(a.startsAt, lang)}>
                {shortDateTime(a.startsAt, lang)}
              </time>
              {' – '}
              <time dateTime={a.endsAt} title={exactTime(a.endsAt, lang)}>
                {sameDay ? clockOf(a.endsAt, lang) : shortDateTime(a.endsAt, lang)}
              </time>
            </span>
            <span className="muted small">
              <Time iso={a.startsAt} />
              {' · '}
              {a.signupOpen
                ? t('activity.deadline', { time: shortDateTime(a.signupDeadline, lang) })
                : t('activity.signupClosed')}
            </span>
          </dd>
        </div>
        <div>
          <dt>
            <Icon name="place" size={18} />
            <span className="visually-hidden">{t('activity.where')}</span>
          </dt>
          <dd>
            {a.venue.name}
            <span className="muted small">
              {[a.venue.city, a.venue.address].filter(Boolean).join(' · ')}
            </span>
            {km !== null && (
              <span className="muted small">
                {t(here?.source === 'device' ? 'activity.distanceHere' : 'activity.distanceFrom', {
                  km: km.toFixed(1),
                })}
              </span>
            )}
            <CopyAddress
              text={[a.venue.city, a.venue.address, a.venue.name].filter(Boolean).join(' ')}
            />
          </dd>
        </div>
        <div>
          <dt>
            <Icon name="group" size={18} />
            <span className="visually-hidden">{t('activity.places')}</span>
          </dt>
          <dd>
            {places(a)}
            <span className="muted small">
              {t('activity.capacity', { count: a.signupCount, capacity: a.capacity })}
            </span>
          </dd>
        </div>
        <div>
          <dt>
            <Icon name="wallet" size={18} />
            <span className="visually-hidden">{t('activity.price')}</span>
          </dt>
          <dd>
            <strong className="price">
              {a.priceFen === 0 ? t('community.free') : yuan(a.priceFen)}
            </strong>
            {a.priceFen > 0 && (
              <span className="muted small">
                {t('activity.refundPolicy', { hours: a.refundCutoffHours })}
              </span>
            )}
          </dd>
        </div>
      </dl>
      <Ticket a={a} />
      {(!isOrganizer || a.mySignup) && <SignupActions a={a} onPaidSignup={() => setPaying(true)} />}
      {a.abilities.canManage && <OrganizerPanel a={a} />}
      {a.status !== 'cancelled' && (isOrganizer || a.mySignup?.status === 'confirmed') && (
        <SplitBillLink activityId={a.id} />
      )}
      <PaidSignup a={a} open={paying} onClose={() => setPaying(false)} />
      <section className="card activity-people" aria-label={t('activity.people')}>
        <Link
          className="settings-row"
          to={`/users/${a.organizer.id}`}
          state={{ from: `/activities/${a.id}` }}
        >
          <span className="avatar small" aria-hidden="true">
            {a.organizer.displayName.slice(0, 1)}
          </span>
          <span className="member-name">
            <span className="muted small">{t('activity.organizer')}</span>
            <strong className="ellipsis">{a.organizer.displayName}</strong>
          </span>
          <span aria-hidden="true">›</span>
        </Link>
        {a.groupId && group.data && (
          <Link className="settings-row" to={`/groups/${a.groupId}`}>
            <span className="avatar small" aria-hidden="true">
              <Icon name="group" size={16} />
            </span>
            <span className="member-name">
              <span className="muted small">{t('activity.group')}</span>
              <strong className="ellipsis">{group.data.name}</strong>
            </span>
            <span aria-hidden="true">›</span>
          </Link>
        )}
      </section>
      <section aria-labelledby="a-description">
        <h3 id="a-description" className="section-title">
          {t('activity.description')}
        </h3>
        {a.descriptionHtml ? (
          // descriptionHtml is rendered and sanitised on the server (the same Markdown renderer
          // and allow-list as posts); that is the one reason it may be set as HTML here.
          <div
            className="card prose activity-description"
            dangerouslySetInnerHTML={{ __html: a.descriptionHtml }}
          />
        ) : (
          <p className="empty">{t('activity.noDescription')}</p>
        )}
      </section>
      <a className="button block" href={`/api/v1/activities/${a.id}.ics`} download>
        <Icon name="calendar" size={18} /> {t('activity.calendar')}
      </a>
    </>
  );
}

function ActivitySkeleton() {
  const { t } = useTranslation();
  return (
    <div aria-busy="true">
      <span className="visually-hidden" role="status">
        {t('common.loading')}
      </span>
      <span className="skeleton title-skeleton" />
      <div className="card facts">
        {[0, 1, 2, 3].map((i) => (
          <span key={i} className="skeleton line" />
        ))}
      </div>
    </div>
  );
}

/** "复制地址": the address to the clipboard, and a word that it worked (or did not). */
function CopyAddress({ text }: { text: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <span className="copy-address">
      <button
        type="button"
        className="button ghost small"
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          )
        }
      >
        <Icon name="copy" size={16} />
        {t('activity.copyAddress')}
      </button>
      <span role="status" className={state === 'failed' ? 'error small' : 'ok small'}>
        {state === 'copied'
          ? t('activity.copied')
          : state === 'failed'
            ? t('activity.copyFailed')
            : ''}
      </span>
    </span>
  );
}

/** Great-circle distance in km (the server's formula, for the venue card only). */
function distanceKm(p: { lat: number; lng: number }, q: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (q.lat - p.lat) * rad;
  const dLng = (q.lng - p.lng) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(p.lat * rad) * Math.cos(q.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const dayOf = (iso: string, lang: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: displayTimeZone(lang) }).format(Date.parse(iso));
const clockOf = (iso: string, lang: string) =>
  new Intl.DateTimeFormat(lang, {
    timeZone: displayTimeZone(lang),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(Date.parse(iso));
