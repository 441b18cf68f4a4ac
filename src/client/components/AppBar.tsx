import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Icon } from './Icon.tsx';

/** A screen's top bar: a back link, the title, and room for actions on the right. */
export function AppBar({
  title,
  back,
  action,
}: {
  title: ReactNode;
  back: string;
  action?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <header className="app-bar">
      <Link to={back} className="app-bar-action" aria-label={t('common.back')}>
        <Icon name="back" />
      </Link>
      <h1 className="app-bar-title ellipsis">{title}</h1>
      {action ?? <span className="app-bar-spacer" />}
    </header>
  );
}
