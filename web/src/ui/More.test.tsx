import { act, render, renderHook, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MoreButton, usePagedList, useRereadOn } from "./More";

describe("a list shown as pages", () => {
  it("adds a page after the cursor the last one ended on, once per cursor", () => {
    const { result } = renderHook(() => usePagedList());
    expect(result.current.cursors).toEqual([null]);
    act(() => result.current.more("c20"));
    act(() => result.current.more("c40"));
    expect(result.current.cursors).toEqual([null, "c20", "c40"]);
    // A page without a cursor has nothing after it.
    act(() => result.current.more(null));
    expect(result.current.cursors).toEqual([null, "c20", "c40"]);
  });

  it("re-reads in place on reread, and back to the first page on restart", () => {
    const { result } = renderHook(() => usePagedList());
    act(() => result.current.more("c20"));
    const before = result.current.reload;
    act(() => result.current.reread());
    expect(result.current.cursors).toEqual([null, "c20"]);
    expect(result.current.reload).toBe(before + 1);
    act(() => result.current.restart());
    expect(result.current.cursors).toEqual([null]);
    expect(result.current.reload).toBe(before + 2);
    // Paging works again after a restart.
    act(() => result.current.more("d20"));
    expect(result.current.cursors).toEqual([null, "d20"]);
  });

  it("starts again from the first page when its filter changes", () => {
    const { result, rerender } = renderHook(({ filter }) => usePagedList(filter), { initialProps: { filter: "prod" } });
    act(() => result.current.more("c20"));
    rerender({ filter: "staging" });
    expect(result.current.cursors).toEqual([null]);
  });

  it("has each page re-read from the server when reload changes, not when it first shows", () => {
    const refetch = vi.fn();
    const { rerender } = renderHook(({ reload }) => useRereadOn(reload, refetch), { initialProps: { reload: 0 } });
    expect(refetch).not.toHaveBeenCalled();
    rerender({ reload: 0 });
    expect(refetch).not.toHaveBeenCalled();
    rerender({ reload: 1 });
    expect(refetch).toHaveBeenCalledExactlyOnceWith({ requestPolicy: "network-only" });
  });
});

describe("the More button", () => {
  it("is a named button while there is a next page, and nothing after the last", async () => {
    const onMore = vi.fn();
    const { rerender } = render(<MoreButton hasNextPage what="members" onMore={onMore} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "More members" }));
    expect(onMore).toHaveBeenCalledOnce();
    rerender(<MoreButton hasNextPage={false} what="members" onMore={onMore} />);
    expect(screen.queryByRole("button")).toBeNull();
  });
});
