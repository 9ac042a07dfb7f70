import { diffLines } from "./diff";

describe("the line diff", () => {
  it("keeps equal lines and pairs a changed line with its replacement", () => {
    expect(diffLines("a\nb\nc", "a\nB\nc")).toEqual([
      { kind: "same", left: "a", right: "a" },
      { kind: "changed", left: "b", right: "B" },
      { kind: "same", left: "c", right: "c" },
    ]);
  });

  it("shows lines only one side has", () => {
    expect(diffLines("a\nc", "a\nb\nc")).toEqual([
      { kind: "same", left: "a", right: "a" },
      { kind: "added", left: null, right: "b" },
      { kind: "same", left: "c", right: "c" },
    ]);
    expect(diffLines("a\nb", "a")).toEqual([
      { kind: "same", left: "a", right: "a" },
      { kind: "removed", left: "b", right: null },
    ]);
  });

  it("has no change rows for identical texts", () => {
    expect(diffLines("x\ny", "x\ny").every((r) => r.kind === "same")).toBe(true);
  });
});
