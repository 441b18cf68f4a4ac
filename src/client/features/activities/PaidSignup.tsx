import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { SignupResponse } from '../../../shared/api/activities.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { PaySheet } from '../../components/PaySheet.tsx';
import { idempotencyHeader } from '../../lib/idempotency.ts';
import type { ActivityView } from './useActivity.ts';

/**
 * A paid sign-up: the PIN pad (PaySheet) charges the price into the activity's escrow and takes
 * the place in one request, under the intent's Idempotency-Key (a retry never charges twice).
 */
export function PaidSignup({
  a,
  open,
  onClose,
}: {
  a: ActivityView;
  open: boolean;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const { t } = useTranslation();
  return (
    <PaySheet
      open={open}
      // Joining a full one's waitlist checks the PIN now and charges only on moving up.
      title={a.spotsLeft === 0 ? t('activity.waitlistPay', { title: a.title }) : a.title}
      amountFen={a.priceFen}
      pay={(pin, key) =>
        api<Static<typeof SignupResponse>>(`/activities/${a.id}/signup`, {
          method: 'POST',
          body: { pin },
          headers: idempotencyHeader(key),
        })
      }
      onPaid={() => {
        onClose();
        void qc.invalidateQueries({ queryKey: keys.activity(a.id) });
        void qc.invalidateQueries({ queryKey: keys.community });
        void qc.invalidateQueries({ queryKey: keys.wallet });
      }}
      onClose={onClose}
    />
  );
}
