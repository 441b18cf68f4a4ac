import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useLogin, useRegister } from './useSession.ts';

/** Log in or register (the same card; `mode` picks the fields). */
export function AuthPage({ mode }: { mode: 'login' | 'register' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // Said once after leaving: the account was deleted (from 我的数据).
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  const login = useLogin();
  const register = useRegister();
  const mutation = mode === 'login' ? login : register;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  // Only a path of this app, never another origin (an open redirect).
  const next = params.get('next');
  const after = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const done = () =>
      void navigate(mode === 'register' ? '/onboarding' : after, { replace: true });
    if (mode === 'login') login.mutate({ username, password }, { onSuccess: done });
    else register.mutate({ username, password, displayName }, { onSuccess: done });
  };

  return (
    <main className="auth">
      <div className="auth-brand">
        <div className="logo" aria-hidden="true">
          圈
        </div>
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('app.tagline')}</p>
      </div>
      {notice === 'accountDeleted' && (
        <p className="banner auth-notice" role="status">
          {t('auth.deletedNotice')}
        </p>
      )}
      <form className="card auth-card" onSubmit={submit} noValidate={false}>
        <h2>{mode === 'login' ? t('auth.login') : t('auth.register')}</h2>
        <label className="field">
          <span>{t('auth.username')}</span>
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            required
            minLength={mode === 'register' ? 3 : 1}
            maxLength={32}
            pattern={mode === 'register' ? '[A-Za-z0-9_]{3,32}' : undefined}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          {mode === 'register' && <small className="muted">{t('auth.usernameHint')}</small>}
        </label>
        {mode === 'register' && (
          <label className="field">
            <span>{t('auth.displayName')}</span>
            <input
              name="displayName"
              autoComplete="nickname"
              required
              maxLength={40}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          </label>
        )}
        <label className="field">
          <span>{t('auth.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'register' ? 8 : 1}
            maxLength={128}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {mode === 'register' && <small className="muted">{t('auth.passwordHint')}</small>}
        </label>
        <ErrorText error={mutation.error} />
        <button className="button primary block" type="submit" disabled={mutation.isPending}>
          {mode === 'login' ? t('auth.login') : t('auth.register')}
        </button>
        <p className="muted center">
          {mode === 'login' ? t('auth.noAccount') : t('auth.haveAccount')}{' '}
          <Link to={mode === 'login' ? '/register' : '/login'}>
            {mode === 'login' ? t('auth.register') : t('auth.login')}
          </Link>
        </p>
      </form>
    </main>
  );
}
