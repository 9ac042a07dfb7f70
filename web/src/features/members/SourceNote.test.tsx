import { render, screen } from "@testing-library/react";
import { SourceNote } from "./SourceNote";

describe("a member's source", () => {
  it("is shown for a role the identity provider granted, and explained", () => {
    render(<SourceNote source="IDENTITY_PROVIDER" />);
    const note = screen.getByText(/from the identity provider/);
    expect(note).toHaveAttribute("title", expect.stringContaining("makes Slipway manage it"));
  });

  it("is not shown for a membership managed in Slipway", () => {
    const { container } = render(<SourceNote source="SLIPWAY" />);
    expect(container).toBeEmptyDOMElement();
  });
});
