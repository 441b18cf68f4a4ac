import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { displayTimeZone } from '../lib/time.ts';
import { Icon } from './Icon.tsx';
import './pin-pad.css';

export const PIN_LENGTH = 6;

/** "14:35" (or "12月2日 14:35" when it is not today), in the time zone the client shows. */
export function lockTime(iso: string, lang: string, now = Date.now()): string {
  const tz = displayTimeZone(lang);
  const day = (ms: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: tz, dateStyle: 'short' }).format(ms);
  const at = Date.parse(iso);
  return new Intl.DateTimeFormat(lang, {
    timeZone: tz,
    ...(day(at) === day(now) ? {} : { month: 'short', day: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/**
 * A 6-digit PIN pad: its own keys (no text input, so no system keyboard), the digits never shown
 * (six dots fill), physical digit keys and Backspace accepted on a desktop. When the sixth digit
 * is in, `onComplete` gets the PIN; the pad clears itself when `clearSignal` changes (the parent
 * bumps it after a refusal) and whenever it stops being busy.
 *
 * `error` is shown under the dots (e.g. "PIN 错误，还可以再试 3 次"); `lockedUntil` (ISO) disables
 * the keys and says until when, and unlocks by itself when that time passes.
 */
export function PinPad({
  onComplete,
  prompt,
  error,
  lockedUntil,
  busy = false,
  clearSignal,
}: {
  onComplete: (pin: string) => void;
  /** What to enter, e.g. "请输入支付密码". */
  prompt: string;
  error?: string | null;
  lockedUntil?: string | null;
  busy?: boolean;
  clearSignal?: unknown;
}) {
  const { t, i18n } = useTranslation();
  const [digits, setDigits] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const promptId = useId();
  const locked = !!lockedUntil && Date.parse(lockedUntil) > now;
  const disabled = busy || locked;

  // Re-check the lock when it should end (and every half minute, for a long one).
  useEffect(() => {
    if (!lockedUntil) return;
    const left = Date.parse(lockedUntil) - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(left + 250, 30_000));
    return () => clearTimeout(timer);
  }, [lockedUntil, now]);

  // A new attempt starts empty: after a refusal (clearSignal) or when a check ends (busy → false).
  const [seen, setSeen] = useState({ clearSignal, busy });
  if (seen.clearSignal !== clearSignal || seen.busy !== busy) {
    setSeen({ clearSignal, busy });
    if (seen.clearSignal !== clearSignal || !busy) setDigits('');
  }

  const press = useCallback(
    (key: string) => {
      if (disabled) return;
      if (key === 'del') {
        setDigits((d) => d.slice(0, -1));
        return;
      }
      // Discrete events (taps, key presses) re-render between each other, so `digits` is current.
      if (digits.length >= PIN_LENGTH) return;
      const next = digits + key;
      setDigits(next);
      if (next.length === PIN_LENGTH) onComplete(next);
    },
    [digits, disabled, onComplete],
  );

  // Physical keys (desktop): digits and Backspace, unless typing in a real text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (/^[0-9]$/.test(e.key)) {
        e.preventDefault();
        press(e.key);
      } else if (e.key === 'Backspace') {
        e.preventDefault();
        press('del');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [press]);

  return (
    <div className="pin-pad" role="group" aria-labelledby={promptId} aria-busy={busy}>
      <p id={promptId} className="pin-prompt">
        {prompt}
      </p>
      <div
        className="pin-dots"
        role="status"
        aria-label={t('pay.entered', { count: digits.length, total: PIN_LENGTH })}
      >
        {Array.from({ length: PIN_LENGTH }, (_, i) => (
          <span key={i} className={i < digits.length ? 'pin-dot filled' : 'pin-dot'} />
        ))}
      </div>
      <div className="pin-message" aria-live="polite">
        {locked ? (
          <p className="error pin-locked" role="alert">
            <Icon name="lock" size={16} />{' '}
            {t('pay.locked', { time: lockTime(lockedUntil, i18n.language) })}
          </p>
        ) : busy ? (
          <p className="muted pin-busy">{t('pay.checking')}</p>
        ) : error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="pin-keys">
        {['1', '2', '3', '4', '5', '6', '7', '8', '9', '', '0', 'del'].map((k) =>
          k === '' ? (
            <span key="blank" aria-hidden="true" />
          ) : (
            <button
              key={k}
              type="button"
              className={k === 'del' ? 'pin-key del' : 'pin-key'}
              disabled={disabled || (k === 'del' && digits.length === 0)}
              aria-label={k === 'del' ? t('pay.delete') : k}
              onClick={() => press(k)}
            >
              {k === 'del' ? <Icon name="backspace" size={24} /> : k}
            </button>
          ),
        )}
      </div>
    </div>
  );
}
