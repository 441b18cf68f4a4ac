import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Sheet } from '../../components/Sheet.tsx';
import { Time } from '../../components/Time.tsx';
import { diffWords } from './diff.ts';
import { useRevisions } from './useModeration.ts';
import type { PostView } from './useThread.ts';
import './moderation.css';

interface Version {
  n: number;
  body: string;
  /** When this version was written; unknown for the oldest loaded one while more pages remain. */
  at: string | null;
}

/**
 * A post's edit history in a sheet: every version, newest first, each with when it was written
 * and, against the version before it, what was added (highlighted) and taken out (struck).
 */
export function PostHistory({
  post,
  open,
  onClose,
}: {
  post: PostView;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const revisions = useRevisions(post);
  const earlier = revisions.data?.pages.flatMap((p) => p.items) ?? [];
  const total = post.editCount + 1;
  // Revisions are the replaced bodies, newest first; each was written when the one after it
  // (older) was replaced, and the oldest when the post was made.
  const versions: Version[] = [
    { n: total, body: post.body, at: post.editedAt ?? post.createdAt },
    ...earlier.map((r, i) => ({
      n: total - 1 - i,
      body: r.body,
      at: earlier[i + 1]?.replacedAt ?? (revisions.hasNextPage ? null : post.createdAt),
    })),
  ];

  return (
    <Sheet open={open} onClose={onClose} title={t('thread.history.title')}>
      {revisions.isPending ? (
        <div aria-busy="true" className="history">
          <span className="visually-hidden" role="status">
            {t('common.loading')}
          </span>
          <span className="skeleton line" />
          <span className="skeleton line short" />
        </div>
      ) : revisions.isError ? (
        <ErrorText error={revisions.error} />
      ) : (
        <>
          <p className="muted small history-legend">
            <span>{t('thread.history.versions', { count: versions.length })}</span>
            {versions.length > 1 && <span>{t('thread.history.legend')}</span>}
          </p>
          <ol className="history" aria-label={t('thread.history.title')}>
            {versions.map((v, i) => {
              const older = versions[i + 1];
              const parts = older ? diffWords(older.body, v.body) : null;
              return (
                <li key={v.n} className="revision">
                  <p className="revision-head">
                    <strong>{t('thread.history.version', { n: v.n })}</strong>
                    {i === 0 && <span className="pill">{t('thread.history.current')}</span>}
                    {v.n === 1 && (
                      <span className="pill muted-pill">{t('thread.history.original')}</span>
                    )}
                    {v.at && (
                      <span className="muted small revision-time">
                        <Time iso={v.at} />
                      </span>
                    )}
                  </p>
                  <div className="revision-body">
                    {parts
                      ? parts.map((p, k) =>
                          p.kind === 'same' ? (
                            <span key={k}>{p.text}</span>
                          ) : p.kind === 'added' ? (
                            <ins key={k}>{p.text}</ins>
                          ) : (
                            <del key={k}>{p.text}</del>
                          ),
                        )
                      : v.body}
                  </div>
                </li>
              );
            })}
          </ol>
          <InfiniteFooter query={revisions} />
        </>
      )}
    </Sheet>
  );
}
