// A secret the server shows once (an API key, a webhook signing secret): announced, labelled,
// with a copy button that says when it copied, and dismissed by the person once stored.
import { useState, type ReactNode } from "react";

/** The secret in a labelled block; `children` says what it is and why it is shown once. */
export function OneTimeSecret({ secret, label, onDone, children }: { secret: string; label: string; onDone: () => void; children: ReactNode }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div role="status" className="card">
      {children}
      <pre role="region" aria-label={label} tabIndex={0}>{secret}</pre>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(secret))}>
        {copied === secret ? "Copied" : "Copy secret"}
      </button>{" "}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
