// A real OpenID Connect provider on loopback for the browser suite: the certified
// `oidc-provider` package with its development login screens (any login, any password), one
// public client for the dashboard (authorization code + PKCE, refresh tokens), and a Slipway
// server of its own configured against it exactly as the README's "Identity provider" section
// says.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Provider from "oidc-provider";
import { BINARY } from "./server";

export const CLIENT_ID = "slipway-dashboard";

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

export interface Stack {
  issuer: string;
  slipway: string;
  stop: () => Promise<void>;
}

/** Starts the provider, then Slipway trusting it. */
export async function startStack(): Promise<Stack> {
  const providerPort = await freePort();
  const slipwayPort = await freePort();
  const issuer = `http://127.0.0.1:${providerPort}`;
  const slipway = `http://127.0.0.1:${slipwayPort}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: "none",
        redirect_uris: [`${slipway}/`],
        post_logout_redirect_uris: [`${slipway}/`],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], profile: ["name"], email: ["email"] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, name: `${sub[0]?.toUpperCase() ?? ""}${sub.slice(1)}`, email: `${sub}@example.com` }),
    }),
    // Every sign-in of the dashboard may renew itself (the default asks for offline_access).
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed: (grant: string) => boolean }) =>
      client.grantTypeAllowed("refresh_token"),
    // The profile claims go into the ID token, which is what the dashboard sends.
    conformIdTokenClaims: false,
    // Short-lived ID tokens: the dashboard renews them 60 s before they expire, so within
    // seconds here.
    ttl: { IdToken: 63, AccessToken: 63, RefreshToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
  });
  const http: Server = createServer(provider.callback());
  await new Promise<void>((done) => http.listen(providerPort, "127.0.0.1", done));

  const dataDir = mkdtempSync(join(tmpdir(), "slipway-oidc-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("SLIPWAY_")));
  const child: ChildProcess = spawn(BINARY, ["serve"], {
    env: {
      ...env,
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_LISTEN: `127.0.0.1:${slipwayPort}`,
      SLIPWAY_OIDC_ISSUER: issuer,
      SLIPWAY_OIDC_CLIENT_ID: CLIENT_ID,
      SLIPWAY_LOG: "info",
      NO_COLOR: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((done, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`slipway serve did not start:\n${seen}`)), 30_000);
    const read = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("listening on")) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => fail(new Error(`slipway serve exited (${code}):\n${seen}`)));
  });
  return {
    issuer,
    slipway,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((done) => child.once("exit", done));
      await new Promise((done) => http.close(done));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
