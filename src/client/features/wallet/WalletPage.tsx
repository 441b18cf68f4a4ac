import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { Time } from '../../components/Time.tsx';
import { yuan } from '../../lib/money.ts';
import { TopupSheet } from './TopupSheet.tsx';
import { useTransactions, useWallet, type TransactionView } from './useWallet.ts';
import './wallet.css';

/** "+¥38.50" / "−¥38.50": the sign says in or out; the amount is exact to the fen. */
export const signedYuan = (fen: number) => `${fen < 0 ? '−' : '+'}${yuan(Math.abs(fen))}`;

/** `/wallet`: the balance, top-up, PIN settings, my bills, and every movement. */
export function WalletPage() {
  const { t } = useTranslation();
  const wallet = useWallet();
  const tx = useTransactions();
  const [params, setParams] = useSearchParams();
  const [topupOpen, setTopupOpen] = useState(params.get('topup') === '1');
  const items = tx.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <main className="page wallet-page">
      <AppBar title={t('wallet.title')} back="/me" />
      <section className="card wallet-balance" aria-labelledby="wallet-balance-label">
        <p id="wallet-balance-label" className="muted small">
          {t('wallet.balance')}
        </p>
        {wallet.isPending ? (
          <p className="wallet-amount skeleton" aria-busy="true">
            &nbsp;
          </p>
        ) : wallet.isError ? (
          <ErrorText error={wallet.error} />
        ) : (
          <p className="wallet-amount" data-testid="balance">
            {yuan(wallet.data.balanceFen)}
          </p>
        )}
        {wallet.data?.pinLocked && (
          <p className="error small">
            <Icon name="lock" size={14} /> {t('wallet.pinLockedNote')}
          </p>
        )}
        <button type="button" className="button primary" onClick={() => setTopupOpen(true)}>
          {t('wallet.topup')}
        </button>
      </section>
      <nav className="card settings wallet-links" aria-label={t('wallet.title')}>
        <Link to="/wallet/pin" className="settings-row">
          <span className="wallet-link-label">
            <Icon name="lock" /> {t('wallet.pin')}
          </span>
          <span className="muted small">
            {wallet.data && (wallet.data.pinSet ? t('wallet.pinIsSet') : t('wallet.pinNotSet'))}{' '}
            <span aria-hidden="true">›</span>
          </span>
        </Link>
        <Link to="/bills" className="settings-row">
          <span className="wallet-link-label">
            <Icon name="bill" /> {t('bills.mine')}
          </span>
          <span aria-hidden="true">›</span>
        </Link>
      </nav>
      <h2 className="section-title wallet-tx-title">{t('wallet.transactions')}</h2>
      {tx.isPending ? (
        <ListSkeleton rows={4} />
      ) : tx.isError ? (
        <div className="empty">
          <ErrorText error={tx.error} />
          <button type="button" className="button small" onClick={() => void tx.refetch()}>
            {t('common.retry')}
          </button>
        </div>
      ) : items.length === 0 ? (
        <div className="empty">
          <p>{t('wallet.noTransactions')}</p>
        </div>
      ) : (
        <>
          <ul className="list wallet-tx" aria-label={t('wallet.transactions')}>
            {items.map((x) => (
              <TransactionRow key={x.id} x={x} />
            ))}
          </ul>
          <InfiniteFooter query={tx} />
        </>
      )}
      <TopupSheet
        open={topupOpen}
        onClose={() => {
          setTopupOpen(false);
          if (params.has('topup')) setParams({}, { replace: true });
        }}
      />
    </main>
  );
}

function TransactionRow({ x }: { x: TransactionView }) {
  const { t, i18n } = useTranslation();
  const purposeKey = `wallet.purpose.${x.purpose}`;
  const purpose = i18n.exists(purposeKey) ? t(purposeKey) : x.purpose;
  const cp = x.counterparty;
  const who =
    cp?.user?.displayName ??
    (cp?.kind === 'sandbox_funding'
      ? t('wallet.sandbox')
      : cp?.kind === 'platform_fee'
        ? t('wallet.platform')
        : cp?.kind === 'escrow'
          ? t('wallet.escrow')
          : '');
  // What it was for, linked: the activity (its escrow) or the bill.
  const link =
    cp?.kind === 'escrow'
      ? `/activities/${cp.id}`
      : x.purpose === 'bill_payment' && x.reference
        ? `/bills/${x.reference}`
        : null;
  const incoming = x.amountFen > 0;
  return (
    <li className="wallet-tx-row">
      <span className={incoming ? 'wallet-tx-icon in' : 'wallet-tx-icon'} aria-hidden="true">
        <Icon
          name={x.purpose === 'bill_payment' ? 'bill' : x.purpose === 'topup' ? 'plus' : 'wallet'}
        />
      </span>
      <span className="wallet-tx-main">
        <strong className="ellipsis">
          {purpose}
          {who && <span className="muted wallet-tx-who"> · {who}</span>}
        </strong>
        {x.title &&
          (link ? (
            <Link to={link} className="wallet-tx-for ellipsis">
              {x.title}
            </Link>
          ) : (
            <span className="wallet-tx-for ellipsis">{x.title}</span>
          ))}
        <span className="muted small">
          <Time iso={x.createdAt} />
        </span>
      </span>
      <span className={incoming ? 'wallet-tx-amount in' : 'wallet-tx-amount'}>
        {signedYuan(x.amountFen)}
      </span>
    </li>
  );
}
