// A provider's credential, set write-only: the secret goes to the server and is never shown
// again; the answer is the id an activation refers to.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { describeError, type Problem } from "../../lib/errors";
import { ErrorNotice } from "../../ui/Status";

const SetCredential = graphql(`
  mutation SetProviderCredential($org: String!, $project: String!, $provider: String!, $secret: String!) {
    setProviderCredential(org: $org, project: $project, provider: $provider, secret: $secret) { id }
  }
`);

export function CredentialForm({ provider }: { provider: string }) {
  const { org, project } = useProject();
  const [, set] = useMutation(SetCredential);
  const [secret, setSecret] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [stored, setStored] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await set({ org, project, provider, secret });
    // The secret leaves the page's state either way.
    setSecret("");
    if (result.error || !result.data) return setProblem(result.error ? describeError(result.error) : null);
    setProblem(null);
    setStored(result.data.setProviderCredential.id);
  };
  return (
    <form onSubmit={submit} aria-labelledby="credential-title">
      <h3 id="credential-title">Credential</h3>
      <p className="muted">Write-only: stored encrypted, never shown again. An activation's content refers to it by id.</p>
      <div className="field">
        <label htmlFor="credential-secret">Provider API key</label>
        <input id="credential-secret" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} required />
      </div>
      <button type="submit">Store credential</button>
      <ErrorNotice problem={problem} />
      {stored ? <p role="status">Stored as credential <code>{stored}</code>.</p> : null}
    </form>
  );
}
