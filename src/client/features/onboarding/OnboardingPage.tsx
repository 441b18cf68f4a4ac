import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { InterestList, MyInterests } from '../../../shared/api/interests.ts';
import type { Me } from '../../../shared/api/accounts.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { CityField } from '../../components/CityField.tsx';

/** After registering: interests by category as chips, and a home city. */
export function OnboardingPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const taxonomy = useQuery({
    queryKey: keys.interests(i18n.language),
    queryFn: () => api<InterestList>('/interests'),
    staleTime: Infinity,
  });
  const mine = useQuery({
    queryKey: keys.myInterests,
    queryFn: () => api<MyInterests>('/me/interests'),
  });
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const chosen = picked ?? new Set(mine.data?.items.filter((i) => i.chosen).map((i) => i.id));
  const [city, setCity] = useState('');
  const save = useMutation({
    mutationFn: async () => {
      await api<MyInterests>('/me/interests', {
        method: 'PUT',
        body: { interestIds: [...chosen] },
      });
      if (city) await api<Me>('/me', { method: 'PATCH', body: { homeCity: city } });
    },
    onSuccess: async () => {
      await qc.invalidateQueries();
      void navigate('/', { replace: true });
    },
  });
  const toggle = (id: string) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };

  return (
    <main className="page onboarding">
      <header className="page-header">
        <h1>{t('onboarding.title')}</h1>
        <p className="muted">{t('onboarding.subtitle')}</p>
      </header>
      {taxonomy.isPending ? (
        <div className="skeleton-chips" aria-busy="true" aria-label={t('common.loading')}>
          {Array.from({ length: 12 }, (_, i) => (
            <span key={i} className="skeleton chip-skeleton" />
          ))}
        </div>
      ) : taxonomy.isError ? (
        <ErrorText error={taxonomy.error} />
      ) : (
        taxonomy.data.items.map((category) => (
          <section key={category.id} className="chip-group" aria-labelledby={`cat-${category.id}`}>
            <h2 id={`cat-${category.id}`}>{category.name}</h2>
            <div className="chips">
              {category.interests.map((interest) => (
                <button
                  key={interest.id}
                  type="button"
                  className="chip"
                  aria-pressed={chosen.has(interest.id)}
                  onClick={() => toggle(interest.id)}
                >
                  {interest.name}
                </button>
              ))}
            </div>
          </section>
        ))
      )}
      <CityField
        label={t('onboarding.city')}
        noneLabel={t('onboarding.cityNone')}
        value={city}
        onChange={setCity}
      />
      <ErrorText error={save.error} />
      <div className="sticky-actions">
        <span className="muted">{t('onboarding.chosen', { count: chosen.size })}</span>
        <button type="button" className="button ghost" onClick={() => void navigate('/')}>
          {t('onboarding.skip')}
        </button>
        <button
          type="button"
          className="button primary"
          disabled={save.isPending}
          onClick={() => save.mutate()}
        >
          {t('onboarding.done')}
        </button>
      </div>
    </main>
  );
}
