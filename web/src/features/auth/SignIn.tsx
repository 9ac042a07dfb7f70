// Sign-in: takes the token from a sign-in link's fragment, or pasted, keeps it for this tab and
// returns to the page the person was on; explains where tokens come from.
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { saveSession, takeReturnTo, tokenFromFragment, type Session } from "../../lib/session";
import { Field } from "../../ui/Field";
import { ProviderSignIn } from "./ProviderSignIn";

interface SignInProps {
  expired: boolean;
  /** The page asked for (kept when a session ends). */
  returnTo: string;
  onSignedIn: (session: Session) => void;
}

export function SignIn({ expired, returnTo, onSignedIn }: SignInProps) {
  const navigate = useNavigate();
  const [pasted, setPasted] = useState("");
  const [error, setError] = useState<string | null>(null);

  const finish = (session: Session, from?: string) => {
    const back = from ?? takeReturnTo();
    onSignedIn(session);
    const onSignInPage = returnTo.startsWith("/signin");
    navigate(back ?? (onSignInPage ? "/" : returnTo), { replace: true });
  };

  useEffect(() => {
    const token = tokenFromFragment(window.location.hash);
    if (!token) return;
    // The fragment leaves the address bar (and the history) at once.
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    const session = saveSession(token);
    if (session) finish(session);
    else setError("The link's token is not readable; mint a new link.");
    // Runs once, for the link the page was opened with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const session = saveSession(pasted);
    if (session) finish(session);
    else setError("That is not a token (a JWT has three dot-separated parts and a subject).");
  };

  return (
    <section aria-labelledby="signin-title" className="signin">
      <h1 id="signin-title">Sign in to Slipway</h1>
      {expired ? (
        <p role="alert" className="error">
          Your session ended. Sign in again to return to the page you were on.
        </p>
      ) : null}
      <ProviderSignIn returnTo={returnTo} onSignedIn={(session, from) => finish(session, from)} />
      <p>
        With the embedded identity, ask whoever runs Slipway for a sign-in link, or mint one on the server's
        machine:
      </p>
      <pre role="region" aria-label="The command that prints a sign-in link" tabIndex={0}>slipway token --sub alice --name Alice --link</pre>
      <p className="muted">
        With an identity provider (RS256/ES256, configured as in the README), the token is the ID or access
        token your provider issues for Slipway's audience; paste it below.
      </p>
      <form onSubmit={submit}>
        <Field
          label="Token"
          name="token"
          autoComplete="off"
          spellCheck={false}
          value={pasted}
          onChange={(e) => setPasted(e.target.value)}
          error={error}
        />
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
    </section>
  );
}
