// The app shell: the session (sign-in when there is none, at whatever page was asked for),
// the GraphQL client for it, the header and the routes.
import { useCallback, useEffect, useMemo, useState } from "react";
import { Provider } from "urql";
import { Route, Routes, useLocation } from "react-router";
import { makeClient } from "../lib/client";
import { clearSession, loadSession, type Session } from "../lib/session";
import { SignIn } from "../features/auth/SignIn";
import { forgetProviderTokens, scheduleRenewal } from "../features/auth/oidc";
import { Header } from "../features/auth/Header";
import { ProjectRoutes } from "./ProjectRoutes";
import { OrganizationsPage } from "../features/organizations/OrganizationsPage";
import { ReleasePage } from "../features/releases/ReleasePage";
import { AwaitingMe } from "../features/releases/AwaitingMe";

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [expired, setExpired] = useState(false);
  const location = useLocation();
  const here = location.pathname + location.search;

  const onUnauthenticated = useCallback(() => {
    clearSession(window.location.pathname + window.location.search);
    setExpired(true);
    setSession(null);
  }, []);
  const client = useMemo(
    () => (session ? makeClient(session.token, onUnauthenticated) : null),
    [session, onUnauthenticated],
  );
  // With an identity provider's refresh token, the session renews itself before it expires.
  useEffect(() => (session ? scheduleRenewal(session, setSession) : undefined), [session]);
  const signOut = useCallback(() => {
    forgetProviderTokens();
    clearSession();
    setExpired(false);
    setSession(null);
  }, []);

  if (!session || !client) {
    return (
      <main>
        <SignIn
          expired={expired}
          returnTo={here}
          onSignedIn={(s) => {
            setExpired(false);
            setSession(s);
          }}
        />
      </main>
    );
  }
  return (
    <Provider value={client}>
      <Header session={session} onSignOut={signOut} />
      <main>
        <Routes>
          <Route path="/" element={<OrganizationsPage />} />
          <Route path="/signin" element={<OrganizationsPage />} />
          <Route path="/releases" element={<AwaitingMe />} />
          <Route path="/releases/:id" element={<ReleasePage session={session} />} />
          <Route path="/orgs/:org/projects/:project/*" element={<ProjectRoutes session={session} />} />
          <Route path="*" element={<p>There is no such page. <a href="/">Organizations</a></p>} />
        </Routes>
      </main>
    </Provider>
  );
}
