import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Icon } from '../../components/Icon.tsx';
import { Sheet } from '../../components/Sheet.tsx';
import type { ThreadDetail } from '../../../shared/api/forum.ts';

export type ThreadAction = 'pin' | 'unpin' | 'lock' | 'unlock' | 'delete';

/**
 * The moderator's tools for a thread, behind one app-bar button: a sheet with pin / unpin,
 * lock / unlock, the group's report queue and delete (which asks once more).
 */
export function ThreadActions({
  thread,
  onAction,
}: {
  thread: ThreadDetail;
  onAction: (action: ThreadAction) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const deleted = thread.status === 'deleted';
  const act = (action: ThreadAction) => {
    setOpen(false);
    setConfirming(false);
    onAction(action);
  };
  return (
    <>
      <button
        type="button"
        className="app-bar-action"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={t('moderation.menuTitle')}
        onClick={() => setOpen(true)}
      >
        <Icon name="more" />
      </button>
      <Sheet
        open={open}
        onClose={() => {
          setOpen(false);
          setConfirming(false);
        }}
        title={t('moderation.menuTitle')}
      >
        {confirming ? (
          <div className="mod-confirm">
            <p className="mod-confirm-title">{t('moderation.deleteThreadConfirm')}</p>
            <p className="muted small">{t('moderation.deleteThreadHint')}</p>
            <div className="row-end">
              <button
                type="button"
                className="button"
                // The button that opened this is gone; focus the safe choice.
                autoFocus
                onClick={() => setConfirming(false)}
              >
                {t('common.cancel')}
              </button>
              <button
                type="button"
                className="button primary danger-fill"
                onClick={() => act('delete')}
              >
                {t('moderation.confirmDelete')}
              </button>
            </div>
          </div>
        ) : (
          <ul className="mod-menu">
            {!deleted && (
              <li>
                <button
                  type="button"
                  className="mod-item"
                  onClick={() => act(thread.pinned ? 'unpin' : 'pin')}
                >
                  <Icon name="pin" />
                  <span>{t(thread.pinned ? 'moderation.unpin' : 'moderation.pin')}</span>
                </button>
              </li>
            )}
            {!deleted && (
              <li>
                <button
                  type="button"
                  className="mod-item"
                  onClick={() => act(thread.locked ? 'unlock' : 'lock')}
                >
                  <Icon name={thread.locked ? 'unlock' : 'lock'} />
                  <span>{t(thread.locked ? 'moderation.unlock' : 'moderation.lock')}</span>
                </button>
              </li>
            )}
            <li>
              <Link className="mod-item" to={`/groups/${thread.groupId}/reports`}>
                <Icon name="flag" />
                <span>{t('moderation.reportsLink')}</span>
              </Link>
            </li>
            {!deleted && (
              <li>
                <button
                  type="button"
                  className="mod-item danger"
                  onClick={() => setConfirming(true)}
                >
                  <Icon name="trash" />
                  <span>{t('moderation.deleteThread')}</span>
                </button>
              </li>
            )}
          </ul>
        )}
      </Sheet>
    </>
  );
}
