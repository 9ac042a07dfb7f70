// "More" for cursor-paginated lists: the list is rendered as a run of pages, each its own query
// after the cursor the page before it ended on; the last page offers the next one.
import { useCallback, useMemo, useState } from "react";

/** The cursors of the pages shown so far (the first page's is null) and a way to add the next. */
export function usePageCursors(reset = ""): { cursors: (string | null)[]; more: (endCursor: string | null | undefined) => void } {
  const [state, setState] = useState<{ reset: string; cursors: (string | null)[] }>({ reset, cursors: [null] });
  // A changed filter (`reset`) starts again from the first page.
  const cursors = useMemo(() => (state.reset === reset ? state.cursors : [null]), [state, reset]);
  const more = useCallback(
    (endCursor: string | null | undefined) => {
      if (endCursor) setState({ reset, cursors: [...cursors, endCursor] });
    },
    [cursors, reset],
  );
  return { cursors, more };
}

/** The button that loads the next page, shown only while there is one. */
export function MoreButton({ hasNextPage, onMore, what }: { hasNextPage: boolean; onMore: () => void; what: string }) {
  if (!hasNextPage) return null;
  return (
    <button type="button" className="more" onClick={onMore}>
      More {what}
    </button>
  );
}
