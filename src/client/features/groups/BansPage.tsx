import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { PersonLine, useNotice } from './AdminParts.tsx';
import { StaffOnly } from './ManagePage.tsx';
import { useBans, useUnban } from './useGroupAdmin.ts';
import type { GroupView } from './useGroups.ts';

/** `/groups/:id/manage/bans`: who is banned (and why, for admins); a ban lifted in place. */
export function BansPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  return (
    <StaffOnly
      id={id}
      title={t('groupAdmin.bansTitle')}
      back={`/groups/${id}/manage`}
      need="moderator"
    >
      {(g) => <Bans g={g} />}
    </StaffOnly>
  );
}

function Bans({ g }: { g: GroupView }) {
  const { t } = useTranslation();
  const bans = useBans(g.id);
  const unban = useUnban(g.id);
  const notice = useNotice();
  const items = bans.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      {bans.isPending ? (
        <ListSkeleton rows={4} />
      ) : bans.isError ? (
        <ErrorText error={bans.error} />
      ) : items.length === 0 ? (
        <p className="empty">{t('groupAdmin.emptyBans')}</p>
      ) : (
        <>
          <ul className="list" aria-label={t('groupAdmin.bansTitle')}>
            {items.map((m) => (
              <li key={m.user.id} className="member-row">
                <PersonLine
                  m={m}
                  when={t('groupAdmin.bannedAt')}
                  extra={
                    m.banReason ? (
                      <span className="small ban-reason">
                        {t('groupAdmin.reason', { reason: m.banReason })}
                      </span>
                    ) : undefined
                  }
                />
                <button
                  type="button"
                  className="button small outline"
                  aria-label={t('groupAdmin.unbanLabel', { name: m.user.displayName })}
                  onClick={() =>
                    unban.mutate(
                      { member: m },
                      {
                        onSuccess: () =>
                          notice.ok(t('groupAdmin.unbanned', { name: m.user.displayName })),
                        onError: notice.fail,
                      },
                    )
                  }
                >
                  {t('groupAdmin.unban')}
                </button>
              </li>
            ))}
          </ul>
          <InfiniteFooter query={bans} />
        </>
      )}
      {notice.view}
    </>
  );
}
