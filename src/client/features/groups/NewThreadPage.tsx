import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppBar } from '../../components/AppBar.tsx';
import { useNavigate, useParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText.tsx';
import { MarkdownEditor } from '../../components/MarkdownEditor.tsx';
import { useCreateThread, useGroup } from './useGroups.ts';

/** `/groups/:id/new`: a title and a Markdown body; posts, then opens the new thread. */
export function NewThreadPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const group = useGroup(id);
  const create = useCreateThread(id);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const form = useRef<HTMLFormElement>(null);
  const valid = title.trim().length >= 2 && body.trim().length >= 1;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    create.mutate(
      { title: title.trim(), body },
      { onSuccess: (th) => void navigate(`/threads/${th.id}`, { replace: true }) },
    );
  };
  return (
    <main className="page new-thread">
      <AppBar
        title={
          group.data ? t('groups.newThreadTitle', { name: group.data.name }) : t('groups.newThread')
        }
        back={`/groups/${id}`}
      />
      <ErrorText error={group.error} />
      <form ref={form} onSubmit={submit}>
        <label className="field">
          <span>{t('groups.threadTitle')}</span>
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            minLength={2}
            maxLength={120}
            aria-describedby="th-title-hint"
          />
          <small id="th-title-hint" className="muted">
            {t('groups.threadTitleHint')}
          </small>
        </label>
        <div className="field">
          <MarkdownEditor
            id="th-body"
            label={t('groups.threadBody')}
            value={body}
            onChange={setBody}
            rows={10}
            maxLength={20_000}
            onSubmitShortcut={() => form.current?.requestSubmit()}
          />
          <small className="muted">{t('groups.threadBodyHint')}</small>
        </div>
        <ErrorText error={create.error} />
        <button
          type="submit"
          className="button primary block"
          disabled={!valid || create.isPending}
        >
          {create.isPending ? t('common.loading') : t('groups.submitThread')}
        </button>
      </form>
    </main>
  );
}
