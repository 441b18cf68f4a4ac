import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { PublicProfile } from '../../../shared/api/accounts.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { CITIES } from '../../lib/cities.ts';
import { useMe } from '../auth/useSession.ts';
import { useStartConversation } from '../chat/useChat.ts';
import { useIsBlocked, useSetBlocked } from '../settings/useBlocks.ts';
import '../settings/blocks.css';

/** `/users/:id`: someone's public profile, and blocking or unblocking them. */
export function UserPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  // Back to where the person came from (the block list, an activity), else the inbox.
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  const profile = useQuery({
    queryKey: keys.user(id),
    queryFn: () => api<PublicProfile>(`/users/${id}`),
  });
  return (
    <main className="page user-page">
      <AppBar title={t('blocks.profile')} back={from} />
      {profile.isPending ? (
        <div className="card user-card" aria-busy="true">
          <span className="visually-hidden" role="status">
            {t('common.loading')}
          </span>
          <span className="skeleton circle" style={{ width: 72, height: 72 }} />
          <span className="skeleton line" style={{ width: 120 }} />
          <span className="skeleton line short" style={{ width: 80 }} />
        </div>
      ) : profile.isError ? (
        <div className="empty">
          <ErrorText error={profile.error} />
        </div>
      ) : (
        <Profile p={profile.data} />
      )}
    </main>
  );
}

function Profile({ p }: { p: PublicProfile }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [avatarFailed, setAvatarFailed] = useState(false);
  const self = me.data?.id === p.id;
  const city = CITIES.find((c) => c.id === p.homeCity);
  const cityName = city && i18n.language === 'en' ? city.en : p.homeCity;
  return (
    <>
      <section className="card user-card">
        {p.avatarUrl && !avatarFailed ? (
          <img
            className="avatar large"
            src={p.avatarUrl}
            alt=""
            referrerPolicy="no-referrer"
            onError={() => setAvatarFailed(true)}
          />
        ) : (
          <span className="avatar large" aria-hidden="true">
            {p.displayName.slice(0, 1)}
          </span>
        )}
        <h2>{p.displayName}</h2>
        <p className="muted small">
          @{p.username}
          {cityName && ` · ${t('blocks.homeCity', { city: cityName })}`}
        </p>
        {p.bio && <p className="bio">{p.bio}</p>}
      </section>
      {self ? (
        <div className="user-actions">
          <p className="muted small center">{t('blocks.self')}</p>
          <Link className="button" to="/me/edit">
            {t('me.edit')}
          </Link>
        </div>
      ) : (
        <>
          <MessageButton p={p} />
          <BlockControl p={p} />
        </>
      )}
    </>
  );
}

/** 发消息: opens (or reopens) our conversation and goes to it; a refusal is said here. */
function MessageButton({ p }: { p: PublicProfile }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const start = useStartConversation();
  // While I block them we cannot message each other: only 移出黑名单 is offered.
  const blocked = useIsBlocked(p.id);
  if (blocked.blocked) return null;
  return (
    <div className="user-actions">
      <button
        type="button"
        className="button primary"
        disabled={start.isPending}
        onClick={() => start.mutate(p.id, { onSuccess: (c) => void navigate(`/messages/${c.id}`) })}
      >
        {t('chat.message')}
      </button>
      <ErrorText error={start.error} />
    </div>
  );
}

/** Block (after a confirmation that says what it does) or unblock. */
function BlockControl({ p }: { p: PublicProfile }) {
  const { t } = useTranslation();
  const state = useIsBlocked(p.id);
  const setBlocked = useSetBlocked();
  const [confirming, setConfirming] = useState(false);
  const user = { id: p.id, username: p.username, displayName: p.displayName };
  if (!state.known) {
    return state.error ? (
      <ErrorText error={state.error} />
    ) : (
      <div className="user-actions" aria-busy="true">
        <span className="skeleton" style={{ height: 44, borderRadius: 22 }} />
      </div>
    );
  }
  if (state.blocked) {
    return (
      <div className="user-actions">
        <p className="blocked-note" role="status">
          <Icon name="shield" size={18} />
          {t('blocks.blocked')}
        </p>
        <button
          type="button"
          className="button"
          disabled={setBlocked.isPending}
          onClick={() => setBlocked.mutate({ user, block: false })}
        >
          {t('blocks.unblock')}
        </button>
        <ErrorText error={setBlocked.error} />
      </div>
    );
  }
  if (confirming) {
    return (
      <section className="card block-confirm" aria-labelledby="block-q">
        <h2 id="block-q">{t('blocks.confirm', { name: p.displayName })}</h2>
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
              setBlocked.mutate({ user, block: true }, { onSuccess: () => setConfirming(false) })
            }
          >
            {t('blocks.block')}
          </button>
        </div>
      </section>
    );
  }
  return (
    <div className="user-actions">
      <button
        type="button"
        className="button danger"
        onClick={() => {
          setBlocked.reset();
          setConfirming(true);
        }}
      >
        {t('blocks.block')}
      </button>
    </div>
  );
}
