import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { PolicyEditor, type PolicyValue } from "./PolicyEditor";

const initial: PolicyValue = {
  allowedSources: [],
  allowDirect: true,
  requiredApprovals: 0,
  explicitApproverRoles: [],
  preventSelfApproval: true,
  minSoakSeconds: 0,
  freezeWindows: [],
  autoApply: true,
  expiresAfterSeconds: null,
};

describe("the policy editor", () => {
  it("sends every field of the policy as edited", async () => {
    const onSave = vi.fn();
    render(<PolicyEditor environment="prod" sources={["staging", "qa"]} initial={initial} disabled={false} problem={null} onSave={onSave} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("checkbox", { name: /staging/ }));
    await user.click(screen.getByRole("checkbox", { name: /Allow direct publishing/ }));
    await user.clear(screen.getByLabelText("Required approvals"));
    await user.type(screen.getByLabelText("Required approvals"), "2");
    await user.click(screen.getByRole("checkbox", { name: /approver/ }));
    await user.click(screen.getByRole("checkbox", { name: /author's own approval/ }));
    await user.type(screen.getByLabelText(/Soak time/), "600");
    await user.click(screen.getByRole("checkbox", { name: /Deploy as soon as approved/ }));
    await user.type(screen.getByLabelText(/expire after/), "86400");
    await user.click(screen.getByRole("button", { name: "Add a freeze window" }));
    await user.type(screen.getByLabelText("Starts"), "2026-12-24T00:00:00Z");
    await user.type(screen.getByLabelText("Ends"), "2026-12-27T00:00:00Z");
    await user.type(screen.getByLabelText("Reason"), "holidays");
    await user.click(screen.getByRole("button", { name: "Save policy of prod" }));
    expect(onSave).toHaveBeenCalledWith({
      allowedSources: ["staging"],
      allowDirect: false,
      requiredApprovals: 2,
      approverRoles: ["APPROVER"],
      preventSelfApproval: false,
      minSoakSeconds: 600,
      freezeWindows: [{ start: "2026-12-24T00:00:00Z", end: "2026-12-27T00:00:00Z", reason: "holidays" }],
      autoApply: false,
      expiresAfterSeconds: 86400,
    });
  });

  it("marks the field a VALIDATION error names", () => {
    const problem = { message: "requiredApprovals: at most 10", code: "VALIDATION", field: "requiredApprovals", rule: null };
    render(<PolicyEditor environment="prod" sources={[]} initial={initial} disabled={false} problem={problem} onSave={() => {}} />);
    const field = screen.getByLabelText("Required approvals");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription("requiredApprovals: at most 10");
  });

  it("offers no way to save for a role that cannot manage policies", () => {
    render(<PolicyEditor environment="prod" sources={[]} initial={initial} disabled problem={null} onSave={() => {}} />);
    expect(screen.getByRole("button", { name: "Save policy of prod" })).toBeDisabled();
  });
});
