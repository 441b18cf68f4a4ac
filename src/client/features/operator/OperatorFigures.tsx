import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Figures } from '../../../shared/api/operator.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { CITIES } from '../../lib/cities.ts';
import { shanghaiToday, useFigures } from './useOperator.ts';

const Chart = lazy(() => import('./Chart.tsx'));

const RANGES = [7, 30, 90] as const;
type SeriesKey = Exclude<keyof Figures['days'][number], 'day'>;
const SERIES: SeriesKey[] = [
  'signups',
  'paidFen',
  'newMembers',
  'activeMembers',
  'activeGroups',
  'posts',
];

/** Numbers with the language's thousands separators; fen as ¥ (cents only when there are any). */
function useFormats() {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const n = new Intl.NumberFormat(i18n.language);
    const whole = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 });
    const cents = new Intl.NumberFormat(i18n.language, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    return {
      count: (v: number) => n.format(v),
      yuan: (v: number) => `¥${whole.format(v)}`,
      money: (fen: number) => `¥${(fen % 100 === 0 ? whole : cents).format(fen / 100)}`,
    };
  }, [i18n.language]);
}

/** `/operator/figures`: daily series as stacked charts, top interests, cities. */
export function OperatorFigures() {
  const { t, i18n } = useTranslation();
  const [days, setDays] = useState<number>(30);
  const [city, setCity] = useState('');
  const figures = useFigures(days, city);
  const fmt = useFormats();
  const f = figures.data;
  const today = shanghaiToday();
  const labels = useMemo(
    () => f?.days.map((d) => `${Number(d.day.slice(5, 7))}/${Number(d.day.slice(8, 10))}`) ?? [],
    [f],
  );
  const format = (k: SeriesKey) => (k === 'paidFen' ? fmt.money : fmt.count);

  return (
    <section aria-labelledby="op-fig-title" className="op-figures">
      <h2 id="op-fig-title" className="visually-hidden">
        {t('operator.tabs.figures')}
      </h2>
      <div className="op-controls">
        <div className="op-range" role="group" aria-label={t('operator.figures.range')}>
          {RANGES.map((r) => (
            <button
              key={r}
              type="button"
              className="chip"
              aria-pressed={r === days}
              onClick={() => setDays(r)}
            >
              {t('operator.figures.lastDays', { count: r })}
            </button>
          ))}
        </div>
        <label className="op-city">
          <span className="visually-hidden">{t('operator.figures.city')}</span>
          <select value={city} onChange={(e) => setCity(e.target.value)}>
            <option value="">{t('operator.figures.allCities')}</option>
            {CITIES.map((c) => (
              <option key={c.id} value={c.id}>
                {i18n.language.startsWith('zh') ? c.id : c.en}
              </option>
            ))}
          </select>
        </label>
      </div>

      {figures.isPending ? (
        <div aria-busy="true" className="op-fig-skeleton">
          <span className="visually-hidden" role="status">
            {t('common.loading')}
          </span>
          {[0, 1, 2].map((i) => (
            <div key={i} className="card">
              <span className="skeleton line short" />
              <span className="skeleton op-chart-skeleton" />
            </div>
          ))}
        </div>
      ) : figures.isError ? (
        <div className="empty">
          <ErrorText error={figures.error} />
          <div className="empty-actions">
            <button
              type="button"
              className="button ghost small"
              onClick={() => void figures.refetch()}
            >
              {t('common.retry')}
            </button>
          </div>
        </div>
      ) : f ? (
        <div className={figures.isPlaceholderData ? 'op-stale' : undefined}>
          <p className="muted small op-period">
            {t('operator.figures.period', { from: f.from, to: f.to })}
            {f.city ? ` · ${f.city}` : ''}
          </p>
          <ul className="op-totals" aria-label={t('operator.figures.totals')}>
            {(['signups', 'paidFen', 'newMembers', 'posts'] as const).map((k) => (
              <li key={k} className="card op-total">
                <span className="muted small">{t(`operator.figures.series.${k}`)}</span>
                <strong className="op-total-value">{format(k)(f.totals[k])}</strong>
              </li>
            ))}
          </ul>
          <Suspense fallback={null}>
            {SERIES.map((k) => {
              const values = f.days.map((d) => d[k]);
              const todayValue = f.days.find((d) => d.day === today)?.[k];
              const total = values.reduce((a, b) => a + b, 0);
              const title = t(`operator.figures.daily.${k}`);
              return (
                <article key={k} className="card op-series" data-series={k}>
                  <header className="op-series-head">
                    <h3>{title}</h3>
                    {todayValue !== undefined && (
                      <span className="op-today">
                        {t('operator.figures.today')}{' '}
                        <strong data-today={k}>{format(k)(todayValue)}</strong>
                      </span>
                    )}
                  </header>
                  <Chart
                    labels={labels}
                    // Money is plotted in yuan, so the axis steps are whole yuan.
                    values={k === 'paidFen' ? values.map((v) => v / 100) : values}
                    format={k === 'paidFen' ? fmt.yuan : fmt.count}
                    summary={t('operator.figures.chartSummary', {
                      title,
                      from: f.from,
                      to: f.to,
                      total: format(k)(total),
                      max: format(k)(Math.max(0, ...values)),
                    })}
                  />
                </article>
              );
            })}
          </Suspense>
          <TopInterests f={f} />
          <ByCity f={f} />
        </div>
      ) : null}
    </section>
  );
}

function TopInterests({ f }: { f: Figures }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormats();
  const max = Math.max(1, ...f.topInterests.map((x) => x.signups + x.newMembers));
  return (
    <article className="card op-ranked">
      <h3>{t('operator.figures.topInterests')}</h3>
      {f.topInterests.length === 0 ? (
        <p className="muted small">{t('operator.figures.nothing')}</p>
      ) : (
        <ol className="op-bars">
          {f.topInterests.map((x, i) => {
            const score = x.signups + x.newMembers;
            return (
              <li key={x.interestId} className="op-bar-row">
                <span className="op-rank" aria-hidden="true">
                  {i + 1}
                </span>
                <div className="op-bar-body">
                  <div className="op-bar-label">
                    <strong>{i18n.language.startsWith('zh') ? x.nameZh : x.nameEn}</strong>
                    <span className="muted small">
                      {t('operator.figures.interestLine', {
                        signups: fmt.count(x.signups),
                        members: fmt.count(x.newMembers),
                      })}
                    </span>
                  </div>
                  <span className="op-bar" aria-hidden="true">
                    <span style={{ width: `${Math.max(4, (score / max) * 100)}%` }} />
                  </span>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </article>
  );
}

function ByCity({ f }: { f: Figures }) {
  const { t } = useTranslation();
  const fmt = useFormats();
  return (
    <article className="card op-ranked">
      <h3>{t('operator.figures.byCity')}</h3>
      {f.byCity.length === 0 ? (
        <p className="muted small">{t('operator.figures.nothing')}</p>
      ) : (
        <ul className="op-cities">
          {f.byCity.map((c) => (
            <li key={c.city ?? ''} className="op-city-row">
              <strong>{c.city ?? t('operator.figures.noCity')}</strong>
              <span className="muted small">
                {t('operator.figures.cityLine', {
                  signups: fmt.count(c.signups),
                  paid: fmt.money(c.paidFen),
                  members: fmt.count(c.newMembers),
                  posts: fmt.count(c.posts),
                })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
