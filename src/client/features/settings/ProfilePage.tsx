import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AppBar } from '../../components/AppBar.tsx';
import { useNavigate } from 'react-router';
import type { Me, UpdateMeBody } from '../../../shared/api/accounts.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { CityField } from '../../components/CityField.tsx';
import { useMe } from '../auth/useSession.ts';

/** Display name, bio, avatar URL and home city (PATCH /me). */
export function ProfilePage() {
  const me = useMe();
  if (!me.data) return null;
  return <ProfileForm me={me.data} />;
}

function ProfileForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [bio, setBio] = useState(me.bio);
  const [avatarUrl, setAvatarUrl] = useState(me.avatarUrl ?? '');
  const [homeCity, setHomeCity] = useState(me.homeCity ?? '');
  const save = useMutation({
    mutationFn: (body: UpdateMeBody) => api<Me>('/me', { method: 'PATCH', body }),
    onSuccess: (updated) => {
      qc.setQueryData(keys.me, updated);
      void navigate('/me');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      displayName: displayName.trim(),
      bio,
      ...(avatarUrl.trim() ? { avatarUrl: avatarUrl.trim() } : {}),
      homeCity: homeCity || null,
    });
  };
  return (
    <main className="page">
      <AppBar title={t('me.edit')} back="/me" />
      <form className="card" onSubmit={submit}>
        <label className="field">
          <span>{t('auth.displayName')}</span>
          <input
            name="displayName"
            required
            maxLength={40}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('settings.bio')}</span>
          <textarea
            name="bio"
            rows={3}
            maxLength={500}
            value={bio}
            onChange={(e) => setBio(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('settings.avatarUrl')}</span>
          <input
            name="avatarUrl"
            type="url"
            inputMode="url"
            placeholder="https://"
            maxLength={500}
            value={avatarUrl}
            onChange={(e) => setAvatarUrl(e.target.value)}
          />
        </label>
        <CityField
          name="homeCity"
          label={t('onboarding.city')}
          noneLabel={t('onboarding.cityNone')}
          value={homeCity}
          onChange={setHomeCity}
        />
        <ErrorText error={save.error} />
        <button type="submit" className="button primary block" disabled={save.isPending}>
          {t('common.save')}
        </button>
      </form>
    </main>
  );
}
