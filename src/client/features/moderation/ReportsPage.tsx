import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/http.ts';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Time } from '../../components/Time.tsx';
import { Notice, useNotice } from '../forum/Notice.tsx';
import { useGroupDetail } from '../forum/useModeration.ts';
import {
  useReports,
  useResolveReport,
  type ReportStatus,
  type ReportView,
  type Resolution,
} from './useReports.ts';
import '../forum/moderation.css';
import './reports.css';

/** A report the word filter filed has no reporter and a reason `word_filter: <word>`. */
const WORD_FILTER = /^word_filter:\s*/;
const RESOLVED_AS = {
  dismiss: 'dismissed',
  approve: 'approved',
  delete_post: 'post_deleted',
  ban_author: 'author_banned',
} as const satisfies Record<Resolution, string>;
type Resolved = (typeof RESOLVED_AS)[Resolution];
const isResolved = (x: string): x is Resolved =>
  (Object.values(RESOLVED_AS) as string[]).includes(x);

/**
 * `/groups/:id/reports`: the group's moderation queue. Each report shows the post (its excerpt,
 * author and thread, with a link to it), the reason and who reported it; a moderator dismisses
 * it, lets a held post through, deletes the post or bans its author.
 */
export function ReportsPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const [status, setStatus] = useState<ReportStatus>('open');
  const group = useGroupDetail(id);
  const reports = useReports(id, status);
  const resolve = useResolveReport(id);
  const errorMessage = useErrorMessage();
  const [notice, setNotice] = useNotice();
  const items = reports.data?.pages.flatMap((p) => p.items) ?? [];

  const act = (report: ReportView, action: Resolution) => {
    setNotice(null);
    resolve.mutate(
      { report, action },
      {
        onSuccess: () =>
          setNotice({
            text: t('moderation.reports.done', {
              what: t(`moderation.reports.resolvedAs.${RESOLVED_AS[action]}`),
            }),
            error: false,
          }),
        onError: (err) =>
          setNotice({ text: t('moderation.failed', { reason: errorMessage(err) }), error: true }),
      },
    );
  };

  const forbidden = reports.error instanceof ApiError && reports.error.status === 403;

  return (
    <main className="page reports-page">
      <AppBar title={t('moderation.reports.title')} back={`/groups/${id}`} />
      {group.data && (
        <p className="muted small reports-group">
          {t('moderation.reports.group', { name: group.data.name })}
        </p>
      )}
      {!forbidden && (
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
      )}
      <Notice notice={notice} />

      {reports.isPending ? (
        <div className="cards" aria-busy="true">
          <span className="visually-hidden" role="status">
            {t('common.loading')}
          </span>
          <ReportSkeleton />
          <ReportSkeleton />
        </div>
      ) : forbidden ? (
        <div className="empty">
          <p>{t('moderation.reports.forbidden')}</p>
          <div className="empty-actions">
            <Link className="button ghost small" to={`/groups/${id}`}>
              {t('moderation.reports.backToGroup')}
            </Link>
          </div>
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
              ? t('moderation.reports.emptyOpen')
              : t('moderation.reports.emptyResolved')}
          </p>
        </div>
      ) : (
        <>
          <ul className="cards reports" aria-label={t(`moderation.reports.${status}`)}>
            {items.map((r) => (
              <ReportCard key={r.id} report={r} onResolve={act} />
            ))}
          </ul>
          <InfiniteFooter query={reports} />
        </>
      )}
    </main>
  );
}

/** One report with its actions; the operator's global queue reuses it with a site-wide ban. */
export function ReportCard({
  report: r,
  onResolve,
  ban,
}: {
  report: ReportView;
  onResolve: (report: ReportView, action: Resolution) => void;
  /** Wording of the ban action when it is not the group's (the operator's site-wide ban). */
  ban?: { label: string; hint: string; confirm: string };
}) {
  const { t } = useTranslation();
  const [confirmBan, setConfirmBan] = useState(false);
  const held = r.post.status === 'held';
  const postDeleted = r.post.status === 'deleted';
  const filtered = !r.reporter && WORD_FILTER.test(r.reason);
  return (
    <li className="card report">
      <div className="report-head">
        <span className="report-flag" aria-hidden="true">
          <Icon name="flag" size={16} />
        </span>
        <strong className="ellipsis">
          {r.reporter
            ? t('moderation.reports.reporter', { name: r.reporter.displayName })
            : t('moderation.reports.wordFilter')}
        </strong>
        <span className="muted small report-time">
          <Time iso={r.createdAt} />
        </span>
      </div>
      <p className="report-reason">
        <span className="visually-hidden">{t('moderation.reports.reason')}：</span>
        {filtered
          ? t('moderation.reports.wordFilterReason', { word: r.reason.replace(WORD_FILTER, '') })
          : r.reason}
      </p>

      <div className="report-post">
        <p className="report-post-meta small muted">
          <span>{t('moderation.reports.author', { name: r.post.author.displayName })}</span>
          {(held || postDeleted) && (
            <span className={`pill report-status ${r.post.status}`}>
              {t(`moderation.reports.postStatus.${held ? 'held' : 'deleted'}`)}
            </span>
          )}
        </p>
        <p className={`report-excerpt${postDeleted ? ' muted' : ''}`}>
          {r.post.body || t('moderation.reports.noBody')}
        </p>
        <Link className="report-link small" to={`/threads/${r.post.threadId}#post-${r.post.id}`}>
          <span className="ellipsis">
            {t('moderation.reports.inThread', { title: r.post.threadTitle })}
          </span>
          <span className="report-link-go">{t('moderation.reports.viewPost')} ›</span>
        </Link>
      </div>

      {r.status === 'resolved' ? (
        <p className="report-resolution small">
          <Icon name="check" size={16} />
          <span>
            {r.resolution && isResolved(r.resolution)
              ? t(`moderation.reports.resolvedAs.${r.resolution}`)
              : r.resolution}
          </span>
        </p>
      ) : confirmBan ? (
        <div
          className="report-confirm"
          role="group"
          aria-label={ban?.label ?? t('moderation.reports.banAuthor')}
        >
          <p className="small">
            {ban?.hint ?? t('moderation.reports.banHint', { name: r.post.author.displayName })}
          </p>
          <div className="row-end">
            <button
              type="button"
              className="button ghost small"
              autoFocus
              onClick={() => setConfirmBan(false)}
            >
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button small danger-fill"
              onClick={() => onResolve(r, 'ban_author')}
            >
              {ban?.confirm ?? t('moderation.reports.banConfirm')}
            </button>
          </div>
        </div>
      ) : (
        <div className="report-actions" role="group" aria-label={t('moderation.reports.actions')}>
          {!postDeleted && (
            <button
              type="button"
              className="button small danger-fill"
              onClick={() => onResolve(r, 'delete_post')}
            >
              {t('moderation.reports.deletePost')}
            </button>
          )}
          {held && (
            <button
              type="button"
              className="button small primary"
              onClick={() => onResolve(r, 'approve')}
            >
              {t('moderation.reports.approve')}
            </button>
          )}
          <button
            type="button"
            className="button small outline"
            onClick={() => onResolve(r, 'dismiss')}
          >
            {t('moderation.reports.dismiss')}
          </button>
          <button
            type="button"
            className="button ghost small report-ban"
            onClick={() => setConfirmBan(true)}
          >
            {ban?.label ?? t('moderation.reports.banAuthor')}
          </button>
        </div>
      )}
    </li>
  );
}

export function ReportSkeleton() {
  return (
    <div className="card" aria-hidden="true">
      <span className="skeleton line short" />
      <span className="skeleton line" />
      <span className="skeleton line" />
      <span className="skeleton line short" />
    </div>
  );
}
