import { useTranslation } from 'react-i18next';
import { AppBar } from '../../components/AppBar.tsx';
import { useParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { Time } from '../../components/Time.tsx';
import { ListSkeleton } from '../inbox/NotificationsTab.tsx';
import { useGroup, useMembers } from './useGroups.ts';

/** `/groups/:id/members`: who is in the group, with their roles. */
export function MembersPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const group = useGroup(id);
  const members = useMembers(id);
  const items = members.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <main className="page members">
      <AppBar
        title={
          group.data ? t('groups.membersTitle', { name: group.data.name }) : t('groups.membersLink')
        }
        back={`/groups/${id}`}
      />
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
                  <strong className="ellipsis">{m.user.displayName}</strong>
                  <span className="muted small">
                    @{m.user.username} · <Time iso={m.since} />
                  </span>
                </span>
                {m.role !== 'member' && <span className="pill">{t(`groups.role.${m.role}`)}</span>}
              </li>
            ))}
          </ul>
          <InfiniteFooter query={members} />
        </>
      )}
    </main>
  );
}
