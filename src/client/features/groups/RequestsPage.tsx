import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { PersonLine, useNotice } from './AdminParts.tsx';
import { StaffOnly } from './ManagePage.tsx';
import { useAnswerRequest, usePendingRequests } from './useGroupAdmin.ts';
import type { GroupView } from './useGroups.ts';

/** `/groups/:id/manage/requests`: join requests, oldest first, approved or declined in place. */
export function RequestsPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  return (
    <StaffOnly
      id={id}
      title={t('groupAdmin.requestsTitle')}
      back={`/groups/${id}/manage`}
      need="admin"
    >
      {(g) => <Requests g={g} />}
    </StaffOnly>
  );
}

function Requests({ g }: { g: GroupView }) {
  const { t } = useTranslation();
  const pending = usePendingRequests(g.id);
  const answer = useAnswerRequest(g.id);
  const notice = useNotice();
  const items = pending.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      {pending.isPending ? (
        <ListSkeleton rows={4} />
      ) : pending.isError ? (
        <ErrorText error={pending.error} />
      ) : items.length === 0 ? (
        <p className="empty">
          {g.visibility === 'public' ? t('groupAdmin.publicGroup') : t('groupAdmin.emptyRequests')}
        </p>
      ) : (
        <>
          <ul className="list" aria-label={t('groupAdmin.requestsTitle')}>
            {items.map((m) => {
              const name = m.user.displayName;
              const act = (approve: boolean) =>
                answer.mutate(
                  { member: m, approve },
                  {
                    onSuccess: () =>
                      notice.ok(
                        t(approve ? 'groupAdmin.approved' : 'groupAdmin.rejected', { name }),
                      ),
                    onError: notice.fail,
                  },
                );
              return (
                <li key={m.user.id} className="member-row request-row">
                  <PersonLine
                    m={m}
                    when={t('groupAdmin.requestedAt')}
                    extra={
                      m.requestMessage ? (
                        <q className="request-message">{m.requestMessage}</q>
                      ) : undefined
                    }
                  />
                  <span className="request-actions">
                    <button
                      type="button"
                      className="button small outline"
                      aria-label={t('groupAdmin.rejectLabel', { name })}
                      onClick={() => act(false)}
                    >
                      {t('groupAdmin.reject')}
                    </button>
                    <button
                      type="button"
                      className="button small primary"
                      aria-label={t('groupAdmin.approveLabel', { name })}
                      onClick={() => act(true)}
                    >
                      {t('groupAdmin.approve')}
                    </button>
                  </span>
                </li>
              );
            })}
          </ul>
          <InfiniteFooter query={pending} />
        </>
      )}
      {notice.view}
    </>
  );
}
