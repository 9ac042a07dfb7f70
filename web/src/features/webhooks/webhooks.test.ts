import { EVENT_KINDS, cursorBefore, endpointState, formatLatency, refreshDelay, REFRESH_MAX_MS, REFRESH_MIN_MS, REFRESH_STALE_MS } from "./webhooks";

const now = new Date("2026-12-04T12:00:00Z");
const iso = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
const time = (value: string) => `<${value}>`;

describe("the events an endpoint may choose", () => {
  it("are every kind the API accepts, once, without the test event", () => {
    expect(EVENT_KINDS.map((e) => e.kind)).toEqual([
      "release.created",
      "release.pending_approval",
      "release.approved",
      "release.rejected",
      "release.deployed",
      "release.superseded",
      "release.expired",
      "environment.changed",
    ]);
  });
});

describe("an endpoint's state", () => {
  it("is plain enabled when healthy", () => {
    expect(endpointState({ enabled: true }, now, time)).toEqual({ label: "enabled", details: [] });
  });

  it("says since when an enabled endpoint is failing", () => {
    const state = endpointState({ enabled: true, failingSince: "2026-12-03T08:00:00Z" }, now, time);
    expect(state.label).toBe("failing");
    expect(state.details).toEqual([{ text: "Failing since <2026-12-03T08:00:00Z>: deliveries are being retried.", alert: true }]);
  });

  it("tells disabled by failures apart from disabled by a member", () => {
    const failing = endpointState({ enabled: false, disabledReason: "failing", disabledAt: "2026-12-01T00:00:00Z", failingSince: "2026-11-28T00:00:00Z" }, now, time);
    expect(failing.label).toBe("disabled");
    expect(failing.details).toEqual([
      { text: "Disabled by failures since <2026-12-01T00:00:00Z>: its deliveries failed for days. Fix the receiver, then enable it again.", alert: true },
    ]);
    const byMember = endpointState({ enabled: false, disabledReason: "by_member", disabledAt: "2026-12-02T00:00:00Z" }, now, time);
    expect(byMember.details).toEqual([{ text: "Disabled by a member since <2026-12-02T00:00:00Z>.", alert: false }]);
  });

  it("mentions the previous secret only while it still signs", () => {
    const during = endpointState({ enabled: true, previousSecretUntil: iso(3_600_000) }, now, time);
    expect(during.details).toEqual([{ text: `The previous secret also signs until <${iso(3_600_000)}>.`, alert: false }]);
    expect(endpointState({ enabled: true, previousSecretUntil: iso(-1) }, now, time).details).toEqual([]);
  });
});

describe("when a delivery log reads itself again", () => {
  it("never, when nothing is pending or the next retry is far off", () => {
    expect(refreshDelay([], now)).toBeNull();
    expect(refreshDelay([{ status: "delivered" }, { status: "failed" }], now)).toBeNull();
    expect(refreshDelay([{ status: "pending", nextAttemptAt: iso(2 * 3_600_000) }], now)).toBeNull();
  });

  it("not for deliveries long overdue: they wait behind an earlier retry or a disabled endpoint", () => {
    const queued = { status: "pending", nextAttemptAt: iso(-REFRESH_STALE_MS - 1) };
    expect(refreshDelay([queued, { status: "pending", nextAttemptAt: iso(2 * 3_600_000) }], now)).toBeNull();
    expect(refreshDelay([queued, { status: "pending", nextAttemptAt: iso(15_000) }], now)).toBe(15_500);
  });

  it("just after the soonest pending attempt is due, within bounds", () => {
    expect(refreshDelay([{ status: "pending", nextAttemptAt: iso(15_000) }, { status: "pending", nextAttemptAt: iso(40_000) }], now)).toBe(15_500);
    // Already due (its attempt under way) or not yet scheduled: soon, but not in a busy loop.
    expect(refreshDelay([{ status: "pending", nextAttemptAt: iso(-5_000) }], now)).toBe(REFRESH_MIN_MS);
    expect(refreshDelay([{ status: "pending", nextAttemptAt: null }], now)).toBe(REFRESH_MIN_MS);
    expect(refreshDelay([{ status: "pending", nextAttemptAt: iso(REFRESH_MAX_MS) }], now)).toBe(REFRESH_MAX_MS);
  });
});

describe("finding one endpoint in the list", () => {
  const edges = [
    { cursor: "c1", node: { id: "a" } },
    { cursor: "c2", node: { id: "b" } },
    { cursor: "c3", node: { id: "c" } },
  ];

  it("reads after the edge before it, or after the page's own start for the first", () => {
    expect(cursorBefore(edges, "a")).toBeNull();
    expect(cursorBefore(edges, "a", "p2")).toBe("p2");
    expect(cursorBefore(edges, "b", "p2")).toBe("c1");
    expect(cursorBefore(edges, "c")).toBe("c2");
    expect(cursorBefore(edges, "z")).toBeUndefined();
  });
});

describe("a latency", () => {
  it("reads in milliseconds below a second and in seconds above", () => {
    expect(formatLatency(null)).toBe("—");
    expect(formatLatency(0)).toBe("0 ms");
    expect(formatLatency(412)).toBe("412 ms");
    expect(formatLatency(10_000)).toBe("10.0 s");
  });
});
