import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { MarkdownEditor } from '../../components/MarkdownEditor.tsx';
import { useFollowThread } from '../../stream/StreamProvider.tsx';
import { useMe } from '../auth/useSession.ts';
import { Notice, useNotice } from './Notice.tsx';
import { PostItem, PostSkeleton } from './PostItem.tsx';
import { ThreadActions, type ThreadAction } from './ThreadActions.tsx';
import { useUpdateThread } from './useModeration.ts';
import {
  useCreatePost,
  useDeletePost,
  useThread,
  useThreadPosts,
  type PostView,
} from './useThread.ts';
import './moderation.css';

/** A thread: its opening post, the replies (live while open) and a reply box at the bottom. */
export function ThreadPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const location = useLocation();
  const thread = useThread(id);
  const posts = useThreadPosts(id);
  const [replyTo, setReplyTo] = useState<PostView | null>(null);
  const composer = useRef<HTMLTextAreaElement>(null);
  useFollowThread(thread.data ? id : undefined);
  // The server's answers for this thread (forum policy): pin and lock, and whether a locked
  // thread still takes this person's replies.
  const canModerate = thread.data?.abilities.canModerate ?? false;
  const update = useUpdateThread(id);
  const removeThread = useDeletePost(id);
  const errorMessage = useErrorMessage();
  // What the last moderator action did, or why it was undone.
  const [notice, setNotice] = useNotice();

  const moderate = (action: ThreadAction) => {
    const d = thread.data;
    if (!d) return;
    const onError = (err: unknown) =>
      setNotice({ text: t('moderation.failed', { reason: errorMessage(err) }), error: true });
    setNotice(null);
    if (action === 'delete') {
      removeThread.mutate(d.firstPost.id, {
        onSuccess: () => setNotice({ text: t('moderation.done.deleted'), error: false }),
        onError,
      });
      return;
    }
    const patch =
      action === 'pin' || action === 'unpin'
        ? { pinned: action === 'pin' }
        : { locked: action === 'lock' };
    const done = {
      pin: 'pinned',
      unpin: 'unpinned',
      lock: 'locked',
      unlock: 'unlocked',
    } as const;
    update.mutate(patch, {
      onSuccess: () => setNotice({ text: t(`moderation.done.${done[action]}`), error: false }),
      onError,
    });
  };

  // A link to "#post-<id>" (from a notification): load pages until that post is there, then
  // scroll to it once.
  const target = location.hash.startsWith('#post-') ? location.hash.slice(1) : '';
  const scrolledTo = useRef('');
  const { hasNextPage, isFetchingNextPage, fetchNextPage, data: pages } = posts;
  useEffect(() => {
    if (!target || scrolledTo.current === target || !pages || !thread.data) return;
    const el = document.getElementById(target);
    if (el) {
      scrolledTo.current = target;
      el.scrollIntoView({ block: 'center' });
      el.focus({ preventScroll: true });
    } else if (hasNextPage && !isFetchingNextPage) {
      void fetchNextPage();
    }
  }, [target, pages, thread.data, hasNextPage, isFetchingNextPage, fetchNextPage]);

  // The title moves into the app bar once the heading has scrolled away.
  const heading = useRef<HTMLHeadingElement>(null);
  const [headingGone, setHeadingGone] = useState(false);
  const hasThread = Boolean(thread.data);
  useEffect(() => {
    const el = heading.current;
    if (!el) return;
    const io = new IntersectionObserver(([e]) => setHeadingGone(e ? !e.isIntersecting : false), {
      rootMargin: '-64px 0px 0px 0px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasThread]);

  const reply = (post: PostView) => {
    setReplyTo(post);
    composer.current?.focus();
  };

  const d = thread.data;
  const replies = posts.data?.pages.flatMap((p) => p.items).filter((p) => p.seq > 1) ?? [];
  // Replies are open unless the thread is locked (moderators may still reply) or deleted.
  const open = Boolean(d && d.status !== 'deleted' && (!d.locked || canModerate));

  return (
    <div className="page thread-page">
      <header className="app-bar">
        <Link to="/community" className="app-bar-action" aria-label={t('common.back')}>
          <Icon name="back" />
        </Link>
        <span className={`app-bar-title ellipsis${headingGone ? ' shown' : ''}`} aria-hidden="true">
          {d?.title ?? ''}
        </span>
        {d ? (
          <span className="app-bar-actions">
            <Link to={`/groups/${d.groupId}`} className="button ghost small">
              {t('thread.group')}
            </Link>
            {canModerate && <ThreadActions thread={d} onAction={moderate} />}
          </span>
        ) : (
          <span className="app-bar-spacer" />
        )}
      </header>

      {thread.isPending ? (
        <div aria-busy="true">
          <span className="visually-hidden" role="status">
            {t('common.loading')}
          </span>
          <span className="skeleton line title-skeleton" />
          <PostSkeleton />
          <PostSkeleton />
        </div>
      ) : thread.isError ? (
        <div className="empty">
          <ErrorText error={thread.error} />
          <Link className="button ghost small" to="/community">
            {t('common.back')}
          </Link>
        </div>
      ) : (
        <main>
          <div className="thread-head">
            <h1 ref={heading}>{thread.data.title}</h1>
            {(thread.data.pinned || thread.data.locked) && (
              <p className="thread-labels">
                {thread.data.pinned && (
                  <span className="pill state-pill">
                    <Icon name="pin" size={14} />
                    {t('thread.pinned')}
                  </span>
                )}
                {thread.data.locked && (
                  <span className="pill state-pill locked">
                    <Icon name="lock" size={14} />
                    {t('thread.locked')}
                  </span>
                )}
              </p>
            )}
          </div>
          <Notice notice={notice} />
          {thread.data.status === 'deleted' && (
            <p className="thread-deleted" role="status">
              <Icon name="trash" size={18} />
              <span>{t('moderation.threadDeleted')}</span>
            </p>
          )}
          <PostItem
            post={thread.data.firstPost}
            threadId={id}
            opening
            highlighted={target === `post-${thread.data.firstPost.id}`}
            onReply={open ? reply : undefined}
          />

          {(posts.isPending ? thread.data.replyCount > 0 : replies.length > 0) && (
            <h2 className="section-title">
              {t('thread.replies', { count: Math.max(thread.data.replyCount, replies.length) })}
            </h2>
          )}
          {posts.isPending ? (
            <div className="posts" aria-busy="true">
              <span className="visually-hidden" role="status">
                {t('common.loading')}
              </span>
              <PostSkeleton />
              <PostSkeleton />
            </div>
          ) : posts.isError ? (
            <ErrorText error={posts.error} />
          ) : replies.length === 0 ? (
            <p className="empty">{t('thread.emptyReplies')}</p>
          ) : (
            <section className="posts" aria-label={t('thread.repliesLabel')}>
              {replies.map((p) => (
                <PostItem
                  key={p.id}
                  post={p}
                  threadId={id}
                  highlighted={target === `post-${p.id}`}
                  onReply={open ? reply : undefined}
                />
              ))}
            </section>
          )}
          {!posts.isPending && <InfiniteFooter query={posts} />}

          {thread.data.status !== 'deleted' && (
            <Composer
              threadId={id}
              locked={thread.data.locked}
              canModerate={canModerate}
              replyTo={replyTo}
              onReplyTo={setReplyTo}
              inputRef={composer}
            />
          )}
        </main>
      )}
    </div>
  );
}

function Composer({
  threadId,
  locked,
  canModerate,
  replyTo,
  onReplyTo,
  inputRef,
}: {
  threadId: string;
  locked: boolean;
  canModerate: boolean;
  replyTo: PostView | null;
  onReplyTo: (post: PostView | null) => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const errorMessage = useErrorMessage();
  const create = useCreatePost(threadId, me.data ?? undefined);
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);

  if (locked && !canModerate) {
    return (
      <div className="composer">
        <p className="composer-locked" role="status">
          <Icon name="lock" size={18} />
          <span>{t('thread.lockedNotice')}</span>
        </p>
      </div>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = body.trim();
    if (!text) return;
    setError(null);
    const sent = { body: text, replyToId: replyTo?.id };
    const quoted = replyTo;
    setBody('');
    onReplyTo(null);
    create.mutate(sent, {
      onError: (err) => {
        // The reply is taken back off the page: give the text (and the quote) back to fix.
        setBody(text);
        if (quoted) onReplyTo(quoted);
        setError(errorMessage(err));
      },
    });
  };
  return (
    <form className="composer" onSubmit={submit}>
      {replyTo && (
        <div className="composer-quote">
          <span className="small ellipsis">
            {t('thread.replyingTo', { seq: replyTo.seq, name: replyTo.author.displayName })}
          </span>
          <button type="button" className="button ghost small" onClick={() => onReplyTo(null)}>
            {t('thread.cancelReply')}
          </button>
        </div>
      )}
      {locked && (
        <p className="muted small composer-mod-note">
          <Icon name="lock" size={14} />
          <span>{t('thread.lockedNoticeMod')}</span>
        </p>
      )}
      <MarkdownEditor
        id="composer-body"
        label={t('thread.composerLabel')}
        labelHidden
        inputRef={inputRef}
        rows={2}
        value={body}
        onChange={setBody}
        placeholder={t('thread.composerPlaceholder')}
        onSubmitShortcut={() => inputRef.current?.form?.requestSubmit()}
        aside={
          <button type="submit" className="button primary" disabled={!body.trim()}>
            {t('thread.send')}
          </button>
        }
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
