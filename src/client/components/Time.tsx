import { useTranslation } from 'react-i18next';
import { exactTime, relativeTime } from '../lib/time.ts';

/** A relative time with the exact one on hover / long-press (title) and for machines (dateTime). */
export function Time({ iso }: { iso: string }) {
  const { i18n } = useTranslation();
  return (
    <time dateTime={iso} title={exactTime(iso, i18n.language)}>
      {relativeTime(iso, i18n.language)}
    </time>
  );
}
