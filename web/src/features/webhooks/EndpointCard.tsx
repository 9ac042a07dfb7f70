// One webhook endpoint: what it receives and how it is doing, its settings, turning it off and
// on, a new signing secret (shown once; the old one keeps signing during the overlap), the test
// event, deleting it, and its delivery log.
import { useState } from "react";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { describeError, type Problem } from "../../lib/errors";
import { ErrorNotice } from "../../ui/Status";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { EndpointForm, type EndpointValues } from "./EndpointForm";
import { Deliveries } from "./Deliveries";
import { endpointState, type EndpointStatus } from "./webhooks";

const UpdateEndpoint = graphql(`
  mutation UpdateWebhookEndpoint($org: String!, $project: String!, $id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(org: $org, project: $project, id: $id, input: $input) {
      id url description events enabled disabledReason disabledAt failingSince updatedAt
    }
  }
`);
const RotateSecret = graphql(`
  mutation RotateWebhookSecret($org: String!, $project: String!, $id: ID!) {
    rotateWebhookSecret(org: $org, project: $project, id: $id) { secret endpoint { id previousSecretUntil updatedAt } }
  }
`);
const SendTest = graphql(`
  mutation SendTestWebhook($org: String!, $project: String!, $id: ID!) {
    sendTestWebhook(org: $org, project: $project, id: $id)
  }
`);
const DeleteEndpoint = graphql(`
  mutation DeleteWebhookEndpoint($org: String!, $project: String!, $id: ID!) {
    deleteWebhookEndpoint(org: $org, project: $project, id: $id)
  }
`);

/** An endpoint as the list reads it. */
export interface Endpoint extends EndpointStatus {
  id: string;
  url: string;
  description: string;
  events: string[];
  createdAt: string;
}

type Action = "settings" | "enabled" | "rotate" | "test" | "delete";

export function EndpointCard({ endpoint, endpointAfter, onChanged }: {
  endpoint: Endpoint;
  /** Where the delivery log finds this endpoint in the list (`cursorBefore`). */
  endpointAfter: string | null;
  /** Runs after a change the list must read again (a deletion, new settings, an attempt). */
  onChanged: () => void;
}) {
  const { org, project } = useProject();
  const [, update] = useMutation(UpdateEndpoint);
  const [, rotate] = useMutation(RotateSecret);
  const [, sendTest] = useMutation(SendTest);
  const [, remove] = useMutation(DeleteEndpoint);
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<{ action: Action; problem: Problem } | null>(null);
  const [rotated, setRotated] = useState<{ secret: string; until: string | null } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const [signal, setSignal] = useState(0);
  const state = endpointState(endpoint, new Date());
  const titleId = `endpoint-${endpoint.id}`;
  const at = (action: Action) => (problem?.action === action ? problem.problem : null);
  const outcome = (action: Action, error: import("urql").CombinedError | undefined) => {
    setProblem(error ? { action, problem: describeError(error) } : null);
    return !error;
  };

  const saveSettings = async (values: EndpointValues) => {
    const r = await update({ org, project, id: endpoint.id, input: values });
    const ok = outcome("settings", r.error);
    if (ok) {
      setEditing(false);
      onChanged();
    }
    return ok;
  };
  const setEnabled = async (enabled: boolean) => {
    const r = await update({ org, project, id: endpoint.id, input: { enabled } });
    if (outcome("enabled", r.error)) onChanged();
  };
  const rotateSecret = async () => {
    setNotice(null);
    const r = await rotate({ org, project, id: endpoint.id });
    if (outcome("rotate", r.error) && r.data) {
      setRotated({ secret: r.data.rotateWebhookSecret.secret, until: r.data.rotateWebhookSecret.endpoint.previousSecretUntil ?? null });
      onChanged();
    }
  };
  const test = async () => {
    const r = await sendTest({ org, project, id: endpoint.id });
    if (outcome("test", r.error) && r.data) {
      setNotice(`Test event sent (webhook-id ${r.data.sendTestWebhook}).`);
      setShowDeliveries(true);
      setSignal(signal + 1);
    }
  };
  const del = async () => {
    if (!window.confirm(`Delete the endpoint ${endpoint.url}? Its delivery log goes with it.`)) return;
    const r = await remove({ org, project, id: endpoint.id });
    if (outcome("delete", r.error)) onChanged();
  };

  return (
    <section className="card" aria-labelledby={titleId}>
      <h3 id={titleId} className="code">{endpoint.url}</h3>
      {endpoint.description ? <p>{endpoint.description}</p> : null}
      <p>
        <span className={`badge endpoint-${state.label}`}>{state.label}</span>{" "}
        <span className="muted">created {new Date(endpoint.createdAt).toLocaleString()}</span>
      </p>
      {state.details.map((d) => (
        <p key={d.text} className={d.alert ? "error" : "muted"}>{d.text}</p>
      ))}
      <p>
        Events:{" "}
        {endpoint.events.map((e) => (
          <span key={e} className="badge code">{e}</span>
        ))}
      </p>
      {editing ? (
        <EndpointForm
          name={`Settings of ${endpoint.url}`}
          initial={{ url: endpoint.url, description: endpoint.description, events: endpoint.events }}
          submitLabel="Save endpoint"
          problem={at("settings")}
          onSubmit={saveSettings}
          onCancel={() => {
            setEditing(false);
            setProblem(null);
          }}
        />
      ) : null}
      <p className="actions">
        {!editing ? <button type="button" onClick={() => setEditing(true)}>Edit settings</button> : null}{" "}
        {endpoint.enabled ? (
          <button type="button" onClick={() => void setEnabled(false)}>Disable</button>
        ) : (
          <button type="button" onClick={() => void setEnabled(true)} title="Deliveries go out again; past failures are forgotten">Enable</button>
        )}{" "}
        <button type="button" onClick={() => void rotateSecret()}>Rotate secret</button>{" "}
        <button type="button" onClick={() => void test()}>Send test event</button>{" "}
        <button type="button" aria-expanded={showDeliveries} onClick={() => setShowDeliveries(!showDeliveries)}>
          {showDeliveries ? "Hide deliveries" : "Show deliveries"}
        </button>{" "}
        <button type="button" className="danger" onClick={() => void del()}>Delete endpoint</button>
      </p>
      {(["enabled", "rotate", "test", "delete"] as const).map((a) => <ErrorNotice key={a} problem={at(a)} />)}
      {notice ? <p role="status">{notice}</p> : null}
      {rotated ? (
        <OneTimeSecret secret={rotated.secret} label="New signing secret" onDone={() => setRotated(null)}>
          <p>
            The new signing secret is shown once; store it now. Deliveries are signed with it from now on, and the previous
            secret keeps signing beside it{rotated.until ? ` until ${new Date(rotated.until).toLocaleString()}` : " for 24 hours"}, so
            receivers can switch over without refusing a delivery.
          </p>
        </OneTimeSecret>
      ) : null}
      {showDeliveries ? <Deliveries endpointId={endpoint.id} endpointAfter={endpointAfter} url={endpoint.url} signal={signal} onAttempted={onChanged} /> : null}
    </section>
  );
}
