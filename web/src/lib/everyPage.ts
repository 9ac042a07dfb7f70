// Lists a screen needs whole — the environments a select offers, the order a reorder saves —
// read page after page of their connection until the last, rather than stopping at the first.
import { useCallback, useEffect, useState } from "react";
import { useClient, type AnyVariables, type CombinedError, type TypedDocumentNode } from "urql";

/** One page of a connection, as every list in the schema answers it. */
export interface Page<Node> {
  nodes: Node[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** The most pages read for one list: a server that never says "last page" cannot keep a tab busy. */
export const MAX_PAGES = 100;

/**
 * Reads `read(null)`, then each page after the cursor the one before ended on, until a page says
 * it is the last (or repeats a cursor, or gives none); resolves to every node in order.
 */
export async function readEveryPage<Node>(read: (after: string | null) => Promise<Page<Node>>): Promise<Node[]> {
  const nodes: Node[] = [];
  const seen = new Set<string>();
  let after: string | null = null;
  for (let i = 0; i < MAX_PAGES; i += 1) {
    const page: Page<Node> = await read(after);
    nodes.push(...page.nodes);
    const next = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage || !next || seen.has(next)) break;
    seen.add(next);
    after = next;
  }
  return nodes;
}

/** A failed page: the GraphQL error, so a screen shows it as it shows any other. */
class PageError extends Error {
  constructor(readonly error: CombinedError) {
    super(error.message);
  }
}

/**
 * Every node of a connection that `query` (with an `$after` variable) selects through `select`
 * (a function defined once, outside the component: it is an effect's dependency). `nodes` is null until the first whole read; a re-read (`reread`, or changed variables) keeps
 * showing the previous nodes until the new ones are complete, so nothing jumps.
 */
export function useEveryPage<Data, Variables extends AnyVariables & { after?: string | null }, Node>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Omit<Variables, "after">,
  select: (data: Data) => Page<Node> | null | undefined,
): { nodes: Node[] | null; error: CombinedError | null; reread: () => void } {
  const client = useClient();
  const [state, setState] = useState<{ nodes: Node[] | null; error: CombinedError | null }>({ nodes: null, error: null });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    let live = true;
    const fixed = JSON.parse(key) as Omit<Variables, "after">;
    readEveryPage(async (after) => {
      const result = await client.query(query, { ...fixed, after } as unknown as Variables, { requestPolicy: "network-only" }).toPromise();
      if (result.error) throw new PageError(result.error);
      const page = result.data ? select(result.data) : null;
      return page ?? { nodes: [], pageInfo: { hasNextPage: false } };
    }).then(
      (nodes) => live && setState({ nodes, error: null }),
      (e: unknown) => live && e instanceof PageError && setState((s) => ({ nodes: s.nodes, error: e.error })),
    );
    return () => {
      live = false;
    };
  }, [client, query, key, generation, select]);
  const reread = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...state, reread };
}
