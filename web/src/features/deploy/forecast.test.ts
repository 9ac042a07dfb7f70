import { forecast } from "./forecast";

const policy = { allowDirect: true, requiredApprovals: 0, freezeWindows: [] as { start: string; end: string }[] };
const now = new Date("2026-12-25T12:00:00Z");

describe("what publishing to an environment will do", () => {
  it("deploys now, waits, or is refused, by the target's policy", () => {
    expect(forecast(policy, now)).toBe("deploys now");
    expect(forecast({ ...policy, requiredApprovals: 1 }, now)).toBe("waits for approval");
    expect(forecast({ ...policy, allowDirect: false, requiredApprovals: 1 }, now)).toBe("refused by policy");
    expect(forecast({ ...policy, freezeWindows: [{ start: "2026-12-24T00:00:00Z", end: "2026-12-27T00:00:00Z" }] }, now)).toBe("waits for the freeze to end");
    expect(forecast({ ...policy, freezeWindows: [{ start: "2026-12-26T00:00:00Z", end: "2026-12-27T00:00:00Z" }] }, now)).toBe("deploys now");
  });
});
