// The story in a real browser: Alice signs in, creates an organization and a project,
// adds qa, reorders, publishes a prompt to staging and qa at once, sets prod's policy (from
// staging, one approval) and promotes; Bob, in a second browser context, finds the release
// waiting for his approval and approves; Alice's overview updates live; a gateway reads the new
// version from prod; Alice rolls staging back from its timeline.
import { expect, test, type Page } from "@playwright/test";
import { serverUrl, signInLink, snap } from "./support";

/** Every failed request a page makes, so a test can say none happened. */
function failures(page: Page): string[] {
  const seen: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) seen.push(`${r.status()} ${r.url()}`);
  });
  page.on("pageerror", (e) => seen.push(`page error: ${e.message}`));
  return seen;
}

/** GraphQL errors the API answered with (status 200 bodies with `errors`). */
function graphqlErrors(page: Page): string[] {
  const seen: string[] = [];
  page.on("response", async (r) => {
    if (!r.url().endsWith("/graphql") || r.request().method() !== "POST") return;
    const body = await r.json().catch(() => null);
    if (body?.errors) seen.push(JSON.stringify(body.errors));
  });
  return seen;
}

test("Alice ships a prompt to prod with Bob's approval, live, and rolls staging back", async ({ browser }, info) => {
  const alice = await (await browser.newContext()).newPage();
  const aliceFailures = failures(alice);
  const aliceErrors = graphqlErrors(alice);

  // Signing in with a link: the token leaves the address bar and is kept for the tab only.
  await alice.goto(signInLink("alice", "Alice"));
  await expect(alice.getByRole("heading", { name: "Organizations" })).toBeVisible();
  await expect(alice.getByLabel("Signed in as")).toContainText("Alice");
  expect(alice.url()).not.toContain("token");
  await snap(alice, info, "01-organizations-empty");

  await alice.getByLabel("Organization slug").fill("acme");
  await alice.getByLabel("Organization name").fill("Acme");
  await alice.getByRole("button", { name: "Create organization" }).click();
  await expect(alice.getByRole("heading", { name: /Acme/ })).toBeVisible();
  await alice.getByLabel("Project slug").fill("support-bot");
  await alice.getByLabel("Project name").fill("Support bot");
  await alice.getByRole("button", { name: "Create project" }).click();
  await alice.getByRole("link", { name: "Support bot" }).click();
  await expect(alice.getByRole("heading", { name: /Production/ })).toBeVisible();
  await expect(alice.getByRole("heading", { name: /Staging/ })).toBeVisible();
  await snap(alice, info, "02-overview-new-project");

  // Settings → Environments: add qa, then move it up by keyboard-usable buttons and save.
  await alice.getByRole("link", { name: "Environments" }).click();
  await alice.getByLabel("Slug").fill("qa");
  await alice.getByLabel("Name", { exact: true }).first().fill("QA");
  await alice.getByRole("button", { name: "Add environment" }).click();
  const order = alice.getByRole("list", { name: "Environment order" });
  await expect(order.getByRole("listitem")).toHaveCount(3);
  await alice.getByRole("button", { name: "Move QA up" }).click();
  await alice.getByRole("button", { name: "Save order" }).click();
  await expect(order.getByRole("listitem").nth(1)).toContainText("QA");
  await expect(alice.getByRole("button", { name: "Save order" })).toBeDisabled();
  await snap(alice, info, "03-environments");

  // Deploy: one prompt version to staging and qa at once, with the forecast shown first.
  await alice.getByRole("link", { name: "Deploy" }).click();
  const publish = alice.getByRole("form", { name: "Publish a prompt version" });
  await publish.getByLabel("Prompt key").fill("greeting");
  await publish.getByLabel("Message").fill("first draft");
  await publish.getByRole("checkbox", { name: "Staging" }).check();
  await publish.getByRole("checkbox", { name: "QA" }).check();
  await expect(alice.getByTestId("forecast-staging")).toHaveText("deploys now");
  await expect(alice.getByTestId("forecast-qa")).toHaveText("deploys now");
  await snap(alice, info, "04-deploy");
  await alice.getByRole("button", { name: "Publish to 2 environments" }).click();
  await expect(alice.getByText("Version 1 published.")).toBeVisible();
  await expect(alice.getByRole("status").getByRole("link", { name: "deployed" })).toHaveCount(2);

  // prod's policy: only from staging, one approval.
  await alice.getByRole("link", { name: "Environments" }).click();
  const prodPolicy = alice.getByRole("form", { name: "Promotion policy of prod" });
  await prodPolicy.getByRole("checkbox", { name: "staging" }).check();
  await prodPolicy.getByRole("checkbox", { name: /Allow direct publishing/ }).uncheck();
  await prodPolicy.getByLabel("Required approvals").fill("1");
  await prodPolicy.getByRole("button", { name: "Save policy of prod" }).click();
  await expect(alice.getByRole("form", { name: "Promotion policy of prod" }).getByLabel("Required approvals")).toHaveValue("1");

  // Bob joins as an approver.
  await alice.getByRole("link", { name: "Members and API keys" }).click();
  await alice.getByLabel(/Subject/).fill("bob");
  await alice.getByLabel("Role", { exact: true }).selectOption("APPROVER");
  await alice.getByRole("button", { name: "Add member" }).click();
  await expect(alice.getByRole("combobox", { name: "Role of bob" })).toHaveValue("APPROVER");
  await snap(alice, info, "05-members");

  // Promote staging → prod: the diff first, then a release that waits.
  await alice.getByRole("link", { name: "Promote" }).click();
  await expect(alice.getByRole("table", { name: "Changes" })).toContainText("greeting");
  await snap(alice, info, "06-promote");
  await alice.getByRole("button", { name: "Promote staging to prod" }).click();
  await expect(alice.getByRole("status").getByRole("link", { name: "pending" })).toBeVisible();

  // Alice watches the overview; Bob approves in his own browser context.
  await alice.getByRole("link", { name: "Overview" }).click();
  const prodServes = alice.getByRole("list", { name: "prod serves" });
  await expect(alice.getByRole("list", { name: "Pending releases to prod" }).getByRole("listitem")).toHaveCount(1);
  await expect(alice.getByText("Updates live.")).toBeVisible();

  const bob = await (await browser.newContext()).newPage();
  const bobFailures = failures(bob);
  await bob.goto(signInLink("bob", "Bob"));
  await bob.getByRole("link", { name: "Waiting for my approval" }).click();
  const waiting = bob.getByRole("list", { name: "Releases waiting for my approval" });
  await expect(waiting.getByRole("link")).toHaveCount(1);
  await expect(waiting).toContainText("acme/support-bot: promotion to prod");
  await snap(bob, info, "07-waiting-for-my-approval");
  await waiting.getByRole("link").click();
  await expect(bob.getByRole("heading", { name: "Approvals: 0 of 1 counted" })).toBeVisible();
  await expect(bob.getByRole("list", { name: "Why it waits" })).toContainText("needs 1 more approval from owner, admin, approver");
  await snap(bob, info, "08-release");
  await bob.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(bob.getByRole("heading", { name: /promotion to Production/ })).toContainText("deployed");

  // Alice's overview shows the deployment without a reload.
  await expect(prodServes).toContainText("greeting → v1");
  await expect(alice.getByRole("list", { name: "Pending releases to prod" }).getByRole("listitem")).toHaveCount(0);
  await snap(alice, info, "09-overview-live");

  // A gateway reads prod with an API key made on the Members page.
  await alice.getByRole("link", { name: "Members and API keys" }).click();
  await alice.getByLabel("Key name").fill("edge");
  await alice.getByRole("group", { name: /May read/ }).getByRole("checkbox", { name: "prod" }).check();
  await alice.getByRole("button", { name: "Create API key" }).click();
  const secret = (await alice.getByLabel("New API key secret").textContent()) ?? "";
  expect(secret).toMatch(/^slw_/);
  const config = await alice.request.get(`${serverUrl()}/v1/config?environment=prod`, { headers: { Authorization: `Bearer ${secret}` } });
  expect(config.status()).toBe(200);
  expect(JSON.stringify(await config.json())).toContain("greeting");
  await alice.getByRole("button", { name: "Done" }).click();
  await expect(alice.getByLabel("New API key secret")).toHaveCount(0);
  // The key's use shows on the page (noted in memory, written in batches).
  await alice.reload();
  await expect(alice.getByRole("row", { name: /edge/ }).getByRole("cell").nth(3)).not.toHaveText("never");
  // A key that expires (a date in the past is refused: tests/e2e/api_key_expiry.rs).
  await alice.getByLabel("Key name").fill("temporary");
  await alice.getByLabel("Expires on (optional)").fill("2099-12-31");
  await alice.getByRole("button", { name: "Create API key" }).click();
  await expect(alice.getByLabel("New API key secret")).toBeVisible();
  await alice.getByRole("button", { name: "Done" }).click();
  await expect(alice.getByRole("row", { name: /temporary/ })).toContainText("expires");
  await expect(alice.getByRole("row", { name: /temporary/ }).getByRole("cell").nth(3)).toHaveText("never");

  // A second version to staging, then a rollback from staging's timeline.
  await alice.getByRole("link", { name: "Deploy" }).click();
  await publish.getByLabel("Prompt key").fill("greeting");
  await publish.getByLabel("Content (JSON)").fill(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "system", content: "Hello {{name}}!" }], parameters: {}, variables: ["name"] }));
  await publish.getByRole("checkbox", { name: "Staging" }).check();
  await alice.getByRole("button", { name: "Publish to 1 environment" }).click();
  await expect(alice.getByText("Version 2 published.")).toBeVisible();
  await alice.getByRole("link", { name: "Overview" }).click();
  await expect(alice.getByRole("list", { name: "staging serves" })).toContainText("greeting → v2");
  await alice.getByRole("link", { name: "Deployments of Staging" }).click();
  await expect(alice.getByRole("list", { name: "Timeline" }).locator(":scope > li")).toHaveCount(2);
  await snap(alice, info, "10-deployments");
  await alice.getByRole("button", { name: /Roll back to #1/ }).click();
  await expect(alice.getByRole("status").getByRole("link", { name: "deployed" })).toBeVisible();
  await alice.getByRole("link", { name: "Overview" }).click();
  await expect(alice.getByRole("list", { name: "staging serves" })).toContainText("greeting → v1");

  // The audit log has every step.
  await alice.getByRole("link", { name: "Audit log" }).click();
  await expect(alice.getByRole("table")).toContainText("release");
  await snap(alice, info, "11-audit");

  // Signing out leaves nothing of the token behind.
  await alice.getByRole("button", { name: "Sign out" }).click();
  await expect(alice.getByRole("heading", { name: "Sign in to Slipway" })).toBeVisible();
  const stored = await alice.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  expect(stored).not.toContain("eyJ");

  expect(aliceFailures).toEqual([]);
  expect(bobFailures).toEqual([]);
  expect(aliceErrors).toEqual([]);
});
