// Resources in the browser: a prompt's versions, a side-by-side diff of two of them, a new
// version whose VALIDATION error is marked at the content field, and a provider credential that
// is set write-only.
import { expect, test } from "@playwright/test";
import { gql, signInLink, snap, tokenOf } from "./support";

const owner = tokenOf(signInLink("rita", "Rita"));
const once = (operation: Promise<unknown>) =>
  operation.catch((error: Error) => {
    if (!error.message.includes("CONFLICT")) throw error;
  });

test.beforeAll(async () => {
  await once(gql(owner, `mutation { createOrganization(slug: "initech", name: "Initech") { slug } }`));
  await once(gql(owner, `mutation { createProject(org: "initech", slug: "helpdesk", name: "Helpdesk") { slug } }`));
});

test("a prompt's versions, their diff and a refused version", async ({ page }, info) => {
  await page.goto(signInLink("rita", "Rita"));
  await page.getByRole("link", { name: "Helpdesk" }).click();
  await page.getByRole("link", { name: "Resources" }).click();
  await page.getByLabel("Kind").selectOption("PROMPT");
  await page.getByLabel("Key").fill("welcome");
  await page.getByRole("button", { name: "Create resource" }).click();
  await page.getByRole("link", { name: "welcome" }).click();
  await expect(page.getByText("No versions yet.")).toBeVisible();

  const content = page.getByLabel("Content (JSON)");
  const version = (text: string) =>
    JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "system", content: text }], parameters: {}, variables: [] }, null, 2);
  await content.fill(version("Welcome!"));
  await page.getByLabel("Message").fill("first");
  await page.getByRole("button", { name: "Create version" }).click();
  await expect(page.getByRole("status").filter({ hasText: "created." })).toHaveText("Version 1 created.");
  await content.fill(version("Welcome back!"));
  await page.getByLabel("Message").fill("warmer");
  await page.getByRole("button", { name: "Create version" }).click();
  // The versions list may show its own status (loading the changes) beside the form's.
  await expect(page.getByRole("status").filter({ hasText: "created." })).toHaveText("Version 2 created.");

  const diff = page.getByRole("table", { name: "Differences between v1 and v2" });
  await expect(diff).toContainText("1 changed line.");
  await expect(diff.locator('tr[data-kind="changed"]')).toContainText("Welcome back!");
  await snap(page, info, "resource-diff");

  // The server's VALIDATION error is shown at the content field.
  await content.fill(JSON.stringify({ model: "", messages: [], parameters: {}, variables: [] }));
  await page.getByRole("button", { name: "Create version" }).click();
  await expect(content).toHaveAttribute("aria-invalid", "true");
  await expect(content).toHaveAccessibleDescription(/model/);
  await snap(page, info, "resource-validation");

  // An existing version goes to several environments at once.
  await page.getByRole("link", { name: "Deploy" }).click();
  const existing = page.getByRole("form", { name: "Deploy an existing version" });
  await existing.getByLabel("Resource").selectOption({ label: "prompt welcome" });
  await existing.getByLabel("Version").fill("1");
  await existing.getByRole("checkbox", { name: "Production" }).check();
  await existing.getByRole("checkbox", { name: "Staging" }).check();
  await expect(existing).toContainText("deploys now");
  await existing.getByRole("button", { name: "Deploy to 2 environments" }).click();
  const outcomes = existing.getByRole("list", { name: "Deploy outcomes" });
  await expect(outcomes.getByRole("link", { name: "deployed" })).toHaveCount(2);
  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("list", { name: "prod serves" })).toContainText("welcome → v1");
  await expect(page.getByRole("list", { name: "staging serves" })).toContainText("welcome → v1");
});

test("a provider's credential is set write-only", async ({ page }) => {
  await page.goto(signInLink("rita", "Rita"));
  await page.getByRole("link", { name: "Helpdesk" }).click();
  await page.getByRole("link", { name: "Resources" }).click();
  await page.getByLabel("Kind").selectOption("PROVIDER");
  await page.getByLabel("Key").fill("openai");
  await page.getByRole("button", { name: "Create resource" }).click();
  await page.getByRole("link", { name: "openai" }).click();
  const secret = page.getByLabel("Provider API key");
  await expect(secret).toHaveAttribute("type", "password");
  await secret.fill("sk-test-do-not-show");
  await page.getByRole("button", { name: "Store credential" }).click();
  await expect(page.getByRole("status")).toContainText("Stored as credential");
  await expect(secret).toHaveValue("");
  expect(await page.content()).not.toContain("sk-test-do-not-show");
});
