import { Link } from 'react-router';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { REACTIONS } from '../../../shared/reactions.ts';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { MarkdownEditor } from '../../components/MarkdownEditor.tsx';
import { Time } from '../../components/Time.tsx';
import { PostHistory } from './PostHistory.tsx';
import {
  useDeletePost,
  useEditPost,
  useReportPost,
  useToggleReaction,
  type PostView,
} from './useThread.ts';

interface Props {
  post: PostView;
  threadId: string;
  opening?: boolean;
  highlighted?: boolean;
  onReply?: (post: PostView) => void;
}

/** One post: who and when, what it answers, its body, reactions and what one may do with it. */
export function PostItem({ post, threadId, opening, highlighted, onReply }: Props) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [historyOpen, setHistoryOpen] = useState(false);
  const editForm = useRef<HTMLFormElement>(null);
  const [mode, setMode] = useState<'view' | 'edit' | 'report' | 'confirmDelete'>('view');
  const [draft, setDraft] = useState('');
  const [reason, setReason] = useState('');
  const [reported, setReported] = useState(false);
  const react = useToggleReaction(threadId);
  const edit = useEditPost(threadId);
  const del = useDeletePost(threadId);
  const report = useReportPost();
  const pending = post.id.startsWith('pending-');
  const deleted = post.status === 'deleted';
  // What the person may do is the server's answer (forum policy), sent with the post; a post
  // pushed live (or still pending) carries none, so it shows no controls until it is re-read.
  const mayEdit = post.abilities?.canEdit ?? false;
  const mayDelete = post.abilities?.canDelete ?? false;
  const mayReport = post.abilities?.canReport ?? false;

  const saveEdit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.trim()) return;
    edit.mutate({ postId: post.id, body: draft }, { onSuccess: () => setMode('view') });
  };
  const sendReport = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return;
    report.mutate(
      { postId: post.id, reason: reason.trim() },
      {
        onSuccess: () => {
          setReported(true);
          setMode('view');
          setReason('');
        },
      },
    );
  };

  return (
    <article
      id={`post-${post.id}`}
      tabIndex={-1}
      className={`post${opening ? ' opening' : ''}${highlighted ? ' highlighted' : ''}${pending ? ' pending' : ''}`}
      aria-labelledby={`post-${post.id}-author`}
      aria-busy={pending || undefined}
    >
      <header className="post-head">
        <span className="avatar small" aria-hidden="true">
          {post.author.displayName.slice(0, 1)}
        </span>
        <span className="post-meta">
          <strong id={`post-${post.id}-author`} className="ellipsis">
            <Link to={`/users/${post.author.id}`} className="author-link">
              {post.author.displayName}
            </Link>
          </strong>
          <span className="muted small">
            {pending ? t('thread.sending') : <Time iso={post.createdAt} />}
            {post.editCount > 0 && !deleted && (
              <>
                {' · '}
                <button
                  type="button"
                  className="link-button"
                  aria-haspopup="dialog"
                  aria-label={t('thread.historyOpen', { count: post.editCount })}
                  onClick={() => setHistoryOpen(true)}
                >
                  {t('thread.editedCount', { count: post.editCount })}
                </button>
              </>
            )}
            {post.status === 'held' && ` · ${t('thread.held')}`}
          </span>
        </span>
        <span className="muted small post-seq">
          {opening ? t('thread.opening') : `#${post.seq}`}
        </span>
      </header>

      {post.replyTo && !deleted && (
        <a className="quote" href={`#post-${post.replyTo.id}`}>
          <span className="small muted">
            {t('thread.replyingTo', {
              seq: post.replyTo.seq,
              name: post.replyTo.author.displayName,
            })}
          </span>
          <span className="quote-excerpt">{post.replyTo.excerpt}</span>
        </a>
      )}

      {deleted ? (
        <p className="muted post-body">{t('thread.deleted')}</p>
      ) : mode === 'edit' ? (
        <form ref={editForm} className="post-edit" onSubmit={saveEdit}>
          <MarkdownEditor
            id={`edit-${post.id}`}
            label={t('thread.editLabel')}
            value={draft}
            onChange={setDraft}
            rows={5}
            autoFocus
            onSubmitShortcut={() => editForm.current?.requestSubmit()}
          />
          <ErrorText error={edit.error} />
          <div className="row-end">
            <button type="button" className="button ghost small" onClick={() => setMode('view')}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="button primary small" disabled={edit.isPending}>
              {t('common.save')}
            </button>
          </div>
        </form>
      ) : post.bodyHtml ? (
        // bodyHtml is rendered and sanitised on the server (allow-listed tags, safe URL schemes
        // only); that is the one reason it may be set as HTML here. Never put anything else here.
        <div className="post-body prose" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
      ) : (
        <p className="post-body plain">{post.body}</p>
      )}

      {!deleted && !pending && (
        <>
          <div className="reactions" role="group" aria-label={t('thread.reactions')}>
            {REACTIONS.map((emoji) => {
              const r = post.reactions.find((x) => x.emoji === emoji);
              const count = r?.count ?? 0;
              const on = r?.mine ?? false;
              return (
                <button
                  key={emoji}
                  type="button"
                  className="reaction"
                  aria-pressed={on}
                  aria-label={t('thread.reaction', { emoji, count })}
                  onClick={() => react.mutate({ postId: post.id, emoji, on: !on })}
                >
                  <span aria-hidden="true">{emoji}</span>
                  {count > 0 && (
                    <span className="reaction-count" aria-hidden="true">
                      {count}
                    </span>
                  )}
                </button>
              );
            })}
          </div>
          <ErrorText error={react.error} />

          <div className="post-actions">
            {onReply && (
              <button type="button" className="button ghost small" onClick={() => onReply(post)}>
                <Icon name="reply" size={16} />
                <span>{t('thread.reply')}</span>
              </button>
            )}
            {mayEdit && mode !== 'edit' && (
              <button
                type="button"
                className="button ghost small"
                onClick={() => {
                  setDraft(post.body);
                  setMode('edit');
                }}
              >
                {t('thread.edit')}
              </button>
            )}
            {mayDelete &&
              (mode === 'confirmDelete' ? (
                <>
                  <button
                    type="button"
                    className="button ghost small danger"
                    disabled={del.isPending}
                    onClick={() => {
                      setMode('view');
                      del.mutate(post.id);
                    }}
                  >
                    {t('thread.confirmDelete')}
                  </button>
                  <button
                    type="button"
                    className="button ghost small"
                    onClick={() => setMode('view')}
                  >
                    {t('common.cancel')}
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  className="button ghost small"
                  onClick={() => setMode('confirmDelete')}
                >
                  {t('thread.delete')}
                </button>
              ))}
            {mayReport &&
              (reported ? (
                <span className="muted small" role="status">
                  {t('thread.reported')}
                </span>
              ) : (
                <button
                  type="button"
                  className="button ghost small muted-button"
                  aria-expanded={mode === 'report'}
                  onClick={() => setMode(mode === 'report' ? 'view' : 'report')}
                >
                  {t('thread.report')}
                </button>
              ))}
          </div>
          {del.isError && (
            <p className="error" role="alert">
              {t('moderation.failed', { reason: errorMessage(del.error) })}
            </p>
          )}

          {mode === 'report' && (
            <form className="report-form" onSubmit={sendReport}>
              <label className="field">
                <span>{t('thread.reportReason')}</span>
                <textarea
                  value={reason}
                  rows={2}
                  maxLength={500}
                  onChange={(e) => setReason(e.target.value)}
                />
              </label>
              <ErrorText error={report.error} />
              <div className="row-end">
                <button
                  type="button"
                  className="button ghost small"
                  onClick={() => setMode('view')}
                >
                  {t('common.cancel')}
                </button>
                <button
                  type="submit"
                  className="button primary small"
                  disabled={report.isPending || !reason.trim()}
                >
                  {t('thread.reportSend')}
                </button>
              </div>
            </form>
          )}
        </>
      )}
      {historyOpen && (
        <PostHistory post={post} open={historyOpen} onClose={() => setHistoryOpen(false)} />
      )}
    </article>
  );
}

export function PostSkeleton() {
  return (
    <div className="post" aria-hidden="true">
      <div className="post-head">
        <span className="skeleton circle small" />
        <span className="skeleton-lines">
          <span className="skeleton line short" />
          <span className="skeleton line" />
          <span className="skeleton line" />
        </span>
      </div>
    </div>
  );
}
