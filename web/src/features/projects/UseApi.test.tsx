import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { UseApi, snippets } from "./UseApi";

describe("Use API snippets", () => {
  it("read and follow the environment they are shown for, in every language", () => {
    const all = snippets("https://slipway.example.com", "qa");
    expect(Object.keys(all)).toEqual(["curl", "Python", "TypeScript", "Rust"]);
    expect(all.curl).toContain("https://slipway.example.com/v1/config?environment=qa");
    expect(all.curl).toContain("https://slipway.example.com/v1/config/watch?environment=qa");
    for (const text of Object.values(all)) {
      expect(text).toContain("https://slipway.example.com");
      expect(text).toContain("SLIPWAY_API_KEY");
    }
  });

  it("use the client libraries, pinned to the environment", () => {
    const all = snippets("https://slipway.example.com", "qa");
    expect(all.Python).toContain("from slipway_client import Client");
    expect(all.Python).toContain('environment="qa"');
    expect(all.TypeScript).toContain('from "@slipway/client"');
    expect(all.TypeScript).toContain('environment: "qa"');
    expect(all.Rust).toContain("slipway_client::Client::builder");
    expect(all.Rust).toContain('.environment("qa")');
  });

  it("switch language by a labelled, pressed button", async () => {
    render(<UseApi environment="prod" />);
    const user = userEvent.setup();
    await user.click(screen.getByText("Use API"));
    expect(screen.getByRole("button", { name: "curl" })).toHaveAttribute("aria-pressed", "true");
    await user.click(screen.getByRole("button", { name: "Python" }));
    expect(screen.getByLabelText("Python snippet for prod")).toHaveTextContent("slipway_client");
    expect(screen.getByRole("button", { name: "Python" })).toHaveAttribute("aria-pressed", "true");
  });
});
