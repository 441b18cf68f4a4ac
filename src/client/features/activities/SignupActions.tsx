import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Sheet } from '../../components/Sheet.tsx';
import { yuan } from '../../lib/money.ts';
import { shortDateTime } from '../../lib/time.ts';
import { useCancelSignup, useSignup, type ActivityView } from './useActivity.ts';

/**
 * Sign up, join the waitlist, or give the place up. Giving it up asks first, and says what the
 * refund policy gives back now, as the server worked it out (`mySignup.refundFenIfCancelled`).
 */
export function SignupActions({ a, onPaidSignup }: { a: ActivityView; onPaidSignup?: () => void }) {
  const { t, i18n } = useTranslation();
  const signup = useSignup(a.id);
  const cancel = useCancelSignup(a.id);
  const [asking, setAsking] = useState(false);
  // When the page opened: enough to know whether it has started (the server decides anyway).
  const [now] = useState(() => Date.now());
  if (a.status !== 'published') return null;
  const mine = a.mySignup;
  if (mine) {
    const started = Date.parse(a.startsAt) <= now;
    if (started) return null;
    const paid = a.priceFen > 0 && mine.status === 'confirmed';
    return (
      <div className="signup-actions">
        {paid && (
          <p className="muted small refund-note">
            {mine.refundFenIfCancelled > 0
              ? t('activity.refundUntil', {
                  time: shortDateTime(mine.fullRefundUntil, i18n.language),
                })
              : t('activity.noRefundNow')}
          </p>
        )}
        <button type="button" className="button block" onClick={() => setAsking(true)}>
          {mine.status === 'confirmed' ? t('activity.cancelSignup') : t('activity.leaveWaitlist')}
        </button>
        <Sheet
          open={asking}
          onClose={() => {
            setAsking(false);
            cancel.reset();
          }}
          title={
            mine.status === 'confirmed' ? t('activity.cancelSignup') : t('activity.leaveWaitlist')
          }
        >
          <div className="sheet-body">
            <p className="refund-preview" data-testid="refund-preview">
              {mine.status !== 'confirmed'
                ? t('activity.leaveWaitlistBody')
                : a.priceFen === 0
                  ? t('activity.cancelFreeBody')
                  : mine.refundFenIfCancelled > 0
                    ? t('activity.cancelRefund', { amount: yuan(mine.refundFenIfCancelled) })
                    : t('activity.cancelNoRefund', {
                        time: shortDateTime(mine.fullRefundUntil, i18n.language),
                      })}
            </p>
            <ErrorText error={cancel.error} />
            <div className="sheet-actions">
              <button type="button" className="button" onClick={() => setAsking(false)}>
                {t('activity.keepPlace')}
              </button>
              <button
                type="button"
                className="button act-danger"
                disabled={cancel.isPending}
                onClick={() => cancel.mutate(undefined, { onSuccess: () => setAsking(false) })}
              >
                {cancel.isPending ? t('common.loading') : t('activity.confirmCancel')}
              </button>
            </div>
          </div>
        </Sheet>
      </div>
    );
  }
  if (!a.signupOpen) return null;
  const full = a.spotsLeft === 0;
  const label = full
    ? t('activity.joinWaitlist')
    : a.priceFen > 0
      ? t('activity.payAndSignUp', { amount: yuan(a.priceFen) })
      : t('activity.signUp');
  return (
    <div className="signup-actions">
      <ErrorText error={signup.error} />
      <button
        type="button"
        className="button primary block"
        disabled={signup.isPending}
        onClick={() => (a.priceFen > 0 && onPaidSignup ? onPaidSignup() : signup.mutate())}
      >
        <Icon name={full ? 'history' : 'check'} size={18} />
        {signup.isPending ? t('common.loading') : label}
      </button>
      {full && <p className="muted small">{t('activity.waitlistHint')}</p>}
    </div>
  );
}
