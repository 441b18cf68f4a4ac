import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import { useTranslation } from 'react-i18next';
import { AppBar } from '../../components/AppBar.tsx';

import type { PageOf } from '../../../shared/api/common.ts';
import type { Group } from '../../../shared/api/groups.ts';
import type { Mutes } from '../../../shared/api/messaging.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

type MutesView = Static<typeof Mutes>;
type GroupView = Static<typeof Group>;

/**
 * The notification types a person may silence, in groups of what they mean. Payment notices
 * are not among them: every movement of one's money is always told.
 */
const TYPE_GROUPS: { key: string; types: string[] }[] = [
  { key: 'replies', types: ['post.reply', 'post.reply_to_post'] },
  { key: 'mentions', types: ['post.mention'] },
  { key: 'reactions', types: ['post.reaction'] },
  { key: 'requests', types: ['group.join_request'] },
  { key: 'reminders', types: ['activity.reminder'] },
];

/** Per-type and per-group mutes (PUT /inbox/mutes), each switch saved at once. */
export function NotificationSettingsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const mutes = useQuery({ queryKey: keys.mutes, queryFn: () => api<MutesView>('/inbox/mutes') });
  const groups = useQuery({
    queryKey: ['groups', 'mine'],
    queryFn: () => api<PageOf<GroupView>>('/groups', { query: { mine: true, limit: 100 } }),
  });
  const save = useMutation({
    mutationFn: (next: MutesView) => api<MutesView>('/inbox/mutes', { method: 'PUT', body: next }),
    onMutate: (next) => {
      const before = qc.getQueryData<MutesView>(keys.mutes);
      qc.setQueryData(keys.mutes, next);
      return { before };
    },
    onError: (_e, _next, ctx) => ctx?.before && qc.setQueryData(keys.mutes, ctx.before),
    onSuccess: (saved) => qc.setQueryData(keys.mutes, saved),
  });
  const current = mutes.data;
  const toggleTypes = (types: string[], muted: boolean) => {
    if (!current) return;
    const set = new Set(current.types);
    for (const ty of types) {
      if (muted) set.add(ty);
      else set.delete(ty);
    }
    save.mutate({ ...current, types: [...set] });
  };
  const toggleGroup = (id: string, muted: boolean) => {
    if (!current) return;
    const set = new Set(current.groups);
    if (muted) set.add(id);
    else set.delete(id);
    save.mutate({ ...current, groups: [...set] });
  };
  return (
    <main className="page">
      <AppBar title={t('settings.notifications')} back="/me" />
      <ErrorText error={mutes.error ?? save.error} />
      <h2 className="section-title">{t('settings.byType')}</h2>
      <section className="card settings">
        {TYPE_GROUPS.map((g) => {
          const on = current ? !g.types.every((ty) => current.types.includes(ty)) : true;
          return (
            <label key={g.key} className="settings-row">
              {t(`settings.type.${g.key}`)}
              <input
                type="checkbox"
                role="switch"
                className="switch"
                checked={on}
                disabled={!current}
                onChange={(e) => toggleTypes(g.types, !e.target.checked)}
              />
            </label>
          );
        })}
      </section>
      <p className="muted small">{t('settings.paymentsAlways')}</p>
      <h2 className="section-title">{t('settings.byGroup')}</h2>
      {groups.data && groups.data.items.length === 0 ? (
        <p className="empty">{t('settings.noGroups')}</p>
      ) : (
        <section className="card settings">
          {groups.data?.items.map((g) => (
            <label key={g.id} className="settings-row">
              <span className="ellipsis">{g.name}</span>
              <input
                type="checkbox"
                role="switch"
                className="switch"
                checked={current ? !current.groups.includes(g.id) : true}
                disabled={!current}
                onChange={(e) => toggleGroup(g.id, !e.target.checked)}
              />
            </label>
          ))}
        </section>
      )}
    </main>
  );
}
