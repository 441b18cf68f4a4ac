import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { Time } from '../../components/Time.tsx';
import { shortDateTime } from '../../lib/time.ts';
import { Notice, useNotice } from '../forum/Notice.tsx';
import { useBan, useLiftBan, useProfile, useSiteBans } from './useOperator.ts';

const DURATIONS = [1, 7, 30, 0] as const; // days; 0: until lifted

/** The id in a pasted profile link (`…/users/<id>`) or the id itself. */
export function idFrom(text: string, kind: 'users' | 'activities'): string | null {
  const s = text.trim();
  if (!s) return null;
  const m = new RegExp(`/${kind}/([^/?#\\s]+)`).exec(s);
  if (m) return decodeURIComponent(m[1]!);
  return /^[\w-]{1,64}$/.test(s) ? s : null;
}

/** `/operator/bans`: bans in force (lift one), and a form to ban someone site-wide. */
export function OperatorBans() {
  const { t, i18n } = useTranslation();
  const bans = useSiteBans();
  const lift = useLiftBan();
  const errorMessage = useErrorMessage();
  const [notice, setNotice] = useNotice();
  const items = bans.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="op-bans-title">
      <h2 id="op-bans-title" className="op-section-title">
        {t('operator.bans.title')}
      </h2>
      <BanForm
        onDone={(name) => setNotice({ text: t('operator.bans.done', { name }), error: false })}
      />
      <Notice notice={notice} />
      <h2 className="op-section-title">{t('operator.bans.inForce')}</h2>
      {bans.isPending ? (
        <ListSkeleton rows={3} />
      ) : bans.isError ? (
        <div className="empty">
          <ErrorText error={bans.error} />
        </div>
      ) : items.length === 0 ? (
        <div className="empty">
          <p>{t('operator.bans.empty')}</p>
        </div>
      ) : (
        <>
          <ul className="cards op-bans" aria-label={t('operator.bans.inForce')}>
            {items.map((b) => (
              <li key={b.user.id} className="card op-ban">
                <div className="op-ban-head">
                  <span className="avatar" aria-hidden="true">
                    {b.user.displayName.slice(0, 1)}
                  </span>
                  <div className="op-ban-who">
                    <strong className="ellipsis">{b.user.displayName}</strong>
                    <span className="muted small ellipsis">@{b.user.username}</span>
                  </div>
                  <button
                    type="button"
                    className="button small outline"
                    onClick={() =>
                      lift.mutate(b.user.id, {
                        onSuccess: () =>
                          setNotice({
                            text: t('operator.bans.lifted', { name: b.user.displayName }),
                            error: false,
                          }),
                        onError: (err) =>
                          setNotice({
                            text: t('moderation.failed', { reason: errorMessage(err) }),
                            error: true,
                          }),
                      })
                    }
                  >
                    {t('operator.bans.lift')}
                    <span className="visually-hidden">
                      {t('operator.bans.liftName', { name: b.user.displayName })}
                    </span>
                  </button>
                </div>
                <p className="op-ban-reason">{b.reason}</p>
                <p className="muted small">
                  {b.until
                    ? t('operator.bans.until', { time: shortDateTime(b.until, i18n.language) })
                    : t('operator.bans.forever')}
                  {' · '}
                  {t('operator.bans.since')} <Time iso={b.bannedAt} />
                </p>
              </li>
            ))}
          </ul>
          <InfiniteFooter query={bans} />
        </>
      )}
    </section>
  );
}

function BanForm({ onDone }: { onDone: (name: string) => void }) {
  const { t } = useTranslation();
  const [who, setWho] = useState('');
  const [reason, setReason] = useState('');
  const [days, setDays] = useState<number>(7);
  const [error, setError] = useState<unknown>(null);
  const id = idFrom(who, 'users');
  const profile = useProfile(id);
  const ban = useBan();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!profile.data || !reason.trim()) return;
    const until = days ? new Date(Date.now() + days * 86_400_000).toISOString() : null;
    const name = profile.data.displayName;
    ban.mutate(
      { userId: profile.data.id, reason: reason.trim(), until },
      {
        onSuccess: () => {
          setWho('');
          setReason('');
          onDone(name);
        },
        onError: setError,
      },
    );
  };

  return (
    <form className="card op-form" onSubmit={submit} aria-label={t('operator.bans.formTitle')}>
      <label className="field">
        <span>{t('operator.bans.who')}</span>
        <input
          value={who}
          onChange={(e) => setWho(e.target.value)}
          placeholder={t('operator.bans.whoPlaceholder')}
          autoComplete="off"
        />
      </label>
      {id && (
        <p className="small op-found" aria-live="polite">
          {profile.isPending ? (
            t('common.loading')
          ) : profile.data ? (
            <>
              <Icon name="check" size={16} />{' '}
              {t('operator.bans.found', {
                name: profile.data.displayName,
                username: profile.data.username,
              })}
            </>
          ) : (
            <span className="error">{t('operator.bans.notFound')}</span>
          )}
        </p>
      )}
      <label className="field">
        <span>{t('operator.bans.reason')}</span>
        <textarea
          value={reason}
          maxLength={200}
          rows={2}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('operator.bans.reasonPlaceholder')}
        />
      </label>
      <label className="field">
        <span>{t('operator.bans.duration')}</span>
        <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {DURATIONS.map((d) => (
            <option key={d} value={d}>
              {d ? t('operator.bans.days', { count: d }) : t('operator.bans.forever')}
            </option>
          ))}
        </select>
      </label>
      {error ? <ErrorText error={error} /> : null}
      <button
        type="submit"
        className="button block danger-fill"
        disabled={!profile.data || !reason.trim() || ban.isPending}
      >
        {t('operator.bans.submit')}
      </button>
    </form>
  );
}
