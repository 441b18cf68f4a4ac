import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { UpdateGroupBody } from '../../../shared/api/groups.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useNotice, useSlowLabel } from './AdminParts.tsx';
import { SaveBar } from './GroupProfilePage.tsx';
import { StaffOnly } from './ManagePage.tsx';
import { useUpdateGroup } from './useGroupAdmin.ts';
import type { GroupView } from './useGroups.ts';

const SLOW_STEPS = [0, 10, 30, 60, 300, 900, 3600];
const MAX_WORDS = 200;
const MAX_WORD_LENGTH = 40;

/** `/groups/:id/manage/rules` (admins): slow mode, filtered words, who may create activities. */
export function GroupRulesPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  return (
    <StaffOnly
      id={id}
      title={t('groupAdmin.rulesTitle')}
      back={`/groups/${id}/manage`}
      need="admin"
    >
      {(g) => <RulesForm g={g} />}
    </StaffOnly>
  );
}

function RulesForm({ g }: { g: GroupView }) {
  const { t } = useTranslation();
  const slowLabel = useSlowLabel();
  const update = useUpdateGroup(g.id);
  const notice = useNotice();
  const [slow, setSlow] = useState(g.slowModeSeconds);
  const [words, setWords] = useState<string[]>(g.wordFilter ?? []);
  const [draft, setDraft] = useState('');
  const [wordError, setWordError] = useState('');
  const [policy, setPolicy] = useState(g.activityPolicy);
  // A value set through the API that is not one of the steps stays choosable.
  const steps = SLOW_STEPS.includes(g.slowModeSeconds)
    ? SLOW_STEPS
    : [...SLOW_STEPS, g.slowModeSeconds].sort((a, b) => a - b);

  const patch: UpdateGroupBody = {};
  if (slow !== g.slowModeSeconds) patch.slowModeSeconds = slow;
  if (words.join('\n') !== (g.wordFilter ?? []).join('\n')) patch.wordFilter = words;
  if (policy !== g.activityPolicy) patch.activityPolicy = policy;
  const dirty = Object.keys(patch).length > 0;

  const addWord = () => {
    const word = draft.normalize('NFC').trim().toLowerCase();
    if (!word) return;
    if ([...word].length > MAX_WORD_LENGTH) return setWordError(t('groupAdmin.wordTooLong'));
    if (words.includes(word)) return setWordError(t('groupAdmin.wordDuplicate', { word }));
    if (words.length >= MAX_WORDS) return setWordError(t('groupAdmin.wordTooMany'));
    setWords([...words, word]);
    setDraft('');
    setWordError('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      addWord();
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) update.mutate(patch, { onSuccess: () => notice.ok(t('groupAdmin.saved')) });
  };

  return (
    <form onSubmit={submit} className="admin-form">
      <fieldset className="field fieldset" aria-describedby="slow-hint">
        <legend>{t('groupAdmin.slowMode')}</legend>
        <small className="muted" id="slow-hint">
          {t('groupAdmin.slowModeHint')}
        </small>
        <div className="segmented">
          {steps.map((s) => (
            <label key={s} className="segment">
              <input
                type="radio"
                name="slow-mode"
                value={s}
                checked={slow === s}
                onChange={() => setSlow(s)}
              />
              <span>{slowLabel(s)}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="field fieldset">
        <legend>
          {t('groupAdmin.wordFilter')}{' '}
          <span className="muted small">{t('groupAdmin.wordsCount', { count: words.length })}</span>
        </legend>
        <small className="muted">{t('groupAdmin.wordFilterHint')}</small>
        <div className="word-add">
          <input
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setWordError('');
            }}
            onKeyDown={onKey}
            aria-label={t('groupAdmin.wordInput')}
            placeholder={t('groupAdmin.wordPlaceholder')}
            aria-invalid={wordError !== ''}
            aria-describedby="word-error"
            enterKeyHint="done"
          />
          <button
            type="button"
            className="button outline"
            onClick={addWord}
            disabled={!draft.trim()}
          >
            {t('groupAdmin.wordAdd')}
          </button>
        </div>
        <small id="word-error" className="field-error" role="alert">
          {wordError}
        </small>
        {words.length === 0 ? (
          <p className="muted small words-empty">{t('groupAdmin.wordsEmpty')}</p>
        ) : (
          <ul className="word-chips">
            {words.map((w) => (
              <li key={w} className="word-chip">
                <span>{w}</span>
                <button
                  type="button"
                  aria-label={t('groupAdmin.wordRemove', { word: w })}
                  onClick={() => setWords(words.filter((x) => x !== w))}
                >
                  <Icon name="close" size={14} />
                </button>
              </li>
            ))}
          </ul>
        )}
      </fieldset>

      <fieldset className="field fieldset">
        <legend>{t('groupAdmin.activityPolicy')}</legend>
        <label className="radio">
          <input
            type="radio"
            name="activity-policy"
            checked={policy === 'members'}
            onChange={() => setPolicy('members')}
          />
          <span>{t('groupAdmin.activityMembers')}</span>
        </label>
        <label className="radio">
          <input
            type="radio"
            name="activity-policy"
            checked={policy === 'admins'}
            onChange={() => setPolicy('admins')}
          />
          <span>{t('groupAdmin.activityAdmins')}</span>
        </label>
      </fieldset>
      <ErrorText error={update.error} />
      <SaveBar dirty={dirty} pending={update.isPending} />
      {notice.view}
    </form>
  );
}
