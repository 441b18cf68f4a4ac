import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../../components/Icon.tsx';
import { Sheet } from '../../components/Sheet.tsx';
import {
  useBan,
  useChangeRole,
  useRemoveMember,
  useTransfer,
  type AssignableRole,
  type useGroupAbilities,
} from './useGroupAdmin.ts';
import type { GroupView, MemberView } from './useGroups.ts';

type Step = 'menu' | 'remove' | 'ban' | 'transfer';

/**
 * One member's actions for the group's staff, in a sheet: their role (a radio group; the change
 * shows at once and comes back if refused), then remove, ban or hand over, each behind its own
 * confirmation step naming the person.
 */
export function MemberSheet({
  g,
  m,
  can,
  onClose,
  notice,
}: {
  g: GroupView;
  m: MemberView | null;
  can: ReturnType<typeof useGroupAbilities>;
  onClose: () => void;
  notice: { ok: (text: string) => void; fail: (err: unknown) => void };
}) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>('menu');
  const [reason, setReason] = useState('');
  const changeRole = useChangeRole(g.id);
  // The role being asked for shows in the same render as the tap; the cache's optimistic copy
  // follows a tick later (after pending reads are cancelled) and the server's answer after that.
  const [asked, setAsked] = useState<AssignableRole | null>(null);
  const remove = useRemoveMember(g.id);
  const ban = useBan(g.id);
  const transfer = useTransfer(g.id, can.meId);
  const close = () => {
    setStep('menu');
    setReason('');
    onClose();
  };
  if (!m)
    return (
      <Sheet open={false} onClose={close} labelledBy="member-sheet-title">
        {null}
      </Sheet>
    );
  const name = m.user.displayName;
  const roles = can.assignable(m);
  const canAct = can.canActOn(m);
  const done = (text: string) => () => notice.ok(text);
  const setRole = (role: AssignableRole) => {
    setAsked(role);
    changeRole.mutate(
      { member: m, role },
      {
        onSuccess: done(t('groupAdmin.roleChanged', { name, role: t(`groups.role.${role}`) })),
        onError: notice.fail,
        onSettled: () => setAsked(null),
      },
    );
  };
  const confirm = () => {
    const opts = { onError: notice.fail };
    if (step === 'remove')
      remove.mutate({ member: m }, { ...opts, onSuccess: done(t('groupAdmin.removed', { name })) });
    if (step === 'ban')
      ban.mutate(
        { member: m, reason },
        { ...opts, onSuccess: done(t('groupAdmin.banned', { name })) },
      );
    if (step === 'transfer')
      transfer.mutate(
        { member: m },
        { ...opts, onSuccess: done(t('groupAdmin.transferred', { name })) },
      );
    close();
  };

  return (
    <Sheet open onClose={close} labelledBy="member-sheet-title">
      <div className="member-sheet-head">
        <span className="avatar" aria-hidden="true">
          {name.slice(0, 1)}
        </span>
        <span className="member-name">
          <strong id="member-sheet-title" className="ellipsis">
            {step === 'menu'
              ? t('groupAdmin.manageMember', { name })
              : step === 'remove'
                ? t('groupAdmin.removeTitle', { name })
                : step === 'ban'
                  ? t('groupAdmin.banTitle', { name })
                  : t('groupAdmin.transferConfirmTitle', { name, group: g.name })}
          </strong>
          <span className="muted small ellipsis">
            @{m.user.username} · {t(`groups.role.${m.role}`)}
          </span>
        </span>
        <button
          type="button"
          className="sheet-close"
          aria-label={t('groupAdmin.close')}
          onClick={close}
        >
          <Icon name="close" size={18} />
        </button>
      </div>

      {step === 'menu' ? (
        <>
          {roles.length > 0 && (
            <fieldset className="fieldset role-picker">
              <legend>{t('groupAdmin.role')}</legend>
              {(['member', 'moderator', 'admin'] as const)
                .filter((r) => roles.includes(r))
                .map((r) => (
                  <label key={r} className="role-option">
                    <input
                      type="radio"
                      name="member-role"
                      checked={(asked ?? m.role) === r}
                      onChange={() => setRole(r)}
                    />
                    <span>
                      <strong>{t(`groups.role.${r}`)}</strong>
                      <span className="muted small">{t(`groupAdmin.roleHint.${r}`)}</span>
                    </span>
                  </label>
                ))}
            </fieldset>
          )}
          {canAct ? (
            <div className="sheet-actions">
              {can.isOwner && (
                <button
                  type="button"
                  className="button outline"
                  onClick={() => setStep('transfer')}
                >
                  {t('groupAdmin.transferTo')}
                </button>
              )}
              <button type="button" className="button outline" onClick={() => setStep('remove')}>
                {t('groupAdmin.remove')}
              </button>
              <button
                type="button"
                className="button outline danger"
                onClick={() => setStep('ban')}
              >
                {t('groupAdmin.ban')}
              </button>
            </div>
          ) : (
            <p className="muted small">{t('groupAdmin.noActions')}</p>
          )}
        </>
      ) : (
        <>
          <p className="sheet-text">
            {step === 'remove'
              ? t('groupAdmin.removeBody')
              : step === 'ban'
                ? t('groupAdmin.banBody')
                : t('groupAdmin.transferConfirmBody', { name, group: g.name })}
          </p>
          {step === 'ban' && (
            <label className="field">
              <span>{t('groupAdmin.banReason')}</span>
              <textarea
                rows={2}
                maxLength={200}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </label>
          )}
          <div className="sheet-actions row">
            <button type="button" className="button outline" onClick={() => setStep('menu')}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className={`button ${step === 'transfer' ? 'primary' : 'danger-fill'}`}
              onClick={confirm}
            >
              {step === 'remove'
                ? t('groupAdmin.removeConfirm')
                : step === 'ban'
                  ? t('groupAdmin.banConfirm')
                  : t('groupAdmin.transferConfirm')}
            </button>
          </div>
        </>
      )}
    </Sheet>
  );
}
