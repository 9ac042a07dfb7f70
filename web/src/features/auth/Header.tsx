// The top bar: where to go, who is signed in, and signing out.
import { Link } from "react-router";
import type { Session } from "../../lib/session";

export function Header({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  return (
    <header className="top">
      <nav aria-label="Main">
        <Link to="/">Slipway</Link>
        <Link to="/releases">Waiting for my approval</Link>
      </nav>
      <div>
        <span aria-label="Signed in as">
          {session.name ?? session.subject} <span className="muted">({session.subject})</span>
        </span>{" "}
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
