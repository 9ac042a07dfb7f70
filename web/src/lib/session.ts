// The signed-in person's token: kept in sessionStorage only (gone when the tab closes or on
// sign-out, never in localStorage), read from a sign-in link's fragment (`#token=…`, which
// never reaches a server log), and decoded only to show who is signed in.

const TOKEN_KEY = "slipway.token";
const RETURN_KEY = "slipway.returnTo";

/** Who is signed in, as the token says (display only: the server verifies the token). */
export interface Session {
  token: string;
  subject: string;
  name: string | null;
  /** Seconds since the epoch, when the token says. */
  expiresAt: number | null;
}

function decodePart(part: string): unknown {
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Reads a JWT's claims; `null` for anything that is not a JWT with a subject. */
export function parseToken(token: string): Session | null {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims = decodePart(parts[1]) as Record<string, unknown>;
    if (typeof claims.sub !== "string" || claims.sub === "") return null;
    return {
      token: token.trim(),
      subject: claims.sub,
      name: typeof claims.name === "string" ? claims.name : null,
      expiresAt: typeof claims.exp === "number" ? claims.exp : null,
    };
  } catch {
    return null;
  }
}

/** The session kept in this tab, if any. */
export function loadSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? parseToken(token) : null;
}

/** Keeps `token` for this tab; `null` (and nothing kept) when it is not a usable token. */
export function saveSession(token: string): Session | null {
  const session = parseToken(token);
  if (session) sessionStorage.setItem(TOKEN_KEY, session.token);
  return session;
}

/** Forgets the token (and, unless `returnTo` is given, where to come back to). */
export function clearSession(returnTo?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  if (returnTo) sessionStorage.setItem(RETURN_KEY, returnTo);
  else sessionStorage.removeItem(RETURN_KEY);
}

/** Where a person was when their session ended, once (it is forgotten as it is read). */
export function takeReturnTo(): string | null {
  const to = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return to && to.startsWith("/") && !to.startsWith("//") ? to : null;
}

/** The token in a sign-in link's fragment (`#token=…`), if there is one. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const token = params.get("token");
  return token && token.length > 0 ? token : null;
}
