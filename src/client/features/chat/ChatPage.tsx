import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/http.ts';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { Sheet } from '../../components/Sheet.tsx';
import { useMe } from '../auth/useSession.ts';
import { useIsBlocked, useSetBlocked } from '../settings/useBlocks.ts';
import { clock, dayKey, dayLabel } from './chat-time.ts';
import {
  useConversation,
  useMarkConversationRead,
  useMessages,
  useSend,
  type ConversationView,
  type MessageView,
  type Pending,
} from './useChat.ts';
import './chat.css';

/** `/messages/:id`: one conversation, live, with read receipts and the composer. */
export function ChatPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const conv = useConversation(id);
  const [menu, setMenu] = useState(false);
  const title = conv.data?.with.displayName ?? t('chat.title');
  return (
    <main className="page chat-page">
      <AppBar
        title={
          conv.data ? (
            <Link to={`/users/${conv.data.with.id}`} state={{ from: `/messages/${id}` }}>
              {title}
            </Link>
          ) : (
            title
          )
        }
        back="/messages"
        action={
          conv.data ? (
            <button
              type="button"
              className="app-bar-action"
              aria-label={t('chat.menu')}
              aria-haspopup="dialog"
              onClick={() => setMenu(true)}
            >
              <Icon name="more" />
            </button>
          ) : undefined
        }
      />
      {conv.isPending ? (
        <ListSkeleton />
      ) : conv.isError ? (
        <div className="empty">
          <ErrorText error={conv.error} />
        </div>
      ) : (
        <Chat conv={conv.data} menu={menu} onMenuClose={() => setMenu(false)} />
      )}
    </main>
  );
}

function Chat({
  conv,
  menu,
  onMenuClose,
}: {
  conv: ConversationView;
  menu: boolean;
  onMenuClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const myId = me.data?.id ?? '';
  const list = useMessages(conv.id);
  const markRead = useMarkConversationRead(conv.id);
  const { pending, send, retry, discard } = useSend(conv.id);
  const blocked = useIsBlocked(conv.with.id);
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const nearBottom = useRef(true);
  const lastHeight = useRef(0);
  const lastOldest = useRef<number | null>(null);
  const lastNewest = useRef<string | null>(null);

  // Oldest first for the screen; pending ones (not yet back from the server) after them.
  const messages = useMemo(
    () => (list.data?.pages.flatMap((p) => p.items) ?? []).slice().reverse(),
    [list.data],
  );
  const sentIds = new Set(messages.map((m) => m.clientId).filter(Boolean));
  const waiting = pending.filter((p) => !sentIds.has(p.clientId));
  const newest = messages[messages.length - 1];
  const oldestSeq = messages[0]?.seq ?? null;
  // "已读" goes under the last of my messages the other person has read.
  const readMine = [...messages]
    .reverse()
    .find((m) => m.sender.id === myId && m.seq <= conv.otherReadUpTo);

  // Keep the place: older messages arriving above leave what is on screen where it was; a new
  // one at the bottom scrolls into view when I was at the bottom (or it is mine).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const newestKey = `${newest?.id ?? ''}:${waiting.length}`;
    if (lastOldest.current === null && messages.length > 0) {
      el.scrollTop = el.scrollHeight;
    } else if (
      oldestSeq !== null &&
      lastOldest.current !== null &&
      oldestSeq < lastOldest.current
    ) {
      el.scrollTop += el.scrollHeight - lastHeight.current;
    } else if (newestKey !== lastNewest.current) {
      const mine = waiting.length > 0 || newest?.sender.id === myId;
      if (nearBottom.current || mine) el.scrollTop = el.scrollHeight;
    }
    lastOldest.current = oldestSeq;
    lastNewest.current = newestKey;
    lastHeight.current = el.scrollHeight;
  });

  // Earlier messages when the top comes into view.
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    const el = topSentinel.current;
    const root = scroller.current;
    if (!el || !root || !hasNextPage) return;
    const io = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting && !isFetchingNextPage && lastOldest.current !== null)
          void fetchNextPage();
      },
      { root, rootMargin: '200px 0px 0px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // Read when shown: whatever is newest, once the page is visible (each seq asked for once, so a
  // failing receipt is not retried in a loop; the next message or visit asks again).
  const newestSeq = newest?.seq ?? 0;
  const asked = useRef(0);
  const { mutate: markMutate } = markRead;
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== 'visible') return;
      if (newestSeq > conv.readUpTo && newestSeq > asked.current) {
        asked.current = newestSeq;
        markMutate(newestSeq);
      }
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [newestSeq, conv.readUpTo, markMutate]);

  const sendError = [...pending].reverse().find((p) => p.status === 'failed')?.error;
  const refused = sendError instanceof ApiError && sendError.code === 'blocked';

  return (
    <>
      <div
        className="chat-scroll"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        {list.isPending ? (
          <ListSkeleton />
        ) : list.isError ? (
          <ErrorText error={list.error} />
        ) : (
          <>
            <div ref={topSentinel} className="chat-top" aria-live="polite">
              {isFetchingNextPage ? (
                <span className="muted small">{t('chat.loadingEarlier')}</span>
              ) : !hasNextPage && messages.length > 0 ? (
                <span className="muted small">{t('chat.start')}</span>
              ) : null}
            </div>
            {messages.length === 0 && waiting.length === 0 && (
              <p className="empty chat-empty">{t('chat.empty', { name: conv.with.displayName })}</p>
            )}
            <ol className="chat-list" aria-label={t('chat.messages')}>
              {messages.map((m, i) => {
                const prev = messages[i - 1];
                const day = dayKey(m.createdAt, i18n.language);
                const newDay = !prev || dayKey(prev.createdAt, i18n.language) !== day;
                return (
                  <Fragment key={m.id}>
                    {newDay && (
                      <li className="chat-day">
                        <span>{dayLabel(m.createdAt, i18n.language)}</span>
                      </li>
                    )}
                    <Bubble m={m} mine={m.sender.id === myId} read={readMine?.id === m.id} />
                  </Fragment>
                );
              })}
              {waiting.map((p) => (
                <PendingBubble key={p.clientId} p={p} onRetry={retry} onDiscard={discard} />
              ))}
            </ol>
          </>
        )}
      </div>
      {blocked.blocked ? (
        <BlockedNotice conv={conv} />
      ) : (
        <Composer onSend={send} error={refused ? sendError : undefined} />
      )}
      <ChatMenu conv={conv} open={menu} onClose={onMenuClose} blocked={blocked.blocked} />
    </>
  );
}

function Bubble({ m, mine, read }: { m: MessageView; mine: boolean; read: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <li className={mine ? 'bubble-row mine' : 'bubble-row'}>
      <div className="bubble">
        <span className="visually-hidden">
          {mine ? t('chat.me') : m.sender.displayName}
          {t('chat.said')}
        </span>
        <p className="bubble-body">{m.body}</p>
        <time className="bubble-time" dateTime={m.createdAt}>
          {clock(m.createdAt, i18n.language)}
        </time>
      </div>
      {read && <span className="bubble-status">{t('chat.read')}</span>}
    </li>
  );
}

function PendingBubble({
  p,
  onRetry,
  onDiscard,
}: {
  p: Pending;
  onRetry: (p: Pending) => void;
  onDiscard: (p: Pending) => void;
}) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  return (
    <li className={`bubble-row mine ${p.status}`}>
      <div className="bubble">
        <p className="bubble-body">{p.body}</p>
      </div>
      {p.status === 'sending' ? (
        <span className="bubble-status" role="status">
          {t('chat.sending')}
        </span>
      ) : (
        <span className="bubble-status failed" role="alert">
          {t('chat.failed', { reason: message(p.error) })}
          <button type="button" className="button small ghost" onClick={() => onRetry(p)}>
            {t('chat.retry')}
          </button>
          <button type="button" className="button small ghost" onClick={() => onDiscard(p)}>
            {t('chat.discard')}
          </button>
        </span>
      )}
    </li>
  );
}

const desktop = () =>
  typeof window.matchMedia === 'function' && window.matchMedia('(pointer: fine)').matches;

function Composer({ onSend, error }: { onSend: (body: string) => void; error?: unknown }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const submit = () => {
    const text = body.trim();
    if (!text) return;
    onSend(text);
    setBody('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends on a desktop keyboard (Shift+Enter: a new line); never while an IME composes.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && desktop()) {
      e.preventDefault();
      submit();
    }
  };
  return (
    <form
      className="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {error !== undefined && <ErrorText error={error} />}
      <div className="composer-row">
        <label className="visually-hidden" htmlFor="chat-input">
          {t('chat.placeholder')}
        </label>
        <textarea
          id="chat-input"
          rows={1}
          value={body}
          maxLength={5000}
          placeholder={t('chat.placeholder')}
          enterKeyHint="send"
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button primary" disabled={!body.trim()}>
          {t('chat.send')}
        </button>
      </div>
    </form>
  );
}

function BlockedNotice({ conv }: { conv: ConversationView }) {
  const { t } = useTranslation();
  const setBlocked = useSetBlocked();
  return (
    <div className="chat-composer chat-blocked" role="status">
      <p>
        <Icon name="shield" size={18} />
        {t('chat.youBlocked', { name: conv.with.displayName })}
      </p>
      <button
        type="button"
        className="button small"
        disabled={setBlocked.isPending}
        onClick={() => setBlocked.mutate({ user: conv.with, block: false })}
      >
        {t('blocks.unblock')}
      </button>
      <ErrorText error={setBlocked.error} />
    </div>
  );
}

function ChatMenu({
  conv,
  open,
  onClose,
  blocked,
}: {
  conv: ConversationView;
  open: boolean;
  onClose: () => void;
  blocked: boolean;
}) {
  const { t } = useTranslation();
  const setBlocked = useSetBlocked();
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setConfirming(false);
    setBlocked.reset();
    onClose();
  };
  return (
    <Sheet open={open} onClose={close} title={t('chat.menuTitle', { name: conv.with.displayName })}>
      {confirming ? (
        <div className="chat-confirm">
          <p className="strong">{t('blocks.confirm', { name: conv.with.displayName })}</p>
          <p className="muted small">{t('blocks.effects')}</p>
          <ErrorText error={setBlocked.error} />
          <div className="row-end">
            <button type="button" className="button small" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button small danger"
              disabled={setBlocked.isPending}
              onClick={() =>
                setBlocked.mutate({ user: conv.with, block: true }, { onSuccess: close })
              }
            >
              {t('blocks.block')}
            </button>
          </div>
        </div>
      ) : (
        <ul className="list chat-menu">
          <li>
            <Link to={`/users/${conv.with.id}`} state={{ from: `/messages/${conv.id}` }}>
              {t('chat.profile')}
            </Link>
          </li>
          <li>
            {blocked ? (
              <button
                type="button"
                onClick={() =>
                  setBlocked.mutate({ user: conv.with, block: false }, { onSuccess: close })
                }
              >
                {t('blocks.unblock')}
              </button>
            ) : (
              <button type="button" className="danger" onClick={() => setConfirming(true)}>
                {t('blocks.block')}
              </button>
            )}
          </li>
        </ul>
      )}
    </Sheet>
  );
}
