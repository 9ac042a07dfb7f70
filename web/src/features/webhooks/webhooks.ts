// What the webhook screens work out for themselves: the events an endpoint may subscribe to,
// how an endpoint's state reads to a person, when a delivery log should read itself again,
// and which page of the endpoint list holds one endpoint (the API has no single-endpoint query).

/** Every event an endpoint may subscribe to, as `createWebhookEndpoint` accepts them, with what
 * each one means. The test event (`webhook.test`) reaches every endpoint and is not chosen. */
export const EVENT_KINDS: readonly { kind: string; meaning: string }[] = [
  { kind: "release.created", meaning: "a release was created" },
  { kind: "release.pending_approval", meaning: "a release waits for approvals" },
  { kind: "release.approved", meaning: "a release reached its approvals" },
  { kind: "release.rejected", meaning: "a release was rejected" },
  { kind: "release.deployed", meaning: "a release was deployed" },
  { kind: "release.superseded", meaning: "a release was superseded" },
  { kind: "release.expired", meaning: "a release expired" },
  { kind: "environment.changed", meaning: "an environment's roles or policy changed" },
];

/** The parts of an endpoint its state is read from. */
export interface EndpointStatus {
  enabled: boolean;
  disabledReason?: string | null;
  disabledAt?: string | null;
  failingSince?: string | null;
  previousSecretUntil?: string | null;
}

/** An endpoint's state as shown: a short label and the sentences that explain it, those that
 * ask the owners to act marked `alert`. */
export interface EndpointState {
  label: "enabled" | "failing" | "disabled";
  details: { text: string; alert: boolean }[];
}

const localTime = (iso: string) => new Date(iso).toLocaleString();

/** How `endpoint` reads at `now`; `time` formats the API's timestamps. */
export function endpointState(endpoint: EndpointStatus, now: Date, time: (iso: string) => string = localTime): EndpointState {
  const details: EndpointState["details"] = [];
  let label: EndpointState["label"];
  if (!endpoint.enabled) {
    label = "disabled";
    const since = endpoint.disabledAt ? ` since ${time(endpoint.disabledAt)}` : "";
    if (endpoint.disabledReason === "failing") {
      details.push({ text: `Disabled by failures${since}: its deliveries failed for days. Fix the receiver, then enable it again.`, alert: true });
    } else {
      details.push({ text: endpoint.disabledReason === "by_member" ? `Disabled by a member${since}.` : `Disabled${since}.`, alert: false });
    }
  } else if (endpoint.failingSince) {
    label = "failing";
    details.push({ text: `Failing since ${time(endpoint.failingSince)}: deliveries are being retried.`, alert: true });
  } else {
    label = "enabled";
  }
  if (endpoint.previousSecretUntil && new Date(endpoint.previousSecretUntil) > now) {
    details.push({ text: `The previous secret also signs until ${time(endpoint.previousSecretUntil)}.`, alert: false });
  }
  return { label, details };
}

/** The parts of a delivery its next attempt is read from. */
export interface DeliveryTiming {
  status: string;
  nextAttemptAt?: string | null;
}

/** The shortest and longest wait before a delivery log with pending deliveries reads itself again. */
export const REFRESH_MIN_MS = 1_000;
export const REFRESH_MAX_MS = 60_000;
/** How long past its due time a pending delivery is taken to be under way (an attempt may take
 * 10 s); one due longer ago waits on something else: an earlier delivery's retry (each endpoint
 * gets its events one at a time) or a disabled endpoint. */
export const REFRESH_STALE_MS = 15_000;

/**
 * How long to wait before reading a delivery log again, or `null` when nothing in it is about
 * to change: a pending delivery due within a minute, or due a moment ago (its attempt under
 * way), is read again just after it is due. Retries hours away, and deliveries queued behind
 * one, are left to the Refresh button.
 */
export function refreshDelay(deliveries: readonly DeliveryTiming[], now: Date): number | null {
  let soonest: number | null = null;
  for (const d of deliveries) {
    if (d.status !== "pending") continue;
    const due = d.nextAttemptAt ? new Date(d.nextAttemptAt).getTime() - now.getTime() : 0;
    if (Number.isNaN(due) || due > REFRESH_MAX_MS || due < -REFRESH_STALE_MS) continue;
    soonest = soonest === null ? due : Math.min(soonest, due);
  }
  if (soonest === null) return null;
  return Math.min(REFRESH_MAX_MS, Math.max(REFRESH_MIN_MS, soonest + 500));
}

/**
 * The `after` cursor that makes `webhookEndpoints(first: 1, after: …)` answer with the endpoint
 * `id` alone: the cursor of the edge before it, or for the first edge of a page the cursor that
 * page was read after (`start`). `undefined` when the page does not hold it. The list is ordered
 * by creation; the answer's id is still compared, since an endpoint deleted meanwhile shifts
 * the ones after it.
 */
export function cursorBefore(
  edges: readonly { cursor: string; node: { id: string } }[],
  id: string,
  start: string | null = null,
): string | null | undefined {
  const index = edges.findIndex((e) => e.node.id === id);
  if (index < 0) return undefined;
  return index === 0 ? start : (edges[index - 1]?.cursor ?? start);
}

/** A latency in milliseconds as read at a glance. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}
