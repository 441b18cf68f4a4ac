import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { AppBar } from '../../components/AppBar.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import './my-data.css';

/** `/me/data` (我的数据): download everything held about me; delete my account. */
export function MyDataPage() {
  const { t } = useTranslation();
  return (
    <main className="page my-data">
      <AppBar title={t('myData.title')} back="/me" />
      <section className="card my-data-card" aria-labelledby="export-h">
        <h2 id="export-h">{t('myData.exportTitle')}</h2>
        <p className="muted">{t('myData.exportBody')}</p>
        {/* A plain download: the server answers with Content-Disposition: attachment. */}
        <a className="button primary" href="/api/v1/me/export" download>
          {t('myData.exportButton')}
        </a>
      </section>
      <DeleteAccount />
    </main>
  );
}

function DeleteAccount() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const remove = useMutation({
    mutationFn: (pw: string) => api<void>('/me', { method: 'DELETE', body: { password: pw } }),
    onSuccess: () => {
      // Nothing of the deleted account may stay on screen.
      qc.clear();
      qc.setQueryData(keys.me, null);
      void navigate('/login', { replace: true, state: { notice: 'accountDeleted' } });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password && understood) remove.mutate(password);
  };
  return (
    <section className="card my-data-card danger-zone" aria-labelledby="delete-h">
      <h2 id="delete-h">{t('myData.deleteTitle')}</h2>
      <ul className="my-data-effects">
        <li>{t('myData.effectName')}</li>
        <li>{t('myData.effectProfile')}</li>
        <li>{t('myData.effectSessions')}</li>
        <li>{t('myData.effectSignups')}</li>
        <li>{t('myData.effectMoney')}</li>
        <li>{t('myData.effectGroups')}</li>
      </ul>
      <form onSubmit={submit}>
        <label className="field">
          <span>{t('myData.password')}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label className="my-data-check">
          <input
            type="checkbox"
            checked={understood}
            onChange={(e) => setUnderstood(e.target.checked)}
          />
          <span>{t('myData.understood')}</span>
        </label>
        {remove.error instanceof ApiError && remove.error.code === 'wrong_password' ? (
          <p className="error" role="alert">
            {t('myData.wrongPassword')}
          </p>
        ) : (
          <ErrorText error={remove.error} />
        )}
        <button
          type="submit"
          className="button danger block"
          disabled={!password || !understood || remove.isPending}
        >
          <Icon name="trash" size={18} />
          {remove.isPending ? t('myData.deleting') : t('myData.deleteButton')}
        </button>
      </form>
    </section>
  );
}
