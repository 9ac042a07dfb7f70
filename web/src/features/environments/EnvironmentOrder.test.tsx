import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { EnvironmentOrder, move } from "./EnvironmentOrder";

const items = [
  { slug: "prod", name: "Production" },
  { slug: "staging", name: "Staging" },
  { slug: "qa", name: "QA" },
];

describe("reordering environments", () => {
  it("moves an item and ignores moves past the ends", () => {
    expect(move(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(move(["a", "b"], 0, -1)).toEqual(["a", "b"]);
  });

  it("reorders by keyboard and saves the new order", async () => {
    const onSave = vi.fn();
    render(<EnvironmentOrder items={items} disabled={false} onSave={onSave} />);
    const user = userEvent.setup();
    expect(screen.getByRole("button", { name: "Save order" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Move QA up" }));
    expect(screen.getByText(/QA is now at position 2 of 3/)).toBeInTheDocument();
    screen.getAllByRole("listitem")[0]?.focus();
    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    await user.click(screen.getByRole("button", { name: "Save order" }));
    expect(onSave).toHaveBeenCalledWith(["qa", "prod", "staging"]);
  });
});
