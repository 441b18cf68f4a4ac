import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icon.tsx';
import './sheet.css';

/**
 * A bottom sheet on a phone (a centred panel on a wide screen): a modal `<dialog>`, so focus
 * stays inside, Escape and a tap outside close it, and focus goes back to what opened it.
 * Its content is made only while it is open. With `title` it has the standard head (the title and
 * a close button); with `labelledBy` the content brings its own head, whose heading has that id.
 */
export function Sheet({
  open,
  onClose,
  title,
  labelledBy,
  children,
}: {
  open: boolean;
  onClose: () => void;
  children: ReactNode;
} & ({ title: ReactNode; labelledBy?: never } | { title?: never; labelledBy: string })) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);
  useEffect(
    () => () => {
      // Closed by going away (the thread was deleted, the page changed): leave no modal behind.
      if (ref.current?.open) ref.current.close();
    },
    [],
  );
  return (
    <dialog
      ref={ref}
      className="sheet"
      aria-labelledby={labelledBy ?? titleId}
      onClose={() => {
        onClose();
        if (opener.current instanceof HTMLElement) opener.current.focus();
      }}
      onClick={(e) => {
        // The dialog element itself is hit only outside its content: the backdrop.
        if (e.target === e.currentTarget) e.currentTarget.close();
      }}
    >
      {open && labelledBy !== undefined && <div className="sheet-content own-head">{children}</div>}
      {open && labelledBy === undefined && (
        <div className="sheet-content">
          <header className="sheet-head">
            <h2 id={titleId}>{title}</h2>
            <button
              type="button"
              className="sheet-close"
              aria-label={t('moderation.close')}
              onClick={() => ref.current?.close()}
            >
              <Icon name="close" />
            </button>
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}
