// Releases and lists in the browser: an approver's "waiting for my approval" inbox, a release's
// counting approvals and why it waits, the owner's bypass with a reason, the field changes
// between two versions, "More" on a paginated list, and reordering environments by drag and drop.
import { expect, test, type Page } from "@playwright/test";
import { gql, serverUrl, signInLink, snap, tokenOf } from "./support";

const owner = tokenOf(signInLink("olga", "Olga"));
// A worker that restarts after a failure runs `beforeAll` again: what exists already is kept.
const once = (operation: Promise<unknown>) =>
  operation.catch((error: Error) => {
    if (!error.message.includes("CONFLICT")) throw error;
  });
const content = (text: string) => ({ model: "gpt-4o-mini", messages: [{ role: "system", content: text }], parameters: {}, variables: [] });

test.beforeAll(async () => {
  await once(gql(owner, `mutation { createOrganization(slug: "umbrella", name: "Umbrella") { slug } }`));
  await once(gql(owner, `mutation { createProject(org: "umbrella", slug: "desk", name: "Desk") { slug } }`));
  for (const who of ["dmitri", "erin"]) {
    await once(gql(owner, `mutation($who: String!) { addMember(org: "umbrella", project: "desk", subject: $who, role: APPROVER) { role } }`, { who }));
  }
  await gql(owner, `mutation { setPromotionPolicy(org: "umbrella", project: "desk", environment: "prod", input: { requiredApprovals: 2 }) { slug } }`);
  await once(gql(owner, `mutation { createPrompt(org: "umbrella", project: "desk", key: "hello") { key } }`));
  // 21 versions: one more than a page of the versions list.
  for (let n = 1; n <= 21; n++) {
    await once(gql(
      owner,
      `mutation($content: JSON!, $to: [String!]) { createPromptVersion(org: "umbrella", project: "desk", key: "hello", content: $content, message: "step", publishTo: $to) { created } }`,
      { content: content(`Hello ${n}`), to: n === 1 ? ["staging"] : [] },
    ));
  }
});

/** Signs in with a link and waits until the session is kept, before going elsewhere. */
async function signIn(page: Page, subject: string, name: string): Promise<void> {
  await page.goto(signInLink(subject, name));
  await expect(page.getByLabel("Signed in as")).toContainText(name);
}

async function promote(): Promise<string> {
  const data = (await gql(owner, `mutation { promote(org: "umbrella", project: "desk", source: "staging", target: "prod", message: "ship") { id } }`)) as {
    promote: { id: string };
  };
  return data.promote.id;
}

test("an approver's inbox, the counting approvals and why a release waits", async ({ page }, info) => {
  const id = await promote();
  await page.goto(signInLink("dmitri", "Dmitri"));
  await page.getByRole("link", { name: "Waiting for my approval" }).click();
  const inbox = page.getByRole("list", { name: "Releases waiting for my approval" });
  await expect(inbox.getByRole("link")).toHaveCount(1);
  await expect(inbox).toContainText("umbrella/desk: promotion to prod");
  await expect(inbox).toContainText("0 of 2 approvals");
  await snap(page, info, "inbox");
  await inbox.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/releases/${id}$`));
  await expect(page.getByRole("heading", { name: "Approvals: 0 of 2 counted" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Why it waits" })).toHaveText("needs 2 more approvals from owner, admin, approver");

  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Approvals: 1 of 2 counted" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Approvals: 1 of 2 counted" })).toContainText("Dmitri");
  await expect(page.getByRole("list", { name: "Approvals: 1 of 2 counted" })).toContainText("(counts)");
  await expect(page.getByRole("list", { name: "Why it waits" })).toHaveText("needs 1 more approval from owner, admin, approver");
  await snap(page, info, "release-approvals");

  // Another approver's approval, given elsewhere, reaches this page live (the global route).
  await page.goto(`${serverUrl()}/releases/${id}`);
  await expect(page.getByRole("heading", { name: "Approvals: 1 of 2 counted" })).toBeVisible();
  const erin = tokenOf(signInLink("erin", "Erin"));
  await gql(erin, `mutation($id: ID!) { approveRelease(id: $id) { state } }`, { id });
  await expect(page.getByRole("heading", { name: /promotion to Production/ })).toContainText("deployed");
  await expect(page.getByRole("list", { name: "Why it waits" })).toHaveCount(0);

  await page.getByRole("link", { name: "Waiting for my approval" }).click();
  await expect(page.getByText("Nothing waits for your approval.")).toBeVisible();
});

test("the owner applies a waiting release with a bypass and its reason", async ({ page }, info) => {
  await gql(
    owner,
    `mutation($content: JSON!) { createPromptVersion(org: "umbrella", project: "desk", key: "hello", content: $content, message: "hotfix", publishTo: ["staging"]) { created } }`,
    { content: content("Hotfix") },
  );
  const id = await promote();
  await signIn(page, "olga", "Olga");
  await page.goto(`${serverUrl()}/orgs/umbrella/projects/desk/releases/${id}`);
  await expect(page.getByRole("heading", { name: "Approvals: 0 of 2 counted" })).toBeVisible();
  const bypass = page.getByRole("button", { name: "Apply with bypass" });
  await expect(bypass).toBeDisabled();
  await page.getByLabel("Reason (for rejecting, cancelling or a bypass)").fill("incident 7: hotfix");
  await bypass.click();
  await expect(page.getByRole("heading", { name: /promotion to Production/ })).toContainText("deployed");
  await expect(page.getByText("Bypassed by olga (required_approvals): incident 7: hotfix")).toBeVisible();
  await snap(page, info, "release-bypass");
});

test("field changes between two versions and More on the versions list", async ({ page }, info) => {
  await signIn(page, "olga", "Olga");
  await page.goto(`${serverUrl()}/orgs/umbrella/projects/desk/resources/prompt/hello`);
  const versions = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Hash" }) });
  await expect(versions.locator("tbody tr").filter({ hasText: /^v\d+/ })).toHaveCount(20);
  // Each "More" adds the next page; after the last one, the oldest version is there.
  const more = versions.getByRole("button", { name: "More versions" });
  for (let shown = 20; await more.count(); shown += 20) {
    await more.click();
    await expect(versions.locator("tbody tr").filter({ hasText: /^v\d+/ })).not.toHaveCount(shown);
  }
  await expect(versions.getByRole("cell", { name: "v1", exact: true })).toBeVisible();

  await page.getByLabel("Left").selectOption("3");
  await page.getByLabel("Right").selectOption("5");
  const fields = page.getByRole("table", { name: "Changed fields from v3 to v5" });
  await expect(fields).toContainText("1 field changed from v3 to v5.");
  await expect(fields.locator('tr[data-kind="CHANGED"]')).toContainText("messages[0].content");
  await expect(fields).toContainText('"Hello 5"');
  await snap(page, info, "version-field-changes");
});

test("environments reorder by drag and drop", async ({ page }) => {
  await gql(owner, `mutation { createEnvironment(org: "umbrella", project: "desk", input: { slug: "qa", name: "QA" }) { slug } }`);
  await signIn(page, "olga", "Olga");
  await page.goto(`${serverUrl()}/orgs/umbrella/projects/desk/settings/environments`);
  const order = page.getByRole("list", { name: "Environment order" });
  await expect(order.getByRole("listitem")).toHaveCount(3);
  await order.getByRole("listitem").filter({ hasText: "QA" }).dragTo(order.getByRole("listitem").first());
  await expect(order.getByRole("listitem").first()).toContainText("QA");
  await page.getByRole("button", { name: "Save order" }).click();
  // Saved: the list shows the server's order again, with nothing left to save.
  await expect(page.getByRole("button", { name: "Save order" })).toBeDisabled();
  await page.reload();
  await expect(page.getByRole("list", { name: "Environment order" }).getByRole("listitem").first()).toContainText("QA");
});
