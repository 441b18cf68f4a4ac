import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams, useSearchParams } from 'react-router';
import { AppBar } from '../../components/AppBar.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Time } from '../../components/Time.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { useNotice } from './AdminParts.tsx';
import { MemberSheet } from './MemberSheet.tsx';
import { useGroupAbilities } from './useGroupAdmin.ts';
import { useGroup, useMembers } from './useGroups.ts';

/**
 * `/groups/:id/members`: who is in the group, with their roles. The group's staff get a
 * "manage" button on everyone they outrank (role, remove, ban, hand over).
 */
export function MembersPage() {
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const { t } = useTranslation();
  const group = useGroup(id);
  const members = useMembers(id);
  const can = useGroupAbilities(group.data);
  const notice = useNotice();
  const [selected, setSelected] = useState<string | null>(null);
  const items = members.data?.pages.flatMap((p) => p.items) ?? [];
  // A join-request notification links here with ?status=pending: the requests live elsewhere.
  if (search.get('status') === 'pending')
    return <Navigate to={`/groups/${id}/manage/requests`} replace />;
  const fromManage = search.get('from') === 'manage';
  const manageable = (m: (typeof items)[number]) => can.canActOn(m) || can.assignable(m).length > 0;
  return (
    <main className="page members">
      <AppBar
        title={
          fromManage
            ? t('groupAdmin.membersRoles')
            : group.data
              ? t('groups.membersTitle', { name: group.data.name })
              : t('groups.membersLink')
        }
        back={fromManage ? `/groups/${id}/manage` : `/groups/${id}`}
      />
      {group.data?.myMembership?.status === 'member' && !fromManage && (
        <Link className="button block split-bill-link" to={`/bills/new?groupId=${id}`}>
          <Icon name="bill" size={18} /> {t('bills.splitWithMembers')}
        </Link>
      )}
      {members.isPending ? (
        <ListSkeleton />
      ) : members.isError ? (
        <ErrorText error={members.error} />
      ) : items.length === 0 ? (
        <p className="empty">{t('groups.emptyMembers')}</p>
      ) : (
        <>
          <ul className="list">
            {items.map((m) => (
              <li key={m.user.id} className="member-row">
                <span className="avatar" aria-hidden="true">
                  {m.user.displayName.slice(0, 1)}
                </span>
                <span className="member-name">
                  <strong className="ellipsis">
                    <Link to={`/users/${m.user.id}`} className="author-link">
                      {m.user.displayName}
                    </Link>
                    {m.user.id === can.meId && (
                      <span className="muted small"> · {t('groupAdmin.you')}</span>
                    )}
                  </strong>
                  <span className="muted small ellipsis">
                    @{m.user.username} · <Time iso={m.since} />
                  </span>
                </span>
                {m.role !== 'member' && (
                  <span className={`pill role-pill ${m.role}`}>{t(`groups.role.${m.role}`)}</span>
                )}
                {can.isModerator && (
                  <span className="member-manage">
                    {manageable(m) && (
                      <button
                        type="button"
                        className="button small outline"
                        aria-label={t('groupAdmin.manageMember', { name: m.user.displayName })}
                        onClick={() => setSelected(m.user.id)}
                      >
                        {t('groupAdmin.manage')}
                      </button>
                    )}
                  </span>
                )}
              </li>
            ))}
          </ul>
          <InfiniteFooter query={members} />
        </>
      )}
      {group.data && can.isModerator && (
        <MemberSheet
          g={group.data}
          m={items.find((m) => m.user.id === selected) ?? null}
          can={can}
          onClose={() => setSelected(null)}
          notice={notice}
        />
      )}
      {notice.view}
    </main>
  );
}
