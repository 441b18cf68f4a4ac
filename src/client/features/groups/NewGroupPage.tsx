import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppBar } from '../../components/AppBar.tsx';
import { useNavigate } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { GroupFields } from './GroupFields.tsx';
import { useCreateGroup } from './useGroups.ts';

/** `/groups/new`: name, description, 1–5 interests, a city and who may join. */
export function NewGroupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateGroup();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [interests, setInterests] = useState<string[]>([]);
  const [city, setCity] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'approval'>('public');

  const valid = name.trim().length >= 2 && interests.length > 0;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    create.mutate(
      {
        name: name.trim(),
        description: description.trim(),
        interestIds: interests,
        city: city || null,
        visibility,
      },
      { onSuccess: (g) => void navigate(`/groups/${g.id}`, { replace: true }) },
    );
  };

  return (
    <main className="page new-group">
      <AppBar title={t('groups.newTitle')} back="/groups" />
      <form onSubmit={submit}>
        <label className="field">
          <span>{t('groups.name')}</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            minLength={2}
            maxLength={40}
            aria-describedby="g-name-hint"
          />
          <small id="g-name-hint" className="muted">
            {t('groups.nameHint')}
          </small>
        </label>
        <label className="field">
          <span>{t('groups.description')}</span>
          <textarea
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={4}
            maxLength={2000}
            placeholder={t('groups.descriptionHint')}
          />
        </label>
        <GroupFields
          idPrefix="nc"
          interests={interests}
          onInterests={setInterests}
          city={city}
          onCity={setCity}
          visibility={visibility}
          onVisibility={setVisibility}
        />
        <ErrorText error={create.error} />
        <button
          type="submit"
          className="button primary block"
          disabled={!valid || create.isPending}
        >
          {create.isPending ? t('common.loading') : t('groups.submitGroup')}
        </button>
      </form>
    </main>
  );
}
