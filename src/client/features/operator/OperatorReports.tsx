import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Notice, useNotice } from '../forum/Notice.tsx';
import { ReportCard, ReportSkeleton } from '../moderation/ReportsPage.tsx';
import { useActOnReport, useGlobalReports, type ReportView } from './useOperator.ts';
import '../forum/moderation.css';
import '../moderation/reports.css';

type Action = 'dismiss' | 'approve' | 'delete_post' | 'ban_author';

/** `/operator/reports`: every group's reports; the ban here is site-wide. */
export function OperatorReports() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const reports = useGlobalReports(status);
  const act = useActOnReport();
  const errorMessage = useErrorMessage();
  const [notice, setNotice] = useNotice();
  const items = reports.data?.pages.flatMap((p) => p.items) ?? [];

  const onResolve = (report: ReportView, action: Action) => {
    setNotice(null);
    act.mutate(
      { report, action },
      {
        onSuccess: () =>
          setNotice({
            text:
              action === 'ban_author'
                ? t('operator.reports.banned', { name: report.post.author.displayName })
                : t('moderation.reports.done', {
                    what: t(
                      `moderation.reports.resolvedAs.${
                        action === 'dismiss'
                          ? 'dismissed'
                          : action === 'approve'
                            ? 'approved'
                            : 'post_deleted'
                      }`,
                    ),
                  }),
            error: false,
          }),
        onError: (err) =>
          setNotice({ text: t('moderation.failed', { reason: errorMessage(err) }), error: true }),
      },
    );
  };

  return (
    <section aria-labelledby="op-reports-title">
      <h2 id="op-reports-title" className="visually-hidden">
        {t('operator.tabs.reports')}
      </h2>
      <div className="tabs" role="group" aria-label={t('moderation.reports.status')}>
        {(['open', 'resolved'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className={`tab${s === status ? ' active' : ''}`}
            aria-pressed={s === status}
            onClick={() => {
              setStatus(s);
              setNotice(null);
            }}
          >
            {t(`moderation.reports.${s}`)}
          </button>
        ))}
      </div>
      <Notice notice={notice} />
      {reports.isPending ? (
        <div className="cards" aria-busy="true">
          <span className="visually-hidden" role="status">
            {t('common.loading')}
          </span>
          <ReportSkeleton />
          <ReportSkeleton />
        </div>
      ) : reports.isError ? (
        <div className="empty">
          <ErrorText error={reports.error} />
          <div className="empty-actions">
            <button
              type="button"
              className="button ghost small"
              onClick={() => void reports.refetch()}
            >
              {t('common.retry')}
            </button>
          </div>
        </div>
      ) : items.length === 0 ? (
        <div className="empty reports-empty">
          <span className="reports-empty-icon" aria-hidden="true">
            <Icon name="check" size={28} />
          </span>
          <p>
            {status === 'open'
              ? t('operator.reports.emptyOpen')
              : t('operator.reports.emptyResolved')}
          </p>
        </div>
      ) : (
        <>
          <ul className="cards reports" aria-label={t(`moderation.reports.${status}`)}>
            {items.map((r) => (
              <ReportCard
                key={r.id}
                report={r}
                onResolve={onResolve}
                ban={{
                  label: t('operator.reports.ban'),
                  hint: t('operator.reports.banHint', { name: r.post.author.displayName }),
                  confirm: t('operator.reports.banConfirm'),
                }}
              />
            ))}
          </ul>
          <InfiniteFooter query={reports} />
        </>
      )}
    </section>
  );
}
