import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Activity } from '../../../shared/api/activities.ts';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { shortDateTime } from '../../lib/time.ts';
import { Notice, useNotice } from '../forum/Notice.tsx';
import { idFrom } from './OperatorBans.tsx';
import {
  useActivityById,
  useActivitySearch,
  useEndPromotion,
  usePromote,
  usePromotions,
} from './useOperator.ts';

const DURATIONS = [1, 3, 7, 14, 30] as const;
const LABEL_MAX = 12;

/** `/operator/promotions`: promote an activity with a label and an end; live ones; end one. */
export function OperatorPromotions() {
  const { t, i18n } = useTranslation();
  const list = usePromotions();
  const end = useEndPromotion();
  const errorMessage = useErrorMessage();
  const [notice, setNotice] = useNotice();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="op-promo-title">
      <h2 id="op-promo-title" className="op-section-title">
        {t('operator.promotions.title')}
      </h2>
      <PromoteForm
        onDone={(title) =>
          setNotice({ text: t('operator.promotions.done', { title }), error: false })
        }
      />
      <Notice notice={notice} />
      <h2 className="op-section-title">{t('operator.promotions.live')}</h2>
      {list.isPending ? (
        <ListSkeleton rows={3} />
      ) : list.isError ? (
        <div className="empty">
          <ErrorText error={list.error} />
        </div>
      ) : items.length === 0 ? (
        <div className="empty">
          <p>{t('operator.promotions.empty')}</p>
        </div>
      ) : (
        <>
          <ul className="cards op-promos" aria-label={t('operator.promotions.live')}>
            {items.map((p) => (
              <li key={p.activityId} className="card op-promo">
                <div className="op-promo-head">
                  <span className="pill promoted">
                    {p.label ?? t('operator.promotions.defaultLabel')}
                  </span>
                  <Link className="op-promo-title" to={`/activities/${p.activityId}`}>
                    {p.title}
                  </Link>
                </div>
                <p className="muted small">
                  {p.city} ·{' '}
                  {t('operator.promotions.starts', {
                    time: shortDateTime(p.startsAt, i18n.language),
                  })}
                </p>
                <div className="op-promo-foot">
                  <span className="small">
                    {t('operator.promotions.until', {
                      time: shortDateTime(p.until, i18n.language),
                    })}
                  </span>
                  <button
                    type="button"
                    className="button small outline"
                    onClick={() =>
                      end.mutate(p.activityId, {
                        onSuccess: () =>
                          setNotice({
                            text: t('operator.promotions.ended', { title: p.title }),
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
                    {t('operator.promotions.end')}
                    <span className="visually-hidden">
                      {t('operator.promotions.endName', { title: p.title })}
                    </span>
                  </button>
                </div>
              </li>
            ))}
          </ul>
          <InfiniteFooter query={list} />
        </>
      )}
    </section>
  );
}

function PromoteForm({ onDone }: { onDone: (title: string) => void }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState<Activity | null>(null);
  const [label, setLabel] = useState('');
  const [days, setDays] = useState<number>(7);
  const [error, setError] = useState<unknown>(null);
  const pasted = /\/activities\//.test(text) ? idFrom(text, 'activities') : null;
  const byId = useActivityById(chosen ? null : pasted);
  const search = useActivitySearch(!chosen && !pasted ? text.trim() : '');
  const promote = usePromote();
  const hits = (search.data?.items ?? []).flatMap((h) =>
    h.type === 'activity' ? [h.activity] : [],
  );
  const labelLength = [...label].length;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!chosen || labelLength > LABEL_MAX) return;
    const until = new Date(Date.now() + days * 86_400_000).toISOString();
    promote.mutate(
      { id: chosen.id, until, label: label.trim() || undefined },
      {
        onSuccess: (a) => {
          onDone(a.title);
          setChosen(null);
          setText('');
          setLabel('');
        },
        onError: setError,
      },
    );
  };

  return (
    <form
      className="card op-form"
      onSubmit={submit}
      aria-label={t('operator.promotions.formTitle')}
    >
      {chosen ? (
        <div className="op-chosen">
          <div>
            <span className="muted small">{t('operator.promotions.chosen')}</span>
            <strong className="op-chosen-title">{chosen.title}</strong>
            <span className="muted small">
              {chosen.venue.city} · {shortDateTime(chosen.startsAt, i18n.language)}
            </span>
          </div>
          <button type="button" className="button small ghost" onClick={() => setChosen(null)}>
            {t('operator.promotions.change')}
          </button>
        </div>
      ) : (
        <>
          <label className="field">
            <span>{t('operator.promotions.find')}</span>
            <input
              type="search"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={t('operator.promotions.findPlaceholder')}
              autoComplete="off"
            />
          </label>
          {pasted ? (
            byId.data ? (
              <ul className="op-hits" aria-label={t('operator.promotions.results')}>
                <li>
                  <button type="button" className="op-hit" onClick={() => setChosen(byId.data)}>
                    <strong>{byId.data.title}</strong>
                    <span className="muted small">
                      {byId.data.venue.city} · {shortDateTime(byId.data.startsAt, i18n.language)}
                    </span>
                  </button>
                </li>
              </ul>
            ) : byId.isError ? (
              <p className="small error">{t('operator.promotions.noSuch')}</p>
            ) : null
          ) : text.trim() && search.data && hits.length === 0 ? (
            <p className="small muted">{t('operator.promotions.noHits')}</p>
          ) : hits.length > 0 ? (
            <ul className="op-hits" aria-label={t('operator.promotions.results')}>
              {hits.map((a) => (
                <li key={a.id}>
                  <button type="button" className="op-hit" onClick={() => setChosen(a)}>
                    <strong>{a.title}</strong>
                    <span className="muted small">
                      {a.venue.city} · {shortDateTime(a.startsAt, i18n.language)}
                      {a.promoted ? ` · ${t('operator.promotions.already')}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
      <label className="field">
        <span>
          {t('operator.promotions.label')}{' '}
          <span className={`muted small${labelLength > LABEL_MAX ? ' error' : ''}`}>
            {labelLength}/{LABEL_MAX}
          </span>
        </span>
        <input
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          placeholder={t('operator.promotions.labelPlaceholder')}
          aria-invalid={labelLength > LABEL_MAX}
        />
      </label>
      <label className="field">
        <span>{t('operator.promotions.duration')}</span>
        <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {DURATIONS.map((d) => (
            <option key={d} value={d}>
              {t('operator.promotions.days', { count: d })}
            </option>
          ))}
        </select>
      </label>
      {error ? <ErrorText error={error} /> : null}
      <button
        type="submit"
        className="button primary block"
        disabled={!chosen || labelLength > LABEL_MAX || promote.isPending}
      >
        {t('operator.promotions.submit')}
      </button>
    </form>
  );
}
