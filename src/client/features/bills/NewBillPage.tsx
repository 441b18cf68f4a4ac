import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ListSkeleton } from '../../components/ListSkeleton.tsx';
import { yuan } from '../../lib/money.ts';
import { useMe } from '../auth/useSession.ts';
import { parseYuan } from '../../lib/money.ts';
import { equalShares } from '../wallet/amount.ts';
import {
  useAttendees,
  useBillActivity,
  useCreateBill,
  useGroupMembersForBill,
  type Person,
} from './useBills.ts';
import './bills.css';

const MAX_TOTAL_FEN = 10_000_000;

/**
 * `/bills/new?activityId=…` or `?groupId=…`: split a bill among an activity's attendees (its
 * organizer picks them; an attendee splits among everyone attending) or chosen group members,
 * equally (the server's rule: ⌊total / n⌋ each, the remainder on the creator) or with custom
 * shares that must add up to the total. The split is shown live as it is typed.
 */
export function NewBillPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const activityId = params.get('activityId');
  const groupId = activityId ? null : params.get('groupId');
  const me = useMe();
  const activity = useBillActivity(activityId);
  const isOrganizer = !!activityId && activity.data?.organizer.id === me.data?.id;
  const attendees = useAttendees(activityId, isOrganizer);
  const members = useGroupMembersForBill(groupId);
  const create = useCreateBill();
  const navigate = useNavigate();

  const [title, setTitle] = useState<string | null>(null);
  const [total, setTotal] = useState('');
  const [split, setSplit] = useState<'equal' | 'custom'>('equal');
  const [unchosen, setUnchosen] = useState<Set<string>>(new Set());
  const [chosenMembers, setChosenMembers] = useState<Set<string>>(new Set());
  const [custom, setCustom] = useState<Record<string, string>>({});

  const myId = me.data?.id ?? '';
  // Everyone who could be on the bill, apart from me (the creator is always on an equal bill).
  const candidates: Person[] = activityId
    ? isOrganizer
      ? (attendees.data?.items ?? []).map((a) => a.user).filter((u) => u.id !== myId)
      : []
    : (members.data?.items ?? []).map((m) => m.user).filter((u) => u.id !== myId);
  const chosen = activityId
    ? candidates.filter((p) => !unchosen.has(p.id))
    : candidates.filter((p) => chosenMembers.has(p.id));
  const toggle = (id: string) => {
    if (activityId) {
      setUnchosen((s) => {
        const n = new Set(s);
        if (n.has(id)) n.delete(id);
        else n.add(id);
        return n;
      });
    } else {
      setChosenMembers((s) => {
        const n = new Set(s);
        if (n.has(id)) n.delete(id);
        else n.add(id);
        return n;
      });
    }
  };

  const totalFen = parseYuan(total);
  const totalOk = totalFen !== null && totalFen >= 1 && totalFen <= MAX_TOTAL_FEN;
  // An attendee (not the organizer) splits equally among everyone attending (the server's default).
  const everyoneAttending = !!activityId && !isOrganizer;
  const shares =
    split === 'equal' && totalOk && !everyoneAttending && myId && chosen.length > 0
      ? equalShares(
          totalFen,
          myId,
          chosen.map((p) => p.id),
        )
      : null;
  const me_ = me.data
    ? [{ id: me.data.id, username: me.data.username, displayName: me.data.displayName }]
    : [];
  const customPeople: Person[] = [...me_, ...chosen];
  const customFen = customPeople.map((p) => parseYuan(custom[p.id] ?? '') ?? 0);
  const customSum = customFen.reduce((a, b) => a + b, 0);
  const customOk =
    split === 'custom' && totalOk && customSum === totalFen && customFen.some((f) => f > 0);
  const name =
    title ?? (activity.data ? t('bills.defaultTitle', { title: activity.data.title }) : '');
  const canSubmit =
    name.trim().length > 0 &&
    totalOk &&
    (split === 'equal' ? everyoneAttending || chosen.length > 0 : customOk) &&
    !create.isPending;

  const submit = () => {
    if (!canSubmit || totalFen === null) return;
    const scope = activityId ? { activityId } : { groupId: groupId! };
    const body =
      split === 'equal'
        ? {
            title: name.trim(),
            totalFen,
            split,
            ...scope,
            ...(everyoneAttending ? {} : { userIds: chosen.map((p) => p.id) }),
          }
        : {
            title: name.trim(),
            totalFen,
            split,
            ...scope,
            shares: customPeople
              .map((p, i) => ({ userId: p.id, amountFen: customFen[i]! }))
              .filter((s) => s.amountFen > 0),
          };
    create.mutate(body, {
      onSuccess: (bill) => void navigate(`/bills/${bill.id}`, { replace: true }),
    });
  };

  const back = activityId ? `/activities/${activityId}` : groupId ? `/groups/${groupId}` : '/bills';
  if (!activityId && !groupId) {
    return (
      <main className="page new-bill-page">
        <AppBar title={t('bills.newTitle')} back="/bills" />
        <div className="empty">
          <p>{t('bills.fromWhere')}</p>
        </div>
      </main>
    );
  }
  const loadingPeople =
    (activityId && (activity.isPending || (isOrganizer && attendees.isPending))) ||
    (groupId && members.isPending);
  const peopleError = activityId
    ? (activity.error ?? (isOrganizer ? attendees.error : null))
    : members.error;

  return (
    <main className="page new-bill-page">
      <AppBar title={t('bills.newTitle')} back={back} />
      <form
        className="new-bill"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <section className="card">
          <label className="field">
            <span>{t('bills.titleLabel')}</span>
            <input
              value={name}
              maxLength={60}
              onChange={(e) => setTitle(e.target.value)}
              placeholder={t('bills.titlePlaceholder')}
              required
            />
          </label>
          <label className="field">
            <span>{t('bills.total')}</span>
            <span className="yuan-input">
              <span aria-hidden="true">¥</span>
              <input
                inputMode="decimal"
                autoComplete="off"
                value={total}
                onChange={(e) => setTotal(e.target.value)}
                placeholder="0.00"
                aria-invalid={total !== '' && !totalOk}
                required
              />
            </span>
          </label>
          {total !== '' && !totalOk && (
            <p className="error">{t('bills.totalInvalid', { max: yuan(MAX_TOTAL_FEN) })}</p>
          )}
          <fieldset className="bill-split">
            <legend>{t('bills.splitHow')}</legend>
            <div className="segmented">
              <label className={split === 'equal' ? 'chosen' : ''}>
                <input
                  type="radio"
                  name="split"
                  checked={split === 'equal'}
                  onChange={() => setSplit('equal')}
                />
                {t('bills.equal')}
              </label>
              <label
                className={[
                  split === 'custom' ? 'chosen' : '',
                  everyoneAttending ? 'off' : '',
                ].join(' ')}
              >
                <input
                  type="radio"
                  name="split"
                  checked={split === 'custom'}
                  disabled={everyoneAttending}
                  onChange={() => setSplit('custom')}
                />
                {t('bills.custom')}
              </label>
            </div>
          </fieldset>
        </section>

        <h2 className="section-title">{t('bills.who')}</h2>
        {loadingPeople ? (
          <ListSkeleton rows={3} />
        ) : peopleError ? (
          <div className="empty">
            <ErrorText error={peopleError} />
          </div>
        ) : everyoneAttending ? (
          <p className="card muted">{t('bills.everyoneAttending')}</p>
        ) : (
          <ul className="list bill-people" aria-label={t('bills.who')}>
            {me.data && (
              <li className="bill-person me">
                <span className="bill-person-check" aria-hidden="true">
                  <Icon name="check" size={20} />
                </span>
                <span className="bill-person-name">
                  {me.data.displayName}
                  <span className="muted small"> · {t('bills.youPaidBill')}</span>
                </span>
                <ShareCell
                  split={split}
                  fen={shares?.get(myId)}
                  value={custom[myId] ?? ''}
                  label={t('bills.shareOf', { name: me.data.displayName })}
                  onChange={(v) => setCustom((c) => ({ ...c, [myId]: v }))}
                />
              </li>
            )}
            {candidates.length === 0 && (
              <li className="bill-person muted small">{t('bills.nobody')}</li>
            )}
            {candidates.map((p) => {
              const on = chosen.some((c) => c.id === p.id);
              return (
                <li key={p.id} className="bill-person">
                  <label className="bill-person-name">
                    <input type="checkbox" checked={on} onChange={() => toggle(p.id)} />
                    {p.displayName}
                  </label>
                  {on && (
                    <ShareCell
                      split={split}
                      fen={shares?.get(p.id)}
                      value={custom[p.id] ?? ''}
                      label={t('bills.shareOf', { name: p.displayName })}
                      onChange={(v) => setCustom((c) => ({ ...c, [p.id]: v }))}
                    />
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <p className="bill-preview" role="status" aria-live="polite">
          {split === 'equal'
            ? shares && totalFen !== null
              ? t('bills.equalPreview', {
                  count: shares.size,
                  each: yuan(Math.floor(totalFen / shares.size)),
                  mine: yuan(shares.get(myId) ?? 0),
                })
              : ''
            : totalOk && totalFen !== null
              ? customSum === totalFen
                ? t('bills.customOk')
                : customSum < totalFen
                  ? t('bills.customShort', { amount: yuan(totalFen - customSum) })
                  : t('bills.customOver', { amount: yuan(customSum - totalFen) })
              : ''}
        </p>
        <ErrorText error={create.error} />
        <button type="submit" className="button primary block" disabled={!canSubmit}>
          {create.isPending ? t('common.loading') : t('bills.create')}
        </button>
      </form>
    </main>
  );
}

function ShareCell({
  split,
  fen,
  value,
  label,
  onChange,
}: {
  split: 'equal' | 'custom';
  fen: number | undefined;
  value: string;
  label: string;
  onChange: (v: string) => void;
}) {
  if (split === 'equal')
    return <span className="bill-person-share">{fen !== undefined ? yuan(fen) : '—'}</span>;
  return (
    <span className="yuan-input small">
      <span aria-hidden="true">¥</span>
      <input
        inputMode="decimal"
        autoComplete="off"
        aria-label={label}
        value={value}
        placeholder="0"
        onChange={(e) => onChange(e.target.value)}
      />
    </span>
  );
}
