import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { keys } from '../../api/keys.ts';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { PaySheet } from '../../components/PaySheet.tsx';
import { Time } from '../../components/Time.tsx';
import { yuan } from '../../lib/money.ts';
import { useMe } from '../auth/useSession.ts';
import { payBill, useBill, useCancelBill, useRemindBill, type BillView } from './useBills.ts';
import './bills.css';

/**
 * `/bills/:id`: a split bill — the total, how much is in, and every share paid or not, kept live
 * by the stream (each payment notifies the creator; the notice re-reads the bill). The creator
 * reminds the unpaid or withdraws the bill; someone who owes pays with the PaySheet.
 */
export function BillPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const bill = useBill(id);
  const qc = useQueryClient();
  const remind = useRemindBill(id);
  const cancel = useCancelBill(id);
  const [paying, setPaying] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [reminded, setReminded] = useState(false);

  if (bill.isPending) {
    return (
      <main className="page bill-page">
        <AppBar title={t('bills.bill')} back="/bills" />
        <ListSkeleton rows={4} />
      </main>
    );
  }
  if (bill.isError) {
    return (
      <main className="page bill-page">
        <AppBar title={t('bills.bill')} back="/bills" />
        <div className="empty">
          <ErrorText error={bill.error} />
        </div>
      </main>
    );
  }
  const b = bill.data;
  const myId = me.data?.id;
  const isCreator = b.creator.id === myId;
  const mine = b.shares.find((s) => s.user.id === myId);
  const pending = b.shares.filter((s) => s.status === 'pending');
  const progress = b.totalFen > 0 ? Math.round((b.paidFen / b.totalFen) * 100) : 0;

  return (
    <main className="page bill-page">
      <AppBar title={t('bills.bill')} back="/bills" />
      <section className="card bill-summary" aria-labelledby="bill-title">
        <div className="bill-summary-head">
          <h2 id="bill-title">{b.title}</h2>
          <BillStatus bill={b} />
        </div>
        <p className="muted small">
          {t('bills.by', { name: isCreator ? t('bills.you') : b.creator.displayName })} ·{' '}
          <Time iso={b.createdAt} /> · {b.split === 'equal' ? t('bills.equal') : t('bills.custom')}
        </p>
        <p className="bill-total">{yuan(b.totalFen)}</p>
        <div
          className="bill-progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={b.shareCount}
          aria-valuenow={b.paidCount}
          aria-label={t('bills.paidOf', { paid: b.paidCount, count: b.shareCount })}
        >
          <span style={{ width: `${progress}%` }} />
        </div>
        <p className="small" data-testid="bill-paid">
          {t('bills.paidOf', { paid: b.paidCount, count: b.shareCount })} ·{' '}
          {t('bills.collected', { paid: yuan(b.paidFen), total: yuan(b.totalFen) })}
        </p>
        {b.activityId && (
          <Link to={`/activities/${b.activityId}`} className="bill-activity small">
            <Icon name="calendar" size={16} /> {t('bills.forActivity')}
          </Link>
        )}
      </section>

      {mine && !isCreator && (
        <section className="card bill-mine">
          <p className="muted small">{t('bills.myShare')}</p>
          <p className="bill-mine-amount">{yuan(mine.amountFen)}</p>
          {mine.status === 'paid' ? (
            <p className="bill-paid-note">
              <Icon name="check" size={16} /> {t('bills.youPaid')}
            </p>
          ) : b.status === 'open' ? (
            <button type="button" className="button primary block" onClick={() => setPaying(true)}>
              {t('bills.payMyShare', { amount: yuan(mine.amountFen) })}
            </button>
          ) : null}
        </section>
      )}

      <h2 className="section-title bill-shares-title">{t('bills.shares')}</h2>
      <ul className="list bill-shares" aria-label={t('bills.shares')}>
        {b.shares.map((s) => (
          <li key={s.user.id} className="bill-share" data-testid={`share-${s.user.username}`}>
            <span className="avatar" aria-hidden="true">
              {s.user.displayName.slice(0, 1)}
            </span>
            <span className="bill-share-who">
              <strong className="ellipsis">
                {s.user.displayName}
                {s.user.id === b.creator.id && (
                  <span className="muted small"> · {t('bills.creator')}</span>
                )}
              </strong>
              <span className="muted small">
                {s.status === 'paid' && s.paidAt ? (
                  <>
                    {t('bills.paidAt')} <Time iso={s.paidAt} />
                  </>
                ) : (
                  t('bills.unpaid')
                )}
              </span>
            </span>
            <span className="bill-share-amount">
              {yuan(s.amountFen)}
              <span className={`bill-badge ${s.status}`}>
                {s.status === 'paid' ? t('bills.paid') : t('bills.pending')}
              </span>
            </span>
          </li>
        ))}
      </ul>

      {isCreator && b.status === 'open' && (
        <div className="bill-actions">
          {pending.length > 0 && (
            <button
              type="button"
              className="button primary block"
              disabled={remind.isPending || reminded}
              onClick={() => remind.mutate(undefined, { onSuccess: () => setReminded(true) })}
            >
              <Icon name="bell" size={18} />{' '}
              {reminded ? t('bills.reminded') : t('bills.remind', { count: pending.length })}
            </button>
          )}
          {remind.isError && <ErrorText error={remind.error} />}
          {b.paidCount <= 1 &&
            (confirmCancel ? (
              <div className="bill-cancel-confirm" role="group" aria-label={t('bills.cancel')}>
                <p>{t('bills.cancelConfirm')}</p>
                <div className="bill-cancel-buttons">
                  <button type="button" className="button" onClick={() => setConfirmCancel(false)}>
                    {t('common.cancel')}
                  </button>
                  <button
                    type="button"
                    className="button danger"
                    disabled={cancel.isPending}
                    onClick={() => cancel.mutate()}
                  >
                    {t('bills.cancelYes')}
                  </button>
                </div>
              </div>
            ) : (
              <button
                type="button"
                className="button danger block"
                onClick={() => setConfirmCancel(true)}
              >
                {t('bills.cancel')}
              </button>
            ))}
          {cancel.isError && <ErrorText error={cancel.error} />}
        </div>
      )}

      {mine && (
        <PaySheet
          open={paying}
          title={b.title}
          amountFen={mine.amountFen}
          pay={(pin, key) => payBill(b.id, pin, key)}
          onPaid={(paid) => {
            qc.setQueryData(keys.bill(paid.id), paid);
            void qc.invalidateQueries({ queryKey: keys.billsAll });
            void qc.invalidateQueries({ queryKey: keys.wallet });
            setPaying(false);
          }}
          onClose={() => setPaying(false)}
        />
      )}
    </main>
  );
}

export function BillStatus({ bill }: { bill: BillView }) {
  const { t } = useTranslation();
  return <span className={`bill-status ${bill.status}`}>{t(`bills.status.${bill.status}`)}</span>;
}
