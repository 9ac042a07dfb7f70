// Access in the browser: a viewer sees no write controls; a FORBIDDEN from the API is shown
// with what it means, not swallowed; an expired session returns to sign-in and, signed in
// again, to the page the person was on.
import { expect, test } from "@playwright/test";
import { gql, serverUrl, signInLink, snap, tokenOf } from "./support";

const owner = tokenOf(signInLink("olivia", "Olivia"));

// Playwright runs this again in a new worker after a failed test: what exists already is kept.
const once = (operation: Promise<unknown>) =>
  operation.catch((error: Error) => {
    if (!error.message.includes("CONFLICT")) throw error;
  });

test.beforeAll(async () => {
  await once(gql(owner, `mutation { createOrganization(slug: "globex", name: "Globex") { slug } }`));
  await once(gql(owner, `mutation { createProject(org: "globex", slug: "assistant", name: "Assistant") { slug } }`));
  await gql(owner, `mutation { addMember(org: "globex", project: "assistant", subject: "victor", role: VIEWER) { role } }`);
  await gql(owner, `mutation { addMember(org: "globex", project: "assistant", subject: "ada", role: ADMIN) { role } }`);
});

test("a viewer sees no write controls", async ({ page }, info) => {
  await page.goto(signInLink("victor", "Victor"));
  await page.getByRole("link", { name: "Assistant" }).click();
  await expect(page.getByRole("heading", { name: /Production/ })).toBeVisible();
  await page.getByRole("link", { name: "Environments" }).click();
  await expect(page.getByText("Your role can view environments but not change them.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add environment" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save policy of prod" })).toBeDisabled();
  await expect(page.getByRole("radio", { name: "Staging is the gateway fallback" })).toBeDisabled();
  await snap(page, info, "viewer-environments");
  await page.getByRole("link", { name: "Deploy" }).click();
  await expect(page.getByText("Your role cannot create versions or deploy them.")).toBeVisible();
  await page.getByRole("link", { name: "Promote" }).click();
  await expect(page.getByText("Your role cannot promote.")).toBeVisible();
  await page.getByRole("link", { name: "Members and API keys" }).click();
  await expect(page.getByRole("button", { name: "Add member" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create API key" })).toHaveCount(0);
});

test("a FORBIDDEN from the API is shown with what it means", async ({ page }, info) => {
  // An admin manages environments but may not move the gateway fallback (owners only).
  await page.goto(signInLink("ada", "Ada"));
  await page.getByRole("link", { name: "Assistant" }).click();
  await page.getByRole("link", { name: "Environments" }).click();
  // The radio stays on the role holder until the server agrees, so this is a click.
  await page.getByRole("radio", { name: "Staging is the gateway fallback" }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("FORBIDDEN");
  await expect(page.getByText(/needs project:manage_default_environment/)).toBeVisible();
  await expect(page.getByRole("radio", { name: "Production is the gateway fallback" })).toBeChecked();
  await snap(page, info, "forbidden");
});

test("an expired session returns to sign-in and then to the same page", async ({ page }) => {
  // Long enough to reach the page on a busy machine; the test then waits for the token's own expiry.
  const link = signInLink("olivia", "Olivia", "10s");
  const claims = JSON.parse(Buffer.from(tokenOf(link).split(".")[1] ?? "", "base64url").toString()) as { exp: number };
  await page.goto(link);
  await page.getByRole("link", { name: "Assistant" }).click();
  await page.getByRole("link", { name: "Audit log" }).click();
  const here = page.url();
  expect(here).toContain("/orgs/globex/projects/assistant/audit");
  await page.waitForTimeout(Math.max(0, claims.exp * 1000 - Date.now()) + 1_000);
  await page.getByRole("link", { name: "Releases" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Slipway" })).toBeVisible();
  await expect(page.getByText(/Your session ended/)).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem("slipway.token"))).toBeNull();
  // A fresh link (opened in the same tab) brings the person back where they were.
  await page.goto(signInLink("olivia", "Olivia"));
  await expect(page).toHaveURL(`${serverUrl()}/orgs/globex/projects/assistant/releases`);
  await expect(page.getByRole("heading", { name: "Releases" })).toBeVisible();
});
