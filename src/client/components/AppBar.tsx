import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** A screen's top bar: a back link, the title, and room for one action on the right. */
export function AppBar({
  title,
  back,
  action,
}: {
  title: string;
  back: string;
  action?: React.ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <header className="app-bar">
      <Link to={back} className="app-bar-action" aria-label={t('common.back')}>
        ‹
      </Link>
      <h1>{title}</h1>
      {action ?? <span />}
    </header>
  );
}
