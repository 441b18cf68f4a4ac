import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { AdminRow, useSlowLabel } from './AdminParts.tsx';
import { pendingCount, useGroupAbilities, usePendingRequests } from './useGroupAdmin.ts';
import { useGroup, type GroupView } from './useGroups.ts';

/**
 * The group and what the signed-in person may do in it, for every management screen: a skeleton
 * while it loads, the error, or "only staff" for someone without the rank `need`s.
 */
export function StaffOnly({
  id,
  title,
  back,
  need,
  children,
}: {
  id: string;
  title: string;
  back: string;
  need: 'moderator' | 'admin' | 'owner';
  children: (g: GroupView, can: ReturnType<typeof useGroupAbilities>) => ReactNode;
}) {
  const { t } = useTranslation();
  const group = useGroup(id);
  const can = useGroupAbilities(group.data);
  const allowed = need === 'owner' ? can.isOwner : need === 'admin' ? can.isAdmin : can.isModerator;
  return (
    <main className="page group-admin">
      <AppBar title={title} back={back} />
      {group.isPending ? (
        <div className="card admin-head" aria-busy="true" aria-label={t('common.loading')}>
          <span className="skeleton line" />
          <span className="skeleton line short" />
        </div>
      ) : group.isError ? (
        <ErrorText error={group.error} />
      ) : !allowed ? (
        <p className="empty">{t('groupAdmin.notStaff')}</p>
      ) : (
        children(group.data, can)
      )}
    </main>
  );
}

/** `/groups/:id/manage`: everything a group's staff can look after, one row each. */
export function ManagePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  return (
    <StaffOnly id={id} title={t('groupAdmin.title')} back={`/groups/${id}`} need="moderator">
      {(g, can) => <ManageMenu g={g} can={can} />}
    </StaffOnly>
  );
}

function ManageMenu({ g, can }: { g: GroupView; can: ReturnType<typeof useGroupAbilities> }) {
  const { t } = useTranslation();
  const slow = useSlowLabel();
  const pending = usePendingRequests(g.id, can.isAdmin);
  const waiting = pendingCount(pending);
  const base = `/groups/${g.id}`;
  return (
    <>
      <section className="card admin-head" aria-labelledby="admin-group-name">
        <h2 id="admin-group-name" className="admin-group-name">
          {g.name}
        </h2>
        <p className="muted small group-meta">
          <span>{t('groups.members', { count: g.memberCount })}</span>
          <span className={`pill ${g.visibility}`}>
            {g.visibility === 'approval' ? t('groups.approval') : t('groups.public')}
          </span>
          {g.myMembership && (
            <span className="pill">{t(`groups.role.${g.myMembership.role}`)}</span>
          )}
        </p>
      </section>

      <h2 className="admin-section">{t('groupAdmin.sectionPeople')}</h2>
      <ul className="list admin-menu">
        {can.isAdmin && (
          <AdminRow
            to={`${base}/manage/requests`}
            icon={<Icon name="userPlus" />}
            title={t('groupAdmin.requests')}
            detail={
              pending.isPending
                ? t('common.loading')
                : waiting
                  ? t('groupAdmin.requestsWaiting', { n: waiting })
                  : g.visibility === 'public'
                    ? t('groups.visibilityPublic')
                    : t('groupAdmin.requestsNone')
            }
            badge={waiting}
          />
        )}
        <AdminRow
          to={`${base}/members?from=manage`}
          icon={<Icon name="group" />}
          title={t('groupAdmin.membersRoles')}
          detail={t('groupAdmin.membersHint', { count: g.memberCount })}
        />
        <AdminRow
          to={`${base}/manage/bans`}
          icon={<Icon name="ban" />}
          title={t('groupAdmin.bans')}
          detail={t('groupAdmin.bansHint')}
        />
      </ul>

      {can.isAdmin && (
        <>
          <h2 className="admin-section">{t('groupAdmin.sectionSettings')}</h2>
          <ul className="list admin-menu">
            <AdminRow
              to={`${base}/manage/profile`}
              icon={<Icon name="settings" />}
              title={t('groupAdmin.profile')}
              detail={t('groupAdmin.profileHint')}
            />
            <AdminRow
              to={`${base}/manage/rules`}
              icon={<Icon name="reply" />}
              title={t('groupAdmin.rules')}
              detail={t('groupAdmin.rulesHint', {
                slow: slow(g.slowModeSeconds),
                count: g.wordFilter?.length ?? 0,
              })}
            />
          </ul>
        </>
      )}

      <h2 className="admin-section">{t('groupAdmin.sectionContent')}</h2>
      <ul className="list admin-menu">
        <AdminRow
          to={`${base}/reports`}
          icon={<Icon name="flag" />}
          title={t('groupAdmin.reports')}
          detail={t('groupAdmin.reportsHint')}
        />
      </ul>

      {can.isOwner && (
        <>
          <h2 className="admin-section">{t('groupAdmin.sectionOwner')}</h2>
          <ul className="list admin-menu">
            <AdminRow
              to={`${base}/manage/transfer`}
              icon={<Icon name="crown" />}
              title={t('groupAdmin.transfer')}
              detail={t('groupAdmin.transferHint')}
            />
          </ul>
        </>
      )}
    </>
  );
}
