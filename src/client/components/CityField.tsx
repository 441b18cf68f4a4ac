import { useTranslation } from 'react-i18next';
import { CITIES } from '../lib/cities.ts';

/** A labelled city picker over lib/cities.ts; '' is "none" (its label given by the screen). */
export function CityField(props: {
  label: string;
  noneLabel: string;
  value: string;
  onChange: (city: string) => void;
  name?: string;
}) {
  const { i18n } = useTranslation();
  return (
    <label className="field">
      <span>{props.label}</span>
      <select
        name={props.name}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="">{props.noneLabel}</option>
        {CITIES.map((c) => (
          <option key={c.id} value={c.id}>
            {i18n.language === 'en' ? c.en : c.id}
          </option>
        ))}
      </select>
    </label>
  );
}
