// The endpoint form, for a new endpoint and for an existing one's settings: URL, description and
// the events it subscribes to, with the server's VALIDATION message at the field it names.
import { useId, useState, type FormEvent } from "react";
import { fieldMessage, type Problem } from "../../lib/errors";
import { Field } from "../../ui/Field";
import { ErrorNotice } from "../../ui/Status";
import { EVENT_KINDS } from "./webhooks";

/** What the form edits. */
export interface EndpointValues {
  url: string;
  description: string;
  events: string[];
}

export const EMPTY_ENDPOINT: EndpointValues = { url: "", description: "", events: [] };

const FIELDS = ["url", "description", "events"] as const;

/** The message for `field`, whether the server named it bare (`url`) or inside the input. */
function messageAt(problem: Problem | null, field: string): string | null {
  return fieldMessage(problem, field) ?? fieldMessage(problem, `input.${field}`);
}

export function EndpointForm(props: {
  /** The form's accessible name. */
  name: string;
  initial: EndpointValues;
  submitLabel: string;
  problem: Problem | null;
  /** Resolves to whether the server took it; a form for a new endpoint then starts empty. */
  onSubmit: (values: EndpointValues) => Promise<boolean>;
  clearOnSuccess?: boolean;
  onCancel?: () => void;
}) {
  const { name, initial, submitLabel, problem, onSubmit, clearOnSuccess, onCancel } = props;
  const [values, setValues] = useState<EndpointValues>(initial);
  const [busy, setBusy] = useState(false);
  const eventsError = messageAt(problem, "events");
  const eventsErrorId = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    // Sent in the API's order, whatever order they were ticked in.
    const events = EVENT_KINDS.map((e) => e.kind).filter((k) => values.events.includes(k));
    const ok = await onSubmit({ ...values, events });
    setBusy(false);
    if (ok && clearOnSuccess) setValues(EMPTY_ENDPOINT);
  };
  const toggle = (kind: string, on: boolean) =>
    setValues({ ...values, events: on ? [...values.events, kind] : values.events.filter((k) => k !== kind) });
  const otherProblem = problem && !FIELDS.some((f) => messageAt(problem, f)) ? problem : null;
  return (
    <form onSubmit={submit} aria-label={name}>
      <Field
        label="URL"
        inputMode="url"
        autoComplete="off"
        value={values.url}
        onChange={(e) => setValues({ ...values, url: e.target.value })}
        hint="https://…, or http:// to this machine (localhost) only"
        error={messageAt(problem, "url")}
        required
      />
      <Field
        label="Description"
        value={values.description}
        onChange={(e) => setValues({ ...values, description: e.target.value })}
        error={messageAt(problem, "description")}
        maxLength={280}
      />
      <fieldset aria-describedby={eventsError ? eventsErrorId : undefined}>
        <legend>Events (the test event reaches every endpoint)</legend>
        {EVENT_KINDS.map(({ kind, meaning }) => (
          <label key={kind} className="choice">
            <input type="checkbox" checked={values.events.includes(kind)} onChange={(e) => toggle(kind, e.target.checked)} />{" "}
            <span className="code">{kind}</span> <span className="muted">— {meaning}</span>
          </label>
        ))}
        {eventsError ? (
          <small id={eventsErrorId} className="field-error">
            {eventsError}
          </small>
        ) : null}
      </fieldset>
      <p>
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>{" "}
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </p>
      <ErrorNotice problem={otherProblem} />
    </form>
  );
}
