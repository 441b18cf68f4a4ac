import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { Time } from '../../components/Time.tsx';
import { yuan } from '../../lib/money.ts';
import { useMe } from '../auth/useSession.ts';
import { BillStatus } from './BillPage.tsx';
import { useBills } from './useBills.ts';
import './bills.css';

/** `/bills`: the bills I created or am on, newest first, each with what I owe or collect. */
export function BillsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const list = useBills();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <main className="page bills-page">
      <AppBar title={t('bills.mine')} back="/wallet" />
      {list.isPending ? (
        <ListSkeleton rows={4} />
      ) : list.isError ? (
        <div className="empty">
          <ErrorText error={list.error} />
          <button type="button" className="button small" onClick={() => void list.refetch()}>
            {t('common.retry')}
          </button>
        </div>
      ) : items.length === 0 ? (
        <div className="empty">
          <span className="bills-empty-icon" aria-hidden="true">
            <Icon name="bill" size={28} />
          </span>
          <p>{t('bills.empty')}</p>
        </div>
      ) : (
        <>
          <ul className="list" aria-label={t('bills.mine')}>
            {items.map((b) => {
              const mine = b.shares.find((s) => s.user.id === me.data?.id);
              const isCreator = b.creator.id === me.data?.id;
              return (
                <li key={b.id}>
                  <Link to={`/bills/${b.id}`} className="bill-row">
                    <span className="bill-row-icon" aria-hidden="true">
                      <Icon name="bill" />
                    </span>
                    <span className="bill-row-main">
                      <strong className="ellipsis">{b.title}</strong>
                      <span className="muted small">
                        {isCreator
                          ? t('bills.youCollect', { paid: b.paidCount, count: b.shareCount })
                          : mine
                            ? mine.status === 'paid'
                              ? t('bills.youPaidShort', { amount: yuan(mine.amountFen) })
                              : t('bills.youOwe', { amount: yuan(mine.amountFen) })
                            : ''}{' '}
                        · <Time iso={b.createdAt} />
                      </span>
                    </span>
                    <span className="bill-row-end">
                      <span className="bill-row-total">{yuan(b.totalFen)}</span>
                      <BillStatus bill={b} />
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
          <InfiniteFooter query={list} />
        </>
      )}
    </main>
  );
}
