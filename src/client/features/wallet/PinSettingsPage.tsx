import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/http.ts';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText, useErrorMessage } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { refusalOf } from '../../components/PaySheet.tsx';
import { PinPad } from '../../components/PinPad.tsx';
import { useSetPin, useWallet } from './useWallet.ts';
import './wallet.css';

type Step = 'old' | 'password' | 'new' | 'confirm' | 'done';

/**
 * `/wallet/pin`: set the payment PIN (twice, must match), change it (the old one, then the new
 * one twice), or reset it with the login password when forgotten. Every PIN is typed on the
 * PinPad; the lock-out (5 wrong in a row) is shown with its end time.
 */
export function PinSettingsPage() {
  const { t } = useTranslation();
  const wallet = useWallet();
  const setPin = useSetPin();
  const errorMessage = useErrorMessage();
  const [forgot, setForgot] = useState(false);
  const [step, setStep] = useState<Step | null>(null);
  const [oldPin, setOldPin] = useState<string | undefined>();
  const [password, setPassword] = useState('');
  const [newPin, setNewPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [lockedUntil, setLockedUntil] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  if (wallet.isPending) {
    return (
      <main className="page pin-page">
        <AppBar title={t('wallet.pin')} back="/wallet" />
        <ListSkeleton rows={2} />
      </main>
    );
  }
  if (wallet.isError) {
    return (
      <main className="page pin-page">
        <AppBar title={t('wallet.pin')} back="/wallet" />
        <div className="empty">
          <ErrorText error={wallet.error} />
        </div>
      </main>
    );
  }
  const pinSet = wallet.data.pinSet;
  const current: Step = step ?? (pinSet ? (forgot ? 'password' : 'old') : 'new');
  const locked = lockedUntil ?? wallet.data.pinLockedUntil;
  const title =
    current === 'done'
      ? t('wallet.pin')
      : !pinSet
        ? t('wallet.pinSet')
        : forgot
          ? t('wallet.pinReset')
          : t('wallet.pinChange');

  const fail = (message: string, back: Step) => {
    setError(message);
    setStep(back);
    setAttempt((n) => n + 1);
  };

  const save = (pin: string) => {
    setPin.mutate(
      { pin, ...(forgot ? { password } : oldPin ? { oldPin } : {}) },
      {
        onSuccess: () => {
          setError(null);
          setStep('done');
        },
        onError: (err) => {
          const r = refusalOf(err);
          const first: Step = !pinSet ? 'new' : forgot ? 'password' : 'old';
          if (r.kind === 'locked') {
            setLockedUntil(r.until);
            fail('', first);
          } else if (r.kind === 'wrong_pin') {
            fail(
              r.triesLeft === null
                ? t('errors.wrong_pin')
                : t('wallet.wrongOldPin', { count: r.triesLeft }),
              'old',
            );
          } else if (err instanceof ApiError && err.code === 'wrong_password') {
            const n = err.extra?.triesLeft;
            fail(
              typeof n === 'number'
                ? t('wallet.wrongPassword', { count: n })
                : t('errors.wrong_password'),
              'password',
            );
          } else {
            fail(errorMessage(err), 'confirm');
            setStep('confirm');
          }
        },
      },
    );
  };

  const onPin = (pin: string) => {
    setError(null);
    if (current === 'old') {
      setOldPin(pin);
      setStep('new');
    } else if (current === 'new') {
      setNewPin(pin);
      setStep('confirm');
    } else if (current === 'confirm') {
      if (pin !== newPin) fail(t('wallet.pinMismatch'), 'new');
      else save(pin);
    }
    setAttempt((n) => n + 1);
  };

  const prompt =
    current === 'old'
      ? t('wallet.enterOldPin')
      : current === 'new'
        ? t('wallet.enterNewPin')
        : t('wallet.confirmNewPin');

  return (
    <main className="page pin-page">
      <AppBar title={title} back="/wallet" />
      {current === 'done' ? (
        <section className="card pin-page-done" role="status">
          <span className="done-icon" aria-hidden="true">
            <Icon name="check" size={28} />
          </span>
          <h2>{t('wallet.pinSaved')}</h2>
          <Link to="/wallet" className="button primary">
            {t('wallet.backToWallet')}
          </Link>
        </section>
      ) : current === 'password' ? (
        <form
          className="card pin-password"
          onSubmit={(e) => {
            e.preventDefault();
            if (!password) return;
            setError(null);
            setStep('new');
          }}
        >
          <p className="muted small">{t('wallet.resetExplain')}</p>
          <label className="field">
            <span>{t('wallet.loginPassword')}</span>
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button primary block" disabled={!password}>
            {t('wallet.next')}
          </button>
          <button
            type="button"
            className="button ghost"
            onClick={() => {
              setForgot(false);
              setStep(null);
              setError(null);
            }}
          >
            {t('wallet.rememberPin')}
          </button>
        </form>
      ) : (
        <section className="card">
          <PinPad
            key={current}
            prompt={prompt}
            onComplete={onPin}
            busy={setPin.isPending}
            error={error}
            lockedUntil={locked}
            clearSignal={attempt}
          />
          {pinSet && !forgot && current === 'old' && (
            <button
              type="button"
              className="button ghost pin-forgot"
              onClick={() => {
                setForgot(true);
                setStep('password');
                setError(null);
              }}
            >
              {t('wallet.forgotPin')}
            </button>
          )}
        </section>
      )}
    </main>
  );
}
