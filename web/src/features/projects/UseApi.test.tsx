import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { UseApi, snippets } from "./UseApi";

describe("Use API snippets", () => {
  it("read and follow the environment they are shown for, in every language", () => {
    const all = snippets("https://slipway.example.com", "qa");
    expect(Object.keys(all)).toEqual(["curl", "Python", "TypeScript", "Rust"]);
    for (const text of Object.values(all)) {
      expect(text).toContain("https://slipway.example.com/v1/config?environment=qa");
      expect(text).toContain("/v1/config/watch?environment=qa");
      expect(text).toContain("SLIPWAY_API_KEY");
    }
  });

  it("switch language by a labelled, pressed button", async () => {
    render(<UseApi environment="prod" />);
    const user = userEvent.setup();
    await user.click(screen.getByText("Use API"));
    expect(screen.getByRole("button", { name: "curl" })).toHaveAttribute("aria-pressed", "true");
    await user.click(screen.getByRole("button", { name: "Python" }));
    expect(screen.getByLabelText("Python snippet for prod")).toHaveTextContent("requests.get");
    expect(screen.getByRole("button", { name: "Python" })).toHaveAttribute("aria-pressed", "true");
  });
});
