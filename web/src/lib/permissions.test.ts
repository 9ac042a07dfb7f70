import { can } from "./permissions";

describe("the dashboard's permissions", () => {
  it("let only owners and admins manage webhooks, as DESIGN.md §2 says", () => {
    expect(can("OWNER", "project:manage_webhooks")).toBe(true);
    expect(can("ADMIN", "project:manage_webhooks")).toBe(true);
    expect(can("DEVELOPER", "project:manage_webhooks")).toBe(false);
    expect(can("APPROVER", "project:manage_webhooks")).toBe(false);
    expect(can("VIEWER", "project:manage_webhooks")).toBe(false);
  });
});
