import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { UpdateGroupBody } from '../../../shared/api/groups.ts';
import { ApiError } from '../../api/http.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useNotice } from './AdminParts.tsx';
import { GroupFields } from './GroupFields.tsx';
import { MAX_INTERESTS } from './InterestChips.tsx';
import { StaffOnly } from './ManagePage.tsx';
import { useUpdateGroup } from './useGroupAdmin.ts';
import type { GroupView } from './useGroups.ts';

/** `/groups/:id/manage/profile` (admins): name, description, interests, city, who can join. */
export function GroupProfilePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  return (
    <StaffOnly
      id={id}
      title={t('groupAdmin.profileTitle')}
      back={`/groups/${id}/manage`}
      need="admin"
    >
      {(g) => <ProfileForm g={g} />}
    </StaffOnly>
  );
}

/** The fields the server refused (invalid_input details: "name", "interestIds", …). */
export function refusedFields(err: unknown): Set<string> {
  if (!(err instanceof ApiError) || err.code !== 'invalid_input') return new Set();
  return new Set((err.details ?? []).map((d) => d.field.split('.')[0]!));
}

function ProfileForm({ g }: { g: GroupView }) {
  const { t } = useTranslation();
  const update = useUpdateGroup(g.id);
  const notice = useNotice();
  const [name, setName] = useState(g.name);
  const [description, setDescription] = useState(g.description);
  const [interests, setInterests] = useState(g.interestIds);
  const [city, setCity] = useState(g.city ?? '');
  const [visibility, setVisibility] = useState(g.visibility);
  const [tried, setTried] = useState(false);

  const patch: UpdateGroupBody = {};
  if (name.trim() !== g.name) patch.name = name.trim();
  if (description.trim() !== g.description) patch.description = description.trim();
  if (interests.join() !== g.interestIds.join()) patch.interestIds = interests;
  if ((city || null) !== g.city) patch.city = city || null;
  if (visibility !== g.visibility) patch.visibility = visibility;
  const dirty = Object.keys(patch).length > 0;

  const refused = refusedFields(update.error);
  const nameLength = [...name.trim()].length;
  const errors = {
    name: (tried && (nameLength < 2 || nameLength > 40)) || refused.has('name'),
    description: [...description].length > 2000 || refused.has('description'),
    interests:
      (tried && (interests.length < 1 || interests.length > MAX_INTERESTS)) ||
      refused.has('interestIds'),
  };
  const fieldErrorShown = refused.size > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (nameLength < 2 || nameLength > 40 || interests.length < 1 || errors.description) return;
    if (!dirty) return;
    update.mutate(patch, { onSuccess: () => notice.ok(t('groupAdmin.saved')) });
  };

  return (
    <form onSubmit={submit} noValidate className="admin-form">
      <label className="field">
        <span>{t('groups.name')}</span>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={40}
          aria-invalid={errors.name}
          aria-describedby="gp-name-hint"
        />
        <small id="gp-name-hint" className={errors.name ? 'field-error' : 'muted'}>
          {errors.name ? t('groupAdmin.nameError') : t('groups.nameHint')}
        </small>
      </label>
      <label className="field">
        <span>{t('groups.description')}</span>
        <textarea
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          rows={5}
          placeholder={t('groups.descriptionHint')}
          aria-invalid={errors.description}
          aria-describedby={errors.description ? 'gp-desc-error' : undefined}
        />
        {errors.description && (
          <small id="gp-desc-error" className="field-error">
            {t('groupAdmin.descriptionError')}
          </small>
        )}
      </label>
      <GroupFields
        idPrefix="gp"
        interests={interests}
        onInterests={setInterests}
        interestsError={errors.interests ? t('groupAdmin.interestsError') : undefined}
        city={city}
        onCity={setCity}
        visibility={visibility}
        onVisibility={setVisibility}
        visibilityNote={
          visibility === 'approval' && g.visibility === 'public'
            ? t('groupAdmin.visibilityNote')
            : undefined
        }
      />
      {!fieldErrorShown && <ErrorText error={update.error} />}
      <SaveBar dirty={dirty} pending={update.isPending} />
      {notice.view}
    </form>
  );
}

/** The form's save button, kept at the bottom of the screen, saying whether anything changed. */
export function SaveBar({ dirty, pending }: { dirty: boolean; pending: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="sticky-actions">
      <span className="muted small" aria-live="polite">
        {dirty ? t('groupAdmin.unsaved') : ''}
      </span>
      <button type="submit" className="button primary" disabled={!dirty || pending}>
        {pending ? t('groupAdmin.saving') : t('groupAdmin.save')}
      </button>
    </div>
  );
}
