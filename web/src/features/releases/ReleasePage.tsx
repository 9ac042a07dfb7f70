// One release: its changes, state, policy revision, approvals and which of them count (as the
// server counts them against the current policy and roles), why it waits, and approve / reject
// with a reason / cancel / apply (with the owner's bypass and its reason). Opened from a
// project's pages or from /releases/:id, it follows its project's `releaseUpdated` and re-reads
// on every change.

import { useParams } from "react-router";
import { useEffect, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";
import { graphql } from "../../gql";
import type { Session } from "../../lib/session";
import { describeError, type Problem } from "../../lib/errors";
import { ErrorNotice, Loading } from "../../ui/Status";

const ReleaseQuery = graphql(`
  query Release($id: ID!) {
    release(id: $id) {
      id state origin message policyRevision createdAt updatedAt organizationSlug projectSlug
      author { subject name }
      targetEnvironment { slug name policy { revision requiredApprovals autoApply preventSelfApproval approverRoles } }
      approvalStatus {
        counted required approverRoles expiresAt
        counting { user { subject } }
        waitingFor { kind message until }
      }
      source { slug }
      changes { resource { id kind key } fromVersion { number } toVersion { number } }
      approvals { user { subject name } at }
      decision { user { subject } reason at }
      bypass { user { subject } reason rules at }
      deployment { id deployedAt }
    }
  }
`);
const ReleaseWatch = graphql(`
  subscription ReleaseWatch($org: String!, $project: String!) {
    releaseUpdated(org: $org, project: $project) { id state }
  }
`);
const Approve = graphql(`mutation ApproveRelease($id: ID!) { approveRelease(id: $id) { id state } }`);
const Reject = graphql(`mutation RejectRelease($id: ID!, $reason: String!) { rejectRelease(id: $id, reason: $reason) { id state } }`);
const Cancel = graphql(`mutation CancelRelease($id: ID!, $reason: String!) { cancelRelease(id: $id, reason: $reason) { id state } }`);
const Apply = graphql(`mutation ApplyRelease($id: ID!, $bypassReason: String) { applyRelease(id: $id, bypassReason: $bypassReason) { id state } }`);

export function ReleasePage({ session }: { session: Session }) {
  const { id = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ReleaseQuery, variables: { id } });
  // The project comes from the release itself, so the page is live wherever it was opened.
  const org = data?.release.organizationSlug ?? "";
  const project = data?.release.projectSlug ?? "";
  const [watched] = useSubscription(
    { query: ReleaseWatch, variables: { org, project }, pause: org === "" || project === "" },
    (seen: number | undefined, event) => ((seen ?? 0) + (event.releaseUpdated.id === id ? 1 : 0)),
  );
  useEffect(() => {
    if (watched.data) refetch({ requestPolicy: "network-only" });
  }, [watched.data, refetch]);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [, approve] = useMutation(Approve);
  const [, reject] = useMutation(Reject);
  const [, cancel] = useMutation(Cancel);
  const [, apply] = useMutation(Apply);
  const act = async (run: () => Promise<{ error?: import("urql").CombinedError }>) => {
    const { error } = await run();
    setProblem(error ? describeError(error) : null);
    refetch({ requestPolicy: "network-only" });
  };
  if (fetching && !data) return <Loading what="the release" />;
  if (!data) return <ErrorNotice error={error} />;
  const r = data.release;
  const status = r.approvalStatus;
  const counts = new Set(status.counting.map((a) => a.user?.subject));
  const open = r.state === "PENDING" || r.state === "APPROVED";
  return (
    <article aria-labelledby="release-title">
      <h1 id="release-title">
        {r.origin.toLowerCase()} to {r.targetEnvironment?.name ?? "a deleted environment"} <span className={`badge state-${r.state}`}>{r.state.toLowerCase()}</span>
      </h1>
      <p className="muted">
        by {r.author?.name ?? r.author?.subject ?? "unknown"} · {new Date(r.createdAt).toLocaleString()} · policy revision {r.policyRevision}
        {r.source ? ` · from ${r.source.slug}` : ""}
      </p>
      {r.message ? <p>{r.message}</p> : null}
      {status.waitingFor.length > 0 ? (
        <section aria-labelledby="waiting-title">
          <h2 id="waiting-title">Why it waits</h2>
          <ul aria-label="Why it waits">
            {status.waitingFor.map((w) => (
              <li key={w.kind} data-kind={w.kind}>
                {w.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {status.expiresAt && open ? <p className="muted">Expires {new Date(status.expiresAt).toLocaleString()}.</p> : null}
      <h2>Changes</h2>
      <ul>
        {r.changes.map((c, i) => (
          <li key={c.resource?.id ?? i}>
            {c.resource?.kind.toLowerCase()} {c.resource?.key}: {c.fromVersion ? `v${c.fromVersion.number}` : "—"} → {c.toVersion ? `v${c.toVersion.number}` : "removed"}
          </li>
        ))}
      </ul>
      <h2 id="approvals-title">
        Approvals: {status.counted} of {status.required} counted
      </h2>
      <p className="muted">Approvals from {status.approverRoles.map((role) => role.toLowerCase()).join(", ")} count.</p>
      <ul aria-labelledby="approvals-title">
        {r.approvals.map((a, i) => (
          <li key={i}>
            {a.user?.name ?? a.user?.subject} · {new Date(a.at).toLocaleString()}
            {counts.has(a.user?.subject) ? " (counts)" : a.user?.subject === r.author?.subject ? " (the author's own: does not count)" : " (does not count)"}
          </li>
        ))}
      </ul>
      {r.decision ? <p>Decided by {r.decision.user?.subject}: {r.decision.reason || "no reason given"}</p> : null}
      {r.bypass ? <p>Bypassed by {r.bypass.user?.subject} ({r.bypass.rules.join(", ")}): {r.bypass.reason}</p> : null}
      {open ? (
        <section aria-label="Decide">
          <div className="field">
            <label htmlFor="reason">Reason (for rejecting, cancelling or a bypass)</label>
            <input id="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="inline">
            {r.state === "PENDING" && r.author?.subject !== session.subject ? <button type="button" className="primary" onClick={() => void act(() => approve({ id }))}>Approve</button> : null}
            {r.state === "PENDING" && r.author?.subject === session.subject ? <button type="button" className="primary" onClick={() => void act(() => approve({ id }))}>Approve (your own release)</button> : null}
            <button type="button" className="danger" disabled={reason.trim() === ""} onClick={() => void act(() => reject({ id, reason }))}>Reject</button>
            <button type="button" onClick={() => void act(() => cancel({ id, reason }))}>Cancel release</button>
            <button type="button" onClick={() => void act(() => apply({ id, bypassReason: null }))}>Apply</button>
            <button type="button" disabled={reason.trim() === ""} onClick={() => void act(() => apply({ id, bypassReason: reason }))}>Apply with bypass</button>
          </div>
        </section>
      ) : null}
      <ErrorNotice problem={problem} />
    </article>
  );
}

