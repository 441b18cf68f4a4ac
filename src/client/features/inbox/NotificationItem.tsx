import { useTranslation } from 'react-i18next';
import { Icon, type IconName } from '../../components/Icon.tsx';
import { Time } from '../../components/Time.tsx';
import { yuan } from '../../lib/money.ts';
import type { NotificationView } from './useInbox.ts';

function iconOf(type: string): IconName {
  if (type === 'post.mention') return 'at';
  if (type === 'post.reaction') return 'heart';
  if (type.startsWith('post.')) return 'reply';
  if (type.startsWith('group.')) return 'group';
  if (type.startsWith('activity.')) return 'calendar';
  if (type.startsWith('payment.')) return 'wallet';
  if (type.startsWith('bill.')) return 'bill';
  if (type.startsWith('moderation.')) return 'shield';
  return 'bell';
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** One notification as the API folds it ("A 等 3 人…"): text from its type, never from HTML. */
export function NotificationItem({
  n,
  onOpen,
}: {
  n: NotificationView;
  onOpen: (n: NotificationView) => void;
}) {
  const { t, i18n } = useTranslation();
  const actor = n.actor?.displayName ?? '';
  const title = text(n.data.threadTitle) || text(n.data.title);
  const emoji = text(n.data.emoji);
  const amount = typeof n.data.amountFen === 'number' ? yuan(Math.abs(n.data.amountFen)) : '';
  const many = n.actorCount > 1 && i18n.exists(`notification.${n.type}_many`);
  const key = i18n.exists(`notification.${n.type}`)
    ? `notification.${n.type}${many ? '_many' : ''}`
    : 'notification.other';
  return (
    <li>
      <button
        type="button"
        className={`notification${n.read ? '' : ' unread'}`}
        onClick={() => onOpen(n)}
      >
        <span className={`notification-icon ${n.type.split('.')[0]}`} aria-hidden="true">
          <Icon name={iconOf(n.type)} />
        </span>
        <span className="notification-body">
          <span className="notification-text">
            {t(key, { actor, title, emoji, amount, count: n.actorCount - 1 })}
          </span>
          <span className="muted small">
            <Time iso={n.createdAt} />
          </span>
        </span>
        {!n.read && <span className="dot" aria-label={t('inbox.unreadBadge', { count: 1 })} />}
      </button>
    </li>
  );
}
