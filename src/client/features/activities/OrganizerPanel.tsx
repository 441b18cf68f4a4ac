import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { Sheet } from '../../components/Sheet.tsx';
import { useIntentKey } from '../../lib/idempotency.ts';
import { yuan } from '../../lib/money.ts';
import { shortDateTime } from '../../lib/time.ts';
import { useAttendees, useCancelActivity, useCheckin, type ActivityView } from './useActivity.ts';

const HOUR = 3_600_000;

/** The organizer's tools: change, cancel, attendees and check-in (by a tap or a typed code). */
export function OrganizerPanel({ a }: { a: ActivityView }) {
  const { t } = useTranslation();
  const [cancelling, setCancelling] = useState(false);
  const published = a.status === 'published';
  return (
    <section className="organizer-panel" aria-labelledby="org-title">
      <h3 id="org-title" className="section-title">
        {t('activity.organizerTools')}
      </h3>
      {published && (
        <div className="organizer-actions">
          <Link className="button act-outline" to={`/activities/${a.id}/edit`}>
            <Icon name="edit" size={18} />
            {t('activity.edit')}
          </Link>
          <button
            type="button"
            className="button act-outline act-danger-text"
            onClick={() => setCancelling(true)}
          >
            <Icon name="close" size={18} />
            {t('activity.cancelActivity')}
          </button>
        </div>
      )}
      {a.status !== 'cancelled' && <Attendees a={a} />}
      <CancelActivitySheet a={a} open={cancelling} onClose={() => setCancelling(false)} />
    </section>
  );
}

function CancelActivitySheet({
  a,
  open,
  onClose,
}: {
  a: ActivityView;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const cancel = useCancelActivity(a.id);
  const [reason, setReason] = useState('');
  // One intent, one key: a retry after a dropped response reuses it, so nobody is refunded twice.
  const intent = useIntentKey();
  return (
    <Sheet
      open={open}
      onClose={() => {
        onClose();
        if (cancel.isSuccess) intent.renew();
        cancel.reset();
      }}
      title={t('activity.cancelActivity')}
    >
      <form
        className="sheet-body"
        onSubmit={(e) => {
          e.preventDefault();
          cancel.mutate({ reason, key: intent.get() }, { onSuccess: onClose });
        }}
      >
        <p>
          {a.priceFen > 0 && a.signupCount > 0
            ? t('activity.cancelActivityPaid', {
                count: a.signupCount,
                amount: yuan(a.priceFen),
              })
            : t('activity.cancelActivityBody')}
        </p>
        <label className="field">
          <span>{t('activity.cancelReason')}</span>
          <textarea
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={3}
            maxLength={200}
            placeholder={t('activity.cancelReasonHint')}
          />
        </label>
        <ErrorText error={cancel.error} />
        <div className="sheet-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('activity.keepActivity')}
          </button>
          <button type="submit" className="button act-danger" disabled={cancel.isPending}>
            {cancel.isPending ? t('common.loading') : t('activity.confirmCancelActivity')}
          </button>
        </div>
      </form>
    </Sheet>
  );
}

function Attendees({ a }: { a: ActivityView }) {
  const { t, i18n } = useTranslation();
  const [tab, setTab] = useState<'confirmed' | 'waitlisted'>('confirmed');
  const list = useAttendees(a.id, tab, true);
  const checkin = useCheckin(a.id);
  const [now] = useState(() => Date.now());
  const opensAt = Date.parse(a.startsAt) - 2 * HOUR;
  const open = now >= opensAt && now <= Date.parse(a.endsAt) + 24 * HOUR;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="attendees">
      <div className="tabs" role="group" aria-label={t('activity.attendees')}>
        {(['confirmed', 'waitlisted'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className={`tab${s === tab ? ' active' : ''}`}
            aria-pressed={s === tab}
            onClick={() => setTab(s)}
          >
            {s === 'confirmed'
              ? t('activity.confirmedTab', { count: a.signupCount })
              : t('activity.waitlistTab', { count: a.waitlistCount })}
          </button>
        ))}
      </div>
      {tab === 'confirmed' &&
        (open ? (
          <CodeEntry
            pending={checkin.isPending}
            error={checkin.error}
            onCode={(code, done) =>
              checkin.mutate({ code }, { onSuccess: (r) => done(r.user.displayName) })
            }
          />
        ) : (
          <p className="muted small checkin-later">
            {t('activity.checkinOpens', {
              time: shortDateTime(new Date(opensAt).toISOString(), i18n.language),
            })}
          </p>
        ))}
      {list.isPending ? (
        <ListSkeleton rows={3} />
      ) : list.isError ? (
        <ErrorText error={list.error} />
      ) : items.length === 0 ? (
        <p className="empty">
          {tab === 'confirmed' ? t('activity.noAttendees') : t('activity.noWaitlist')}
        </p>
      ) : (
        <>
          <ul className="list attendee-list">
            {items.map((x) => (
              <li key={x.user.id} className="attendee-row">
                <span className="avatar small" aria-hidden="true">
                  {x.user.displayName.slice(0, 1)}
                </span>
                <span className="member-name">
                  <strong className="ellipsis">{x.user.displayName}</strong>
                  <span className="muted small">
                    {x.position !== undefined
                      ? t('activity.position', { position: x.position })
                      : `@${x.user.username}`}
                  </span>
                </span>
                {tab === 'confirmed' &&
                  (x.checkedIn ? (
                    <span className="pill ok">
                      <Icon name="check" size={14} />
                      {t('activity.checkedInShort')}
                    </span>
                  ) : (
                    open && (
                      <button
                        type="button"
                        className="button small"
                        disabled={checkin.isPending}
                        aria-label={t('activity.checkinPerson', { name: x.user.displayName })}
                        onClick={() => checkin.mutate({ userId: x.user.id })}
                      >
                        {t('activity.checkin')}
                      </button>
                    )
                  ))}
              </li>
            ))}
          </ul>
          <InfiniteFooter query={list} />
        </>
      )}
    </div>
  );
}

/** The code from an attendee's ticket: six digits, the number pad, checked on send. */
function CodeEntry({
  pending,
  error,
  onCode,
}: {
  pending: boolean;
  error: unknown;
  onCode: (code: string, done: (name: string) => void) => void;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [done, setDone] = useState<string | null>(null);
  return (
    <form
      className="code-entry"
      onSubmit={(e) => {
        e.preventDefault();
        if (code.length !== 6) return;
        setDone(null);
        onCode(code, (name) => {
          setCode('');
          setDone(name);
        });
      }}
    >
      <label className="field">
        <span>{t('activity.codeInput')}</span>
        <span className="code-row">
          <input
            value={code}
            onChange={(e) => {
              setCode(e.target.value.replace(/\D/g, '').slice(0, 6));
              setDone(null);
            }}
            inputMode="numeric"
            autoComplete="off"
            pattern="\d{6}"
            placeholder="000000"
            aria-describedby="code-status"
          />
          <button type="submit" className="button primary" disabled={pending || code.length !== 6}>
            {t('activity.checkin')}
          </button>
        </span>
      </label>
      <div id="code-status">
        <ErrorText error={error} />
        {done && !error && (
          <p className="ok small" role="status">
            {t('activity.checkinDone', { name: done })}
          </p>
        )}
      </div>
    </form>
  );
}
