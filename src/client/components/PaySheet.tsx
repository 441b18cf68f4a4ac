import { useRef, useState, type JSX } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../api/http.ts';
import { useIntentKey } from '../lib/idempotency.ts';
import { yuan } from '../lib/money.ts';
import { useErrorMessage } from './ErrorText.tsx';
import { PinPad } from './PinPad.tsx';
import { Sheet } from './Sheet.tsx';
import './pay-sheet.css';

type Refusal =
  | { kind: 'wrong_pin'; triesLeft: number | null }
  | { kind: 'locked'; until: string }
  | { kind: 'pin_not_set' }
  | { kind: 'insufficient_funds' }
  | { kind: 'network' }
  | { kind: 'other'; error: unknown };

/** How a failed payment reads; the server's details carry the tries left and the lock's end. */
export function refusalOf(err: unknown): Refusal {
  if (!(err instanceof ApiError)) return { kind: 'other', error: err };
  const code = err.code;
  if (code === 'network_error') return { kind: 'network' };
  if (code === 'wrong_pin') {
    const n = err.extra?.triesLeft;
    return { kind: 'wrong_pin', triesLeft: typeof n === 'number' ? n : null };
  }
  if (code === 'pin_locked') {
    const until = err.extra?.lockedUntil;
    return {
      kind: 'locked',
      until: typeof until === 'string' ? until : new Date(Date.now() + 15 * 60_000).toISOString(),
    };
  }
  if (code === 'pin_not_set' || code === 'insufficient_funds') return { kind: code };
  return { kind: 'other', error: err };
}

/**
 * The bottom sheet in which a payment is confirmed with the PIN: what is paid for, the amount,
 * the PIN pad. On the sixth digit it calls `pay(pin, key)` once — taps while a request is in
 * flight start nothing. The key is the intent's (lib/idempotency.ts): a network failure keeps it
 * and offers a retry with the same PIN and key, so a dropped response never charges twice; a
 * success or a definite refusal ends the intent.
 */
export function PaySheet<T>(props: {
  open: boolean;
  /** What is paid for, e.g. the activity's title. */
  title: string;
  amountFen: number;
  /** Throws ApiError on refusal. */
  pay: (pin: string, idempotencyKey: string) => Promise<T>;
  onPaid: (result: T) => void;
  onClose: () => void;
}): JSX.Element {
  const { open, title, amountFen, pay, onPaid, onClose } = props;
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const intent = useIntentKey();
  const inFlight = useRef(false);
  const lastPin = useRef<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [attempt, setAttempt] = useState(0);

  // Another payment (a different thing or amount) is another intent; each opening starts clean,
  // except that a lock stays shown and an unresolved intent (a network failure) keeps its key.
  const what = `${title}\u0000${amountFen}`;
  const scope = useRef(what);
  const [seen, setSeen] = useState({ what, open });
  if (seen.what !== what || seen.open !== open) {
    setSeen({ what, open });
    if (seen.what !== what) setRefusal(null);
    else if (open) setRefusal((r) => (r?.kind === 'locked' || r?.kind === 'network' ? r : null));
  }

  const submit = async (pin: string) => {
    if (inFlight.current) return; // a double tap never starts a second request
    inFlight.current = true;
    if (scope.current !== what) {
      scope.current = what;
      intent.renew();
    }
    lastPin.current = pin;
    setBusy(true);
    setRefusal(null);
    try {
      const result = await pay(pin, intent.get());
      intent.renew();
      lastPin.current = null;
      onPaid(result);
    } catch (err) {
      const r = refusalOf(err);
      // Only a network failure leaves the outcome unknown: keep the key (and PIN) for the retry.
      if (r.kind !== 'network') {
        intent.renew();
        lastPin.current = null;
      }
      setRefusal(r);
      setAttempt((n) => n + 1);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const retry = () => {
    if (lastPin.current) void submit(lastPin.current);
  };

  const pinError =
    refusal?.kind === 'wrong_pin'
      ? refusal.triesLeft === null
        ? t('errors.wrong_pin')
        : t('pay.wrongPin', { count: refusal.triesLeft })
      : refusal?.kind === 'other'
        ? errorMessage(refusal.error)
        : null;

  return (
    <Sheet open={open} onClose={onClose} title={t('pay.title')}>
      <div className="pay-sheet">
        <div className="pay-what">
          <p className="pay-for">{title}</p>
          <p className="pay-amount">{yuan(amountFen)}</p>
        </div>
        {refusal?.kind === 'network' ? (
          <div className="pay-blocked" role="alert">
            <p>{t('pay.networkError')}</p>
            <button type="button" className="button primary block" disabled={busy} onClick={retry}>
              {busy ? t('pay.checking') : t('pay.retry')}
            </button>
          </div>
        ) : refusal?.kind === 'pin_not_set' ? (
          <div className="pay-blocked" role="alert">
            <p>{t('pay.pinNotSet')}</p>
            <Link to="/wallet/pin" className="button primary block">
              {t('pay.setPin')}
            </Link>
          </div>
        ) : refusal?.kind === 'insufficient_funds' ? (
          <div className="pay-blocked" role="alert">
            <p>{t('pay.insufficient')}</p>
            <Link to="/wallet?topup=1" className="button primary block">
              {t('pay.topUp')}
            </Link>
          </div>
        ) : (
          <PinPad
            prompt={t('pay.enterPin')}
            onComplete={(pin) => void submit(pin)}
            busy={busy}
            error={pinError}
            lockedUntil={refusal?.kind === 'locked' ? refusal.until : null}
            clearSignal={attempt}
          />
        )}
      </div>
    </Sheet>
  );
}
