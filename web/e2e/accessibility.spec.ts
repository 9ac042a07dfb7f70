// Accessibility of every main screen: axe-core (the WCAG 2.1 A and AA rules) runs on each, with
// real content in it (environments, versions, a pending release, deployments, members, an API
// key, a webhook endpoint), and fails on any serious or critical violation.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { gql, serverUrl, signInLink, tokenOf } from "./support";

const owner = tokenOf(signInLink("bruce", "Bruce"));
const content = (text: string) => ({ model: "gpt-4o-mini", messages: [{ role: "system", content: text }], parameters: { temperature: 0.2 }, variables: [] });
let release = "";

test.beforeAll(async () => {
  // A worker that restarts after a failure runs `beforeAll` again: the project is made once.
  try {
    await gql(owner, `mutation { createOrganization(slug: "wayne", name: "Wayne") { slug } }`);
  } catch (error) {
    if (!(error as Error).message.includes("CONFLICT")) throw error;
  }
  const existing = (await gql(owner, `{ project(org: "wayne", slug: "cave") { releases(states: [PENDING], first: 1) { nodes { id } } } }`).catch(() => null)) as
    | { project: { releases: { nodes: { id: string }[] } } }
    | null;
  if (existing?.project.releases.nodes[0]) {
    release = existing.project.releases.nodes[0].id;
    return;
  }
  await gql(owner, `mutation { createProject(org: "wayne", slug: "cave", name: "Cave") { slug } }`);
  await gql(owner, `mutation { createEnvironment(org: "wayne", project: "cave", input: { slug: "qa", name: "QA", color: "#7c3aed", description: "Manual checks" }) { slug } }`);
  await gql(owner, `mutation { createPrompt(org: "wayne", project: "cave", key: "alfred") { key } }`);
  for (const text of ["Good evening, sir.", "Good evening, Master Wayne."]) {
    await gql(
      owner,
      `mutation($content: JSON!) { createPromptVersion(org: "wayne", project: "cave", key: "alfred", content: $content, message: "tone", publishTo: ["staging", "qa"]) { created } }`,
      { content: content(text) },
    );
  }
  await gql(owner, `mutation { setPromotionPolicy(org: "wayne", project: "cave", environment: "prod", input: { allowedSources: ["staging"], requiredApprovals: 1 }) { slug } }`);
  const promoted = (await gql(owner, `mutation { promote(org: "wayne", project: "cave", source: "staging", target: "prod", message: "ship") { id } }`)) as { promote: { id: string } };
  release = promoted.promote.id;
  await gql(owner, `mutation { addMember(org: "wayne", project: "cave", subject: "lucius", role: APPROVER) { role } }`);
  await gql(owner, `mutation { createApiKey(org: "wayne", project: "cave", name: "gateway", environments: ["prod"]) { secret } }`);
  await gql(owner, `mutation { createWebhookEndpoint(org: "wayne", project: "cave", input: { url: "http://127.0.0.1:9/hooks", events: ["release.deployed"] }) { secret } }`);
});

/** The serious and critical violations on the page as it is now, one line each. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
}

/** Opens `path` under the project and waits until nothing is loading any more. */
async function visit(page: Page, path: string, ready: string | RegExp): Promise<void> {
  await page.goto(`${serverUrl()}/orgs/wayne/projects/cave${path}`);
  await expect(page.getByRole("heading", { name: ready }).first()).toBeVisible();
  await expect(page.getByText(/^Loading /)).toHaveCount(0);
}

test("every main screen passes axe's WCAG A and AA rules with no serious or critical violation", async ({ page }) => {
  const found: Record<string, string[]> = {};
  await page.goto(serverUrl());
  await expect(page.getByLabel("Token")).toBeVisible();
  found["sign-in"] = await violations(page);
  await page.goto(signInLink("bruce", "Bruce"));
  await expect(page.getByLabel("Signed in as")).toContainText("Bruce");
  await expect(page.getByText(/^Loading /)).toHaveCount(0);
  found.organizations = await violations(page);
  const screens: [string, string, string | RegExp][] = [
    ["overview", "", /Production/],
    ["environments settings", "/settings/environments", "Environments"],
    ["resources", "/resources", "Resources"],
    ["a resource's versions and diff", "/resources/prompt/alfred", "Compare"],
    ["deploy", "/deploy", "Publish a prompt version"],
    ["promote", "/promote", /Promote/],
    ["releases", "/releases", "Releases"],
    ["a release", `/releases/${release}`, /Release|promotion/i],
    ["deployments", "/environments/staging/deployments", "Deployments of Staging"],
    ["audit log", "/audit", "Audit log"],
    ["members and API keys", "/members", "Members"],
    ["webhooks", "/webhooks", "Webhooks"],
  ];
  for (const [name, path, ready] of screens) {
    await visit(page, path, ready);
    found[name] = await violations(page);
  }
  // The "Use API" snippets open in place on the overview: check them open too.
  await visit(page, "", /Production/);
  await page.getByText("Use API").first().click();
  found["overview with Use API open"] = await violations(page);
  // A secret shown once, and a refused form with its field marked.
  await visit(page, "/members", "Members");
  await page.getByLabel("Key name").fill("ci");
  await page.getByRole("button", { name: "Create API key" }).click();
  await expect(page.getByLabel("New API key secret")).toContainText("slw_");
  found["a new API key's secret"] = await violations(page);
  await visit(page, "/resources", "Resources");
  await page.getByLabel("Key").fill("Not A Key!");
  await page.getByRole("button", { name: "Create resource" }).click();
  await expect(page.getByLabel("Key")).toHaveAttribute("aria-invalid", "true");
  found["a refused form"] = await violations(page);
  const failing = Object.entries(found).filter(([, list]) => list.length > 0);
  expect(failing.map(([name, list]) => `${name}:\n  ${list.join("\n  ")}`).join("\n")).toBe("");
});
