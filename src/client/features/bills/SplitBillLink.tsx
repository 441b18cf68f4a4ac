import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Icon } from '../../components/Icon.tsx';
import './bills.css';

/**
 * "AA 分账" on an activity's page (for its organizer and attendees, during or after it): opens
 * the split-the-bill form for the activity.
 */
export function SplitBillLink({ activityId }: { activityId: string }) {
  const { t } = useTranslation();
  return (
    <Link
      to={`/bills/new?activityId=${encodeURIComponent(activityId)}`}
      className="button block split-bill-link"
    >
      <Icon name="bill" size={18} /> {t('bills.split')}
    </Link>
  );
}
