import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { InfiniteFooter } from '../../components/InfiniteFooter.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { Sheet } from '../../components/Sheet.tsx';
import { PersonLine, useNotice } from './AdminParts.tsx';
import { StaffOnly } from './ManagePage.tsx';
import { useGroupAbilities, useTransfer } from './useGroupAdmin.ts';
import { useMembers, type GroupView, type MemberView } from './useGroups.ts';

/**
 * `/groups/:id/manage/transfer` (the owner): pick the new owner from the members, then confirm in
 * a dialog that names them and says what happens to me.
 */
export function TransferPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  return (
    <StaffOnly
      id={id}
      title={t('groupAdmin.transferTitle')}
      back={`/groups/${id}/manage`}
      need="owner"
    >
      {(g, can) => <Transfer g={g} meId={can.meId} />}
    </StaffOnly>
  );
}

function Transfer({ g, meId }: { g: GroupView; meId: string | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const members = useMembers(g.id);
  const transfer = useTransfer(g.id, meId);
  const notice = useNotice();
  const can = useGroupAbilities(g);
  const [chosen, setChosen] = useState<MemberView | null>(null);
  const items = (members.data?.pages.flatMap((p) => p.items) ?? []).filter(
    (m) => m.user.id !== meId,
  );
  const confirm = () => {
    if (!chosen) return;
    // Not mutate's own callbacks: once the group is re-read I am no longer its owner and this
    // screen unmounts, which would drop them.
    void transfer
      .mutateAsync({ member: chosen })
      .then(() => navigate(`/groups/${g.id}`, { replace: true }), notice.fail);
    setChosen(null);
  };
  return (
    <>
      <p className="admin-intro muted">{t('groupAdmin.transferIntro')}</p>
      {members.isPending ? (
        <ListSkeleton rows={4} />
      ) : members.isError ? (
        <ErrorText error={members.error} />
      ) : items.length === 0 ? (
        <p className="empty">{t('groupAdmin.emptyTransfer')}</p>
      ) : (
        <>
          <ul className="list">
            {items.map((m) => (
              <li key={m.user.id} className="member-row">
                <PersonLine m={m} />
                <button
                  type="button"
                  className="button small outline"
                  aria-label={t('groupAdmin.transferPickLabel', { name: m.user.displayName })}
                  disabled={!can.isOwner || transfer.isPending}
                  onClick={() => setChosen(m)}
                >
                  {t('groupAdmin.transferPick')}
                </button>
              </li>
            ))}
          </ul>
          <InfiniteFooter query={members} />
        </>
      )}
      <Sheet open={chosen !== null} onClose={() => setChosen(null)} labelledBy="transfer-title">
        {chosen && (
          <>
            <h2 id="transfer-title" className="sheet-title">
              {t('groupAdmin.transferConfirmTitle', {
                name: chosen.user.displayName,
                group: g.name,
              })}
            </h2>
            <p className="sheet-text">
              {t('groupAdmin.transferConfirmBody', {
                name: chosen.user.displayName,
                group: g.name,
              })}
            </p>
            <div className="sheet-actions row">
              <button type="button" className="button outline" onClick={() => setChosen(null)}>
                {t('common.cancel')}
              </button>
              <button type="button" className="button primary" onClick={confirm}>
                {t('groupAdmin.transferConfirm')}
              </button>
            </div>
          </>
        )}
      </Sheet>
      {notice.view}
    </>
  );
}
