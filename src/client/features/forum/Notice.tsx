import { useEffect, useState } from 'react';

export interface NoticeValue {
  text: string;
  error: boolean;
}

/** What the last action did (gone after a few seconds), or why it was undone (stays). */
export function useNotice() {
  const [notice, setNotice] = useState<NoticeValue | null>(null);
  useEffect(() => {
    if (!notice || notice.error) return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);
  return [notice, setNotice] as const;
}

/** A polite live region, so a screen reader hears the outcome without losing its place. */
export function Notice({ notice }: { notice: NoticeValue | null }) {
  return (
    <div className="mod-notice-region" aria-live="polite">
      {notice && (
        <p className={`mod-notice${notice.error ? ' error-notice' : ''}`}>{notice.text}</p>
      )}
    </div>
  );
}
