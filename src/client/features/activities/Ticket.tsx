import { useTranslation } from 'react-i18next';
import { Icon } from '../../components/Icon.tsx';
import type { ActivityView } from './useActivity.ts';

/**
 * My ticket: the check-in code, large, for the organizer to type (only I ever see it). Once
 * checked in it says so.
 */
export function Ticket({ a }: { a: ActivityView }) {
  const { t } = useTranslation();
  const mine = a.mySignup;
  if (!mine || mine.status !== 'confirmed' || !mine.checkinCode) return null;
  const code = mine.checkinCode;
  return (
    <section className="card ticket" aria-labelledby="ticket-title">
      <h3 id="ticket-title" className="ticket-title">
        <Icon name="ticket" size={18} />
        {t('activity.ticket')}
      </h3>
      {mine.checkedIn ? (
        <p className="ticket-done" role="status">
          <Icon name="check" size={22} />
          {t('activity.checkedIn')}
        </p>
      ) : (
        <>
          <p className="muted small">{t('activity.ticketHint')}</p>
          <p className="ticket-code">
            <span className="visually-hidden">
              {t('activity.codeLabel', { code: code.split('').join(' ') })}
            </span>
            <span aria-hidden="true">{code.slice(0, 3)}</span>
            <span aria-hidden="true">{code.slice(3)}</span>
          </p>
        </>
      )}
    </section>
  );
}
