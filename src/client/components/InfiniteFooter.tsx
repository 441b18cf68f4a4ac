import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

interface InfiniteLike {
  data?: { pages: unknown[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** The end of a cursor list: loads the next page when it scrolls into view (or on tap). */
export function InfiniteFooter({ query }: { query: InfiniteLike }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    const el = ref.current;
    if (!el || !hasNextPage) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return (
    <div ref={ref} className="list-footer muted small">
      {hasNextPage ? (
        <button
          type="button"
          className="button ghost small"
          onClick={() => void fetchNextPage()}
          disabled={isFetchingNextPage}
        >
          {isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
        </button>
      ) : (
        // "No more" only after scrolling through more than one page.
        (query.data?.pages.length ?? 0) > 1 && t('common.end')
      )}
    </div>
  );
}
