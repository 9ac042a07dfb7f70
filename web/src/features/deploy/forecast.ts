// What deploying to an environment will do under its policy, as far as can be told beforehand
// (the server decides; soak and role rules are checked there).

/** The parts of a policy the forecast reads. */
export interface ForecastPolicy {
  allowDirect: boolean;
  requiredApprovals: number;
  freezeWindows: { start: string; end: string }[];
}

export type Forecast = "deploys now" | "waits for approval" | "refused by policy" | "waits for the freeze to end";

/** The forecast for a publish or direct deploy to an environment with `policy`, at `now`. */
export function forecast(policy: ForecastPolicy, now: Date): Forecast {
  if (!policy.allowDirect) return "refused by policy";
  if (policy.requiredApprovals > 0) return "waits for approval";
  if (policy.freezeWindows.some((w) => new Date(w.start) <= now && now < new Date(w.end))) return "waits for the freeze to end";
  return "deploys now";
}
