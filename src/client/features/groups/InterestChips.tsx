import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useTaxonomy } from './useGroups.ts';

export const MAX_INTERESTS = 5;

/** The taxonomy as chips by category; up to five chosen (a group's interests). */
export function InterestChips({
  value,
  onChange,
  idPrefix,
  describedBy,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
  idPrefix: string;
  describedBy?: string;
}) {
  const { t } = useTranslation();
  const taxonomy = useTaxonomy();
  const toggle = (id: string) =>
    onChange(
      value.includes(id)
        ? value.filter((x) => x !== id)
        : value.length < MAX_INTERESTS
          ? [...value, id]
          : value,
    );
  if (taxonomy.isPending)
    return (
      <div className="skeleton-chips" aria-busy="true" aria-label={t('common.loading')}>
        {Array.from({ length: 10 }, (_, i) => (
          <span key={i} className="skeleton chip-skeleton" />
        ))}
      </div>
    );
  if (taxonomy.isError) return <ErrorText error={taxonomy.error} />;
  return taxonomy.data.items.map((c) => (
    <div
      key={c.id}
      className="chip-group"
      role="group"
      aria-labelledby={`${idPrefix}-${c.id}`}
      aria-describedby={describedBy}
    >
      <h2 id={`${idPrefix}-${c.id}`}>{c.name}</h2>
      <div className="chips">
        {c.interests.map((i) => (
          <button
            key={i.id}
            type="button"
            className="chip"
            aria-pressed={value.includes(i.id)}
            disabled={!value.includes(i.id) && value.length >= MAX_INTERESTS}
            onClick={() => toggle(i.id)}
          >
            {i.name}
          </button>
        ))}
      </div>
    </div>
  ));
}
