// Long lists in the browser: an environment's deployments, a project's members and its API keys
// each hold more than a page (made through the API first); the first page shows 20, "More" adds
// the rest in order, and a change made on a later page (a role, a revocation) reads back in place.
import { expect, test, type Page } from "@playwright/test";
import { gql, signInLink, tokenOf } from "./support";

const owner = tokenOf(signInLink("paula", "Paula"));
const content = (text: string) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }], parameters: {}, variables: [] });
const PAGE = 20;
const EXTRA = 3;

test.beforeAll(async () => {
  // A worker that restarts after a failure runs `beforeAll` again: the lists are made once.
  try {
    await gql(owner, `mutation { createOrganization(slug: "vandelay", name: "Vandelay") { slug } }`);
  } catch (error) {
    if ((error as Error).message.includes("CONFLICT")) return;
    throw error;
  }
  await gql(owner, `mutation { createProject(org: "vandelay", slug: "latex", name: "Latex") { slug } }`);
  await gql(owner, `mutation { createPrompt(org: "vandelay", project: "latex", key: "cover-sheet") { key } }`);
  // Each version published to staging is one deployment there (staging asks for no approval).
  for (let n = 1; n <= PAGE + EXTRA; n++) {
    await gql(
      owner,
      `mutation($content: JSON!) { createPromptVersion(org: "vandelay", project: "latex", key: "cover-sheet", content: $content, message: "memo", publishTo: ["staging"]) { created } }`,
      { content: content(`Cover sheet ${n}`) },
    );
  }
  // With the owner, PAGE + EXTRA members in all.
  for (let n = 1; n < PAGE + EXTRA; n++) {
    const who = `staff-${String(n).padStart(2, "0")}`;
    await gql(owner, `mutation($who: String!) { addMember(org: "vandelay", project: "latex", subject: $who, role: VIEWER) { role } }`, { who });
  }
  for (let n = 1; n <= PAGE + EXTRA; n++) {
    await gql(owner, `mutation($name: String!) { createApiKey(org: "vandelay", project: "latex", name: $name, environments: []) { secret } }`, { name: `key-${String(n).padStart(2, "0")}` });
  }
});

async function openProject(page: Page): Promise<void> {
  await page.goto(signInLink("paula", "Paula"));
  await expect(page.getByLabel("Signed in as")).toContainText("Paula");
  await page.getByRole("link", { name: "Latex" }).click();
  await expect(page.getByRole("heading", { name: "Latex" })).toBeVisible();
}

test("an environment's timeline pages with More, and rolls back from a later page", async ({ page }) => {
  await openProject(page);
  await page.getByRole("link", { name: "Deployments of Staging" }).click();
  const timeline = page.getByRole("list", { name: "Timeline" });
  const entries = timeline.locator(":scope > li").filter({ hasText: /^#\d+/ });
  await expect(entries).toHaveCount(PAGE);
  await expect(entries.first()).toContainText(`#${PAGE + EXTRA}`);
  await page.getByRole("button", { name: "More deployments" }).click();
  await expect(entries).toHaveCount(PAGE + EXTRA);
  await expect(entries.last()).toContainText("#1 ");
  await expect(page.getByRole("button", { name: "More deployments" })).toHaveCount(0);
  // The oldest entry sits on the second page; rolling back to it deploys v1 again.
  await page.getByRole("button", { name: "Roll back to #1", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Rollback release" })).toContainText("deployed");
  await expect(entries.first()).toContainText(`#${PAGE + EXTRA + 1}`);
  await expect(entries.first()).toContainText("→ v1");
});

test("members and API keys page with More, and a change on a later page reads back", async ({ page }) => {
  await openProject(page);
  await page.getByRole("link", { name: "Members and API keys" }).click();
  const members = page.getByRole("table").first().locator("tbody tr").filter({ has: page.getByRole("combobox") });
  await expect(members).toHaveCount(PAGE);
  await page.getByRole("button", { name: "More members" }).click();
  await expect(members).toHaveCount(PAGE + EXTRA);
  await expect(page.getByRole("button", { name: "More members" })).toHaveCount(0);
  // Every member is listed once, the owner among them.
  const subjects = await members.locator("td:first-child .muted").allTextContents();
  expect(new Set(subjects).size).toBe(PAGE + EXTRA);
  expect(subjects).toContain("(paula)");
  const last = subjects.filter((s) => s !== "(paula)").sort().pop()?.slice(1, -1) ?? "";
  await page.getByLabel(`Role of ${last}`).selectOption("APPROVER");
  await expect(page.getByLabel(`Role of ${last}`)).toHaveValue("APPROVER");
  await expect(members).toHaveCount(PAGE + EXTRA);

  const keys = page.getByRole("table").nth(1).locator("tbody tr").filter({ hasText: /^key-/ });
  await expect(keys).toHaveCount(PAGE);
  await page.getByRole("button", { name: "More API keys" }).click();
  await expect(keys).toHaveCount(PAGE + EXTRA);
  const names = await keys.locator("td:first-child").allTextContents();
  expect(new Set(names).size).toBe(PAGE + EXTRA);
  const later = names[PAGE + 1] ?? "";
  await page.getByRole("button", { name: `Revoke ${later}`, exact: true }).click();
  await expect(keys.filter({ hasText: later })).toContainText("revoked");
  await expect(keys).toHaveCount(PAGE + EXTRA);
});
