import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CityField } from '../../components/CityField.tsx';
import { InterestChips } from './InterestChips.tsx';

type Visibility = 'public' | 'approval';

/**
 * The fields a group is described by beyond its name and text — interests (chips), city and who
 * may join — as both the create form and the admin's 小组资料 form show them.
 */
export function GroupFields(props: {
  idPrefix: string;
  interests: string[];
  onInterests: (ids: string[]) => void;
  /** Shown above the chips (the server refused the choice). */
  interestsError?: string;
  city: string;
  onCity: (city: string) => void;
  visibility: Visibility;
  onVisibility: (v: Visibility) => void;
  /** Under the visibility choice (e.g. what a change means for existing content). */
  visibilityNote?: ReactNode;
}) {
  const { t } = useTranslation();
  const errorId = `${props.idPrefix}-interests-error`;
  return (
    <>
      <fieldset className="field fieldset">
        <legend>
          {t('groups.interests')}{' '}
          <span className="muted small">
            {t('groups.interestsChosen', { count: props.interests.length })}
          </span>
        </legend>
        {props.interestsError && (
          <small id={errorId} className="field-error">
            {props.interestsError}
          </small>
        )}
        <InterestChips
          value={props.interests}
          onChange={props.onInterests}
          idPrefix={props.idPrefix}
          describedBy={props.interestsError ? errorId : undefined}
        />
      </fieldset>
      <CityField
        label={t('groups.city')}
        noneLabel={t('groups.cityAny')}
        value={props.city}
        onChange={props.onCity}
      />
      <fieldset className="field fieldset">
        <legend>{t('groups.visibility')}</legend>
        {(['public', 'approval'] as const).map((v) => (
          <label key={v} className="radio">
            <input
              type="radio"
              name="visibility"
              checked={props.visibility === v}
              onChange={() => props.onVisibility(v)}
            />
            <span>
              {t(v === 'public' ? 'groups.visibilityPublic' : 'groups.visibilityApproval')}
            </span>
          </label>
        ))}
        {props.visibilityNote && <small className="muted">{props.visibilityNote}</small>}
      </fieldset>
    </>
  );
}
