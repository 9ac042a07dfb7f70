// Signing in to the dashboard through a real OpenID Connect provider (authorization code +
// PKCE), working with the ID token it issues, and signing out.
import { expect, test } from "@playwright/test";
import { startStack, type Stack } from "./identity-provider";

let stack: Stack;

test.beforeAll(async () => {
  stack = await startStack();
});

test.afterAll(async () => {
  await stack?.stop();
});

test("a person signs in through the identity provider and out again", async ({ page }) => {
  await page.goto(`${stack.slipway}/`);
  await page.getByRole("button", { name: "Sign in with your identity provider" }).click();

  // The provider's own screens.
  await page.waitForURL(`${stack.issuer}/**`, { waitUntil: "commit" });
  await page.locator('input[name="login"]').fill("carol");
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();

  // Back in the dashboard, signed in as the provider says, with a token the server accepts.
  await page.waitForURL(`${stack.slipway}/**`);
  await expect(page.getByLabel("Signed in as")).toHaveText("Carol (carol)");
  expect(new URL(page.url()).search).toBe("");
  const token = await page.evaluate(() => sessionStorage.getItem("slipway.token"));
  expect(token).toBeTruthy();
  const viewer = await page.request.post(`${stack.slipway}/graphql`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { query: "{ viewer { user { subject name } } }" },
  });
  expect(await viewer.json()).toEqual({ data: { viewer: { user: { subject: "carol", name: "Carol" } } } });
  expect(await page.evaluate(() => sessionStorage.getItem("slipway.oidc.refresh"))).toBeTruthy();

  // The token is renewed silently before it expires (the provider's tokens live 63 s).
  await expect.poll(() => page.evaluate(() => sessionStorage.getItem("slipway.token")), { timeout: 20_000 }).not.toBe(token);
  await expect(page.getByLabel("Signed in as")).toHaveText("Carol (carol)");
  const renewed = await page.evaluate(() => sessionStorage.getItem("slipway.token"));
  const again = await page.request.post(`${stack.slipway}/graphql`, {
    headers: { Authorization: `Bearer ${renewed}` },
    data: { query: "{ viewer { user { subject } } }" },
  });
  expect(await again.json()).toEqual({ data: { viewer: { user: { subject: "carol" } } } });

  await page.getByRole("button", { name: /sign out/i }).click();
  await expect(page.getByRole("button", { name: "Sign in with your identity provider" })).toBeVisible();
  expect(await page.evaluate(() => [sessionStorage.getItem("slipway.token"), sessionStorage.getItem("slipway.oidc.refresh")])).toEqual([null, null]);
});
