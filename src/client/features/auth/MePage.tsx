import { useTranslation } from 'react-i18next';
import { AppBar } from '../../components/AppBar.tsx';
import { Link, useNavigate } from 'react-router';
import { LANGUAGES, setLanguage, type Language } from '../../i18n/index.ts';
import { useLogout, useMe } from './useSession.ts';

/** The signed-in person's page: who, language, interests, log out. */
export function MePage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const user = me.data;
  return (
    <main className="page">
      <AppBar title={t('me.title')} back="/" />
      {user && (
        <section className="card profile">
          <span className="avatar large" aria-hidden="true">
            {user.displayName.slice(0, 1)}
          </span>
          <div>
            <strong>{user.displayName}</strong>
            <p className="muted small">@{user.username}</p>
            {user.bio && <p>{user.bio}</p>}
          </div>
        </section>
      )}
      <section className="card settings">
        <Link to="/wallet" className="settings-row">
          {t('wallet.entry')} <span aria-hidden="true">›</span>
        </Link>
        <Link to="/me/edit" className="settings-row">
          {t('me.edit')} <span aria-hidden="true">›</span>
        </Link>
        <Link to="/onboarding" className="settings-row">
          {t('me.interests')} <span aria-hidden="true">›</span>
        </Link>
        <Link to="/me/notifications" className="settings-row">
          {t('me.notifications')} <span aria-hidden="true">›</span>
        </Link>
        <Link to="/me/blocks" className="settings-row">
          {t('blocks.title')} <span aria-hidden="true">›</span>
        </Link>
        <Link to="/me/data" className="settings-row">
          {t('myData.title')} <span aria-hidden="true">›</span>
        </Link>
        <label className="settings-row">
          {t('me.language')}
          <select
            value={i18n.language}
            onChange={(e) => void setLanguage(e.target.value as Language)}
          >
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {l === 'zh-CN' ? '简体中文' : 'English'}
              </option>
            ))}
          </select>
        </label>
      </section>
      {user?.role === 'operator' && (
        <section className="card settings">
          <Link to="/operator" className="settings-row">
            <span>
              {t('operator.entry')}
              <span className="muted small settings-hint">{t('operator.entryHint')}</span>
            </span>
            <span aria-hidden="true">›</span>
          </Link>
        </section>
      )}
      <button
        type="button"
        className="button danger block"
        disabled={logout.isPending}
        onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login') })}
      >
        {t('auth.logout')}
      </button>
    </main>
  );
}
