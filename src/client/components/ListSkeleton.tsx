import { useTranslation } from 'react-i18next';

/** Placeholder rows (avatar and two lines) the size of a list's rows, so nothing moves on load. */
export function ListSkeleton({ rows = 6 }: { rows?: number }) {
  const { t } = useTranslation();
  return (
    <ul className="list" aria-busy="true" aria-label={t('common.loading')}>
      {Array.from({ length: rows }, (_, i) => (
        <li key={i} className="skeleton-row">
          <span className="skeleton circle" />
          <span className="skeleton-lines">
            <span className="skeleton line" />
            <span className="skeleton line short" />
          </span>
        </li>
      ))}
    </ul>
  );
}
