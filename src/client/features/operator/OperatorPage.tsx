import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet } from 'react-router';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { useMe } from '../auth/useSession.ts';
import '../forum/moderation.css';
import '../moderation/reports.css';
import './operator.css';

const SECTIONS = ['reports', 'bans', 'promotions', 'figures'] as const;

/**
 * `/operator`: the operator's console — the global report queue, site bans, promotions and the
 * figures, one tab each (`/operator/<section>`). Others are told it is not for them.
 */
export function OperatorPage() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) {
    return (
      <main className="page operator-page">
        <AppBar title={t('operator.title')} back="/me" />
        <ListSkeleton />
      </main>
    );
  }
  if (me.isError) {
    return (
      <main className="page operator-page">
        <AppBar title={t('operator.title')} back="/me" />
        <div className="empty">
          <ErrorText error={me.error} />
        </div>
      </main>
    );
  }
  if (me.data?.role !== 'operator') {
    return (
      <main className="page operator-page">
        <AppBar title={t('operator.title')} back="/me" />
        <div className="empty op-denied">
          <span className="op-denied-icon" aria-hidden="true">
            <Icon name="shield" size={30} />
          </span>
          <h2>{t('operator.denied.title')}</h2>
          <p>{t('operator.denied.body')}</p>
          <div className="empty-actions">
            <Link className="button ghost small" to="/me">
              {t('operator.denied.back')}
            </Link>
          </div>
        </div>
      </main>
    );
  }
  return (
    <main className="page operator-page">
      <AppBar title={t('operator.title')} back="/me" />
      <nav className="op-tabs" aria-label={t('operator.sections')}>
        {SECTIONS.map((s) => (
          <NavLink key={s} to={`/operator/${s}`} className="op-tab">
            {t(`operator.tabs.${s}`)}
          </NavLink>
        ))}
      </nav>
      <Suspense fallback={<ListSkeleton rows={3} />}>
        <Outlet />
      </Suspense>
    </main>
  );
}
