import { render, screen, within } from "@testing-library/react";
import { DiffView } from "./DiffView";

describe("the side-by-side diff", () => {
  it("marks the lines that differ between two versions", () => {
    render(<DiffView leftLabel="v1" rightLabel="v2" left={{ model: "a", temperature: 0.3 }} right={{ model: "b", temperature: 0.3 }} />);
    const table = screen.getByRole("table", { name: "Differences between v1 and v2" });
    expect(within(table).getByText("1 changed line.")).toBeInTheDocument();
    const changed = within(table).getAllByRole("row").filter((r) => r.getAttribute("data-kind") === "changed");
    expect(changed).toHaveLength(1);
    expect(changed[0]).toHaveTextContent('"model": "a"');
    expect(changed[0]).toHaveTextContent('"model": "b"');
  });

  it("says so when two versions are the same", () => {
    render(<DiffView leftLabel="v1" rightLabel="v1" left={{ a: 1 }} right={{ a: 1 }} />);
    expect(screen.getByText("No differences.")).toBeInTheDocument();
  });
});
