import { MAX_PAGES, readEveryPage, type Page } from "./everyPage";

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
