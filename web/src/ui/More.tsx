// "More" for cursor-paginated lists: the list is rendered as a run of pages, each its own query
// after the cursor the page before it ended on; the last page offers the next one.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

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

/**
 * Re-reads one page from the server each time `reload` changes (not on the first render), so a
 * list of several pages stays whole after a change: every page re-reads itself in place.
 */
export function useRereadOn(reload: number, refetch: (options: { requestPolicy: "network-only" }) => void): void {
  const seen = useRef(reload);
  useEffect(() => {
    if (seen.current === reload) return;
    seen.current = reload;
    refetch({ requestPolicy: "network-only" });
  }, [reload, refetch]);
}

/**
 * A list shown as pages, with the two ways it follows a change: `reread` re-reads every page
 * shown in place (an item changed but none came or went: a role, a revocation), `restart` goes
 * back to the first page alone and re-reads it (items came or went, so the cursors the later
 * pages started after no longer split the list where they did). `reload` is what pages pass to
 * `useRereadOn`.
 */
export function usePagedList(reset = ""): {
  cursors: (string | null)[];
  more: (endCursor: string | null | undefined) => void;
  reload: number;
  reread: () => void;
  restart: () => void;
} {
  const [reload, setReload] = useState(0);
  const [restarts, setRestarts] = useState(0);
  const { cursors, more } = usePageCursors(`${reset}\u0000${restarts}`);
  const reread = useCallback(() => setReload((n) => n + 1), []);
  const restart = useCallback(() => {
    setRestarts((n) => n + 1);
    setReload((n) => n + 1);
  }, []);
  return { cursors, more, reload, reread, restart };
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
