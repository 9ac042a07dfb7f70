// The sign-in screen's part for an OpenID Connect provider: when the server publishes one, a
// button that leaves for its sign-in page, and the return trip (`?code=…`) completed here.
import { useEffect, useState } from "react";
import type { Session } from "../../lib/session";
import { completeSignIn, fetchOidcSettings, startSignIn, type OidcSettings } from "./oidc";

interface ProviderSignInProps {
  returnTo: string;
  onSignedIn: (session: Session, returnTo: string) => void;
}

export function ProviderSignIn({ returnTo, onSignedIn }: ProviderSignInProps) {
  const [settings, setSettings] = useState<OidcSettings | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void fetchOidcSettings().then(async (found) => {
      if (!live || !found) return;
      setSettings(found);
      try {
        const done = await completeSignIn(found, window.location.search);
        if (live && done) onSignedIn(done.session, done.returnTo);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    });
    return () => {
      live = false;
    };
    // Runs once, for the address the page was opened with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!settings) return null;
  return (
    <div className="card">
      <button
        type="button"
        className="primary"
        onClick={() => void startSignIn(settings, returnTo).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))}
      >
        Sign in with your identity provider
      </button>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
