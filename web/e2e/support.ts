// What the browser tests share: the server's address (and a way to restart it), sign-in links
// minted by the real `slipway token --link`, and a screenshot helper that keeps each screen as
// an artifact.
import { execFileSync } from "node:child_process";
import type { Page, TestInfo } from "@playwright/test";
import { BINARY } from "./server";

/** The running server's base URL. */
export function serverUrl(): string {
  const url = process.env.SLIPWAY_URL;
  if (!url) throw new Error("the server was not started (global setup)");
  return url;
}

/** Restarts the server (same address, same data); resolves once it listens again. */
export async function restartServer(): Promise<void> {
  const control = process.env.SLIPWAY_CONTROL_URL;
  if (!control) throw new Error("the server was not started (global setup)");
  const response = await fetch(`${control}/restart`, { method: "POST" });
  if (!response.ok) throw new Error(`restart failed: ${await response.text()}`);
}

/** A sign-in link for `subject`, exactly as an operator mints one. */
export function signInLink(subject: string, name: string, ttl = "1h"): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([n]) => !n.startsWith("SLIPWAY_") || n === "SLIPWAY_DATA_DIR"));
  return execFileSync(BINARY, ["token", "--sub", subject, "--name", name, "--ttl", ttl, "--link", "--base-url", serverUrl()], {
    env: { ...env, SLIPWAY_LOG: "warn" },
  })
    .toString()
    .trim();
}

/** The token inside a sign-in link (for API calls a test makes beside the browser). */
export function tokenOf(link: string): string {
  return link.split("#token=")[1] ?? "";
}

/** Keeps a screenshot of the current screen as a test artifact. */
export async function snap(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** Sends a GraphQL operation as `token` and fails the test on any error. */
export async function gql(token: string, query: string, variables: Record<string, unknown> = {}): Promise<unknown> {
  const response = await fetch(`${serverUrl()}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
