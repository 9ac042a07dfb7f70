import type { ReactNode } from "react";
import { act, renderHook, waitFor } from "@testing-library/react";
import { parse } from "graphql";
import { Client, Provider, type Exchange, type Operation, type TypedDocumentNode } from "urql";
import { filter, map, pipe, tap } from "wonka";
import { MAX_PAGES, readEveryPage, useEveryPage, type Page } from "./everyPage";

/** A server holding `total` items, `size` a page, with opaque cursors. */
function pages(total: number, size: number) {
  const asked: (string | null)[] = [];
  const read = async (after: string | null): Promise<Page<number>> => {
    asked.push(after);
    const start = after === null ? 0 : Number(after.slice(1));
    const nodes = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => start + i);
    const end = start + nodes.length;
    return { nodes, pageInfo: { hasNextPage: end < total, endCursor: nodes.length ? `c${end}` : null } };
  };
  return { read, asked };
}

describe("reading every page of a list", () => {
  it("follows the cursors to the last page and keeps the order", async () => {
    const server = pages(250, 100);
    expect(await readEveryPage(server.read)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(server.asked).toEqual([null, "c100", "c200"]);
  });

  it("asks once when everything fits a page", async () => {
    const server = pages(3, 100);
    expect(await readEveryPage(server.read)).toEqual([0, 1, 2]);
    expect(server.asked).toEqual([null]);
  });

  it("stops on a repeated cursor or a missing one instead of looping", async () => {
    let calls = 0;
    const stuck = async (): Promise<Page<string>> => {
      calls += 1;
      return { nodes: ["x"], pageInfo: { hasNextPage: true, endCursor: "same" } };
    };
    expect(await readEveryPage(stuck)).toEqual(["x", "x"]);
    expect(calls).toBe(2);
    const noCursor = async (): Promise<Page<string>> => ({ nodes: ["y"], pageInfo: { hasNextPage: true, endCursor: null } });
    expect(await readEveryPage(noCursor)).toEqual(["y"]);
  });

  it("gives up after a bounded number of pages", async () => {
    let calls = 0;
    const endless = async (after: string | null): Promise<Page<number>> => {
      calls += 1;
      return { nodes: [calls], pageInfo: { hasNextPage: true, endCursor: `${after ?? ""}+` } };
    };
    expect(await readEveryPage(endless)).toHaveLength(MAX_PAGES);
    expect(calls).toBe(MAX_PAGES);
  });

  it("fails as the failing page does", async () => {
    const broken = async (after: string | null): Promise<Page<number>> => {
      if (after) throw new Error("UNAVAILABLE");
      return { nodes: [1], pageInfo: { hasNextPage: true, endCursor: "c1" } };
    };
    await expect(readEveryPage(broken)).rejects.toThrow("UNAVAILABLE");
  });
});

// A made-up server's document (a plain parse, not a `graphql` tag: codegen checks those).
type Envs = { project: { environments: Page<{ slug: string }> } };
const EnvironmentsPage = parse("query TestEnvironments($project: String!, $after: String) { project(slug: $project) { environments(after: $after) { nodes { slug } } } }") as TypedDocumentNode<
  Envs,
  { project: string; after?: string | null }
>;
const environmentsOf = (data: Envs) => data.project.environments;

describe("a hook that reads every page", () => {
  it("shows the nodes of all pages once the last has come, and reads them all again on reread", async () => {
    let slugs = ["prod", "staging", "qa"];
    const sent: Operation[] = [];
    // Two a page, cursors are the index to start from.
    const server: Exchange = () => (operations$) =>
      pipe(
        operations$,
        filter((operation) => operation.kind !== "teardown"),
        tap((operation) => void sent.push(operation)),
        map((operation) => {
          const start = Number((operation.variables as { after?: string | null }).after ?? 0);
          const nodes = slugs.slice(start, start + 2).map((slug) => ({ slug }));
          const next = start + nodes.length;
          return { operation, data: { project: { environments: { nodes, pageInfo: { hasNextPage: next < slugs.length, endCursor: String(next) } } } }, stale: false, hasNext: false };
        }),
      );
    const client = new Client({ url: "/graphql", exchanges: [server] });
    const wrapper = ({ children }: { children: ReactNode }) => <Provider value={client}>{children}</Provider>;
    const { result } = renderHook(() => useEveryPage(EnvironmentsPage, { project: "chat" }, environmentsOf), { wrapper });
    expect(result.current.nodes).toBeNull();
    await waitFor(() => expect(result.current.nodes?.map((n) => n.slug)).toEqual(["prod", "staging", "qa"]));
    expect(sent.map((o) => o.variables)).toEqual([{ project: "chat", after: null }, { project: "chat", after: "2" }]);

    slugs = ["prod", "staging", "qa", "canary"];
    act(() => result.current.reread());
    // The previous nodes stay until the new read is whole.
    expect(result.current.nodes).toHaveLength(3);
    await waitFor(() => expect(result.current.nodes?.map((n) => n.slug)).toEqual(["prod", "staging", "qa", "canary"]));
    expect(sent.slice(2).every((o) => o.context.requestPolicy === "network-only")).toBe(true);
  });
});
