import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/http.ts';
import { useErrorMessage } from '../../components/ErrorText.tsx';
import { Sheet } from '../../components/Sheet.tsx';
import { useIntentKey } from '../../lib/idempotency.ts';
import { yuan } from '../../lib/money.ts';
import { parseYuan } from '../../lib/money.ts';
import { useTopup } from './useWallet.ts';

const PRESETS_FEN = [5_000, 10_000, 20_000, 50_000];
const MAX_FEN = 500_000;

/**
 * The sandbox top-up: presets or a custom amount in yuan. One Idempotency-Key per intent: a
 * retry after a network failure sends the same key (so it tops up once), and a new amount or a
 * finished top-up starts a new intent.
 */
export function TopupSheet({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const topup = useTopup();
  const intent = useIntentKey();
  const [preset, setPreset] = useState<number | null>(10_000);
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<number | null>(null);
  const amountFen = preset ?? parseYuan(custom);
  const invalid = amountFen === null || amountFen < 1 || amountFen > MAX_FEN;

  const choose = (fen: number | null, text = '') => {
    // Another amount is another intent (the same key with another body would be refused).
    intent.renew();
    setPreset(fen);
    setCustom(text);
    setError(null);
    setDone(null);
  };

  const submit = () => {
    if (invalid || topup.isPending) return;
    setError(null);
    topup.mutate(
      { amountFen, key: intent.get() },
      {
        onSuccess: (r) => {
          intent.renew();
          setDone(r.amountFen);
        },
        onError: (err) => {
          if (!(err instanceof ApiError && err.code === 'network_error')) intent.renew();
          setError(err);
        },
      },
    );
  };

  const network = error instanceof ApiError && error.code === 'network_error';
  return (
    <Sheet
      open={open}
      onClose={() => {
        setDone(null);
        setError(null);
        onClose();
      }}
      title={t('wallet.topupTitle')}
    >
      <form
        className="topup"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <p className="muted small">{t('wallet.sandboxNote')}</p>
        <div className="topup-presets" role="radiogroup" aria-label={t('wallet.amount')}>
          {PRESETS_FEN.map((fen) => (
            <button
              key={fen}
              type="button"
              role="radio"
              aria-checked={preset === fen}
              className={preset === fen ? 'topup-preset chosen' : 'topup-preset'}
              onClick={() => choose(fen)}
            >
              {yuan(fen)}
            </button>
          ))}
        </div>
        <label className="field">
          <span>{t('wallet.customAmount')}</span>
          <input
            inputMode="decimal"
            autoComplete="off"
            placeholder={t('wallet.customPlaceholder')}
            value={custom}
            onChange={(e) => choose(null, e.target.value)}
            aria-invalid={preset === null && custom !== '' && invalid}
          />
        </label>
        {preset === null && custom !== '' && invalid && (
          <p className="error">{t('wallet.amountRange', { max: yuan(MAX_FEN) })}</p>
        )}
        {done !== null && (
          <p className="topup-done" role="status">
            {t('wallet.topupDone', { amount: yuan(done) })}
          </p>
        )}
        {error !== null && (
          <p className="error" role="alert">
            {network ? t('wallet.topupNetwork') : errorMessage(error)}
          </p>
        )}
        <button
          type="submit"
          className="button primary block"
          disabled={invalid || topup.isPending}
        >
          {topup.isPending
            ? t('common.loading')
            : network
              ? t('pay.retry')
              : t('wallet.topupConfirm', { amount: invalid ? '' : yuan(amountFen) })}
        </button>
      </form>
    </Sheet>
  );
}
