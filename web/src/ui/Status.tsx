// Loading and error states every request shows: a polite live region while waiting, an alert
// with the server's message (and what the code means) when it fails.
import type { CombinedError } from "urql";
import { describeError, explain, type Problem } from "../lib/errors";

/** Shown while a request is in flight. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite" className="muted">
      Loading {what}…
    </p>
  );
}

/** A failed request: the GraphQL error's message, its code and what it means. */
export function ErrorNotice({ error, problem }: { error?: CombinedError; problem?: Problem | null }) {
  const shown = problem ?? (error ? describeError(error) : null);
  if (!shown) return null;
  const explanation = explain(shown);
  return (
    <div role="alert" className="error">
      <strong>{shown.message}</strong>
      {shown.code ? <span className="code"> ({shown.code}{shown.rule ? `: ${shown.rule}` : ""})</span> : null}
      {explanation && explanation !== shown.message ? <p>{explanation}</p> : null}
    </div>
  );
}
