import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useErrorMessage } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Time } from '../../components/Time.tsx';
import type { MemberView } from './useGroups.ts';
import './admin.css';

/** A person in an admin list: avatar, name, @username and when (joined, requested, banned). */
export function PersonLine({
  m,
  when,
  extra,
}: {
  m: MemberView;
  when?: string;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <span className="avatar" aria-hidden="true">
        {m.user.displayName.slice(0, 1)}
      </span>
      <span className="member-name">
        <strong className="ellipsis">
          {m.user.displayName}
          {m.role !== 'member' && (
            <span className={`pill role-pill ${m.role}`}>{t(`groups.role.${m.role}`)}</span>
          )}
        </strong>
        <span className="muted small ellipsis">
          @{m.user.username} · {when && <>{when} </>}
          <Time iso={m.since} />
        </span>
        {extra}
      </span>
    </>
  );
}

/**
 * What the last admin action did, as a toast above the bottom edge (it covers nothing that moves):
 * "Approved …" fades after a few seconds; an error (after a rollback) stays until closed or the
 * next action, in a live region either way.
 */
export function useNotice() {
  const message = useErrorMessage();
  const { t } = useTranslation();
  const [notice, setNotice] = useState<{ text: string; error: boolean; n: number } | null>(null);
  useEffect(() => {
    if (!notice || notice.error) return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice]);
  return {
    ok: (text: string) => setNotice((cur) => ({ text, error: false, n: (cur?.n ?? 0) + 1 })),
    fail: (err: unknown) =>
      setNotice((cur) => ({
        text: t('groupAdmin.failed', { error: message(err) }),
        error: true,
        n: (cur?.n ?? 0) + 1,
      })),
    view: (
      <div className="admin-toast-region" role={notice?.error ? 'alert' : 'status'}>
        {notice && (
          <p key={notice.n} className={`admin-toast${notice.error ? ' error' : ''}`}>
            <span>{notice.text}</span>
            {notice.error && (
              <button
                type="button"
                className="admin-toast-close"
                aria-label={t('groupAdmin.close')}
                onClick={() => setNotice(null)}
              >
                <Icon name="close" size={16} />
              </button>
            )}
          </p>
        )}
      </div>
    ),
  };
}

/** A row of the management screen: icon, title, a line of detail, maybe a badge, a chevron. */
export function AdminRow({
  to,
  icon,
  title,
  detail,
  badge,
}: {
  to: string;
  icon: ReactNode;
  title: string;
  detail: string;
  badge?: string | null;
}) {
  return (
    <li>
      <Link className="admin-row" to={to}>
        <span className="admin-row-icon" aria-hidden="true">
          {icon}
        </span>
        <span className="admin-row-text">
          <strong>{title}</strong>
          <span className="muted small">{detail}</span>
        </span>
        {badge && <span className="badge">{badge}</span>}
        <span className="admin-row-chevron" aria-hidden="true">
          <Icon name="chevron" size={18} />
        </span>
      </Link>
    </li>
  );
}

/** "30 s", "5 min", "1 h", or "off": how slow mode reads everywhere. */
export function useSlowLabel() {
  const { t } = useTranslation();
  return (s: number) =>
    s === 0
      ? t('groupAdmin.slowOff')
      : s % 3600 === 0
        ? t('groupAdmin.hours', { count: s / 3600 })
        : s % 60 === 0
          ? t('groupAdmin.minutes', { count: s / 60 })
          : t('groupAdmin.seconds', { count: s });
}
