// Signing in through the configured OpenID Connect provider: authorization code + PKCE
// (RFC 7636, S256) from the browser, as a public client. The server publishes the issuer, client
// id and scopes at /auth/oidc; the provider's endpoints come from its discovery document. The ID
// token becomes the session's bearer token (its audience is the client id, which the server
// checks); a refresh token, when the provider issues one, renews it before it expires. The
// verifier, state and nonce live in sessionStorage only for the round trip.
import { saveSession, type Session } from "../../lib/session";

const PENDING_KEY = "slipway.oidc.pending";
const REFRESH_KEY = "slipway.oidc.refresh";
const ISSUER_KEY = "slipway.oidc.issuer";

/** What the server publishes. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes: string[];
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

/** The provider's settings, or `null` when the server has none (the embedded default). */
export async function fetchOidcSettings(): Promise<OidcSettings | null> {
  try {
    const response = await fetch("/auth/oidc");
    if (!response.ok) return null;
    const body = (await response.json()) as { oidc: OidcSettings | null };
    return body.oidc;
  } catch {
    return null;
  }
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh random string of 32 bytes, base64url (a PKCE verifier, a state or a nonce). */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 code challenge of `verifier`. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the identity provider's discovery document answered ${response.status}`);
  return (await response.json()) as Discovery;
}

function redirectUri(): string {
  return `${window.location.origin}/`;
}

/** Leaves for the provider's sign-in page; comes back to `/` with a code. */
export async function startSignIn(settings: OidcSettings, returnTo: string): Promise<void> {
  const discovery = await discover(settings.issuer);
  const pending: Pending = { verifier: randomToken(), state: randomToken(), nonce: randomToken(), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: settings.scopes.join(" "),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await codeChallenge(pending.verifier),
    code_challenge_method: "S256",
  }).toString();
  window.location.assign(url.toString());
}

interface TokenAnswer {
  id_token?: string;
  refresh_token?: string;
}

async function exchange(settings: OidcSettings, form: Record<string, string>): Promise<TokenAnswer> {
  const discovery = await discover(settings.issuer);
  const response = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: settings.clientId, ...form }).toString(),
  });
  if (!response.ok) throw new Error(`the identity provider refused the sign-in (${response.status})`);
  return (await response.json()) as TokenAnswer;
}

function nonceOf(idToken: string): unknown {
  try {
    const part = idToken.split(".")[1] ?? "";
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    return (JSON.parse(json) as { nonce?: unknown }).nonce;
  } catch {
    return undefined;
  }
}

/**
 * Finishes a sign-in the provider sent back to this page (`?code=…&state=…`): `null` when the
 * address carries none. The query leaves the address bar at once.
 */
export async function completeSignIn(
  settings: OidcSettings,
  search: string,
): Promise<{ session: Session; returnTo: string } | null> {
  const params = new URLSearchParams(search);
  const code = params.get("code");
  const state = params.get("state");
  if (!code && !params.get("error")) return null;
  window.history.replaceState(null, "", window.location.pathname);
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = stored ? (JSON.parse(stored) as Pending) : null;
  if (!code || !pending || state !== pending.state) {
    throw new Error(params.get("error_description") ?? "the sign-in did not come back as it left; try again");
  }
  const answer = await exchange(settings, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  if (!answer.id_token || nonceOf(answer.id_token) !== pending.nonce) {
    throw new Error("the identity provider's answer was not for this sign-in");
  }
  const session = saveSession(answer.id_token);
  if (!session) throw new Error("the identity provider's token names no user");
  keepRefresh(settings, answer.refresh_token);
  return { session, returnTo: pending.returnTo };
}

function keepRefresh(settings: OidcSettings, refreshToken: string | undefined) {
  if (refreshToken) {
    sessionStorage.setItem(REFRESH_KEY, refreshToken);
    sessionStorage.setItem(ISSUER_KEY, JSON.stringify(settings));
  }
}

/** How long before a token's expiry it is renewed. */
export const RENEW_BEFORE_SECONDS = 60;

/**
 * Renews the session before `session` expires, with the refresh token kept at sign-in; calls
 * `onRenewed` with the new session. Returns a function that cancels the timer. Does nothing
 * without a refresh token (the session then ends with its token).
 */
export function scheduleRenewal(session: Session, onRenewed: (s: Session) => void): () => void {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  const settingsText = sessionStorage.getItem(ISSUER_KEY);
  if (!refreshToken || !settingsText || session.expiresAt === null) return () => {};
  const settings = JSON.parse(settingsText) as OidcSettings;
  const delay = Math.max(0, (session.expiresAt - RENEW_BEFORE_SECONDS) * 1000 - Date.now());
  const timer = window.setTimeout(() => {
    exchange(settings, { grant_type: "refresh_token", refresh_token: refreshToken })
      .then((answer) => {
        const renewed = answer.id_token ? saveSession(answer.id_token) : null;
        if (!renewed) return;
        keepRefresh(settings, answer.refresh_token ?? refreshToken);
        onRenewed(renewed);
      })
      // A refused renewal leaves the session to end with its token (the server says when).
      .catch(() => {});
  }, delay);
  return () => window.clearTimeout(timer);
}

/** Forgets the provider's tokens (the session itself is cleared by the caller). */
export function forgetProviderTokens(): void {
  sessionStorage.removeItem(REFRESH_KEY);
  sessionStorage.removeItem(ISSUER_KEY);
  sessionStorage.removeItem(PENDING_KEY);
}


