// Webhooks in the browser: the owner adds an endpoint for a receiver this spec runs on
// 127.0.0.1, copies its secret, sends the test event and watches it become delivered (204);
// the receiver got a request signed with that secret; a redelivery repeats its webhook-id; a
// rotated secret signs beside the old one; a refused URL is explained at its field; the
// endpoint is disabled and deleted. An endpoint at a private address shows the sender's
// refusal in its log and reads as failing; its log pages with "More". A developer or a viewer
// sees no Webhooks entry, and the page itself answers FORBIDDEN with what that means.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { gql, serverUrl, signInLink, snap, tokenOf } from "./support";

const owner = tokenOf(signInLink("wanda", "Wanda"));
// A worker that restarts after a failure runs `beforeAll` again: what exists already is kept.
const once = (operation: Promise<unknown>) =>
  operation.catch((error: Error) => {
    if (!error.message.includes("CONFLICT")) throw error;
  });

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
let receiver: Server;
let hookUrl = "";

test.beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slipway`;
  await once(gql(owner, `mutation { createOrganization(slug: "hooli", name: "Hooli") { slug } }`));
  await once(gql(owner, `mutation { createProject(org: "hooli", slug: "relay", name: "Relay") { slug } }`));
  await gql(owner, `mutation { addMember(org: "hooli", project: "relay", subject: "devon", role: DEVELOPER) { role } }`);
  await gql(owner, `mutation { addMember(org: "hooli", project: "relay", subject: "vera", role: VIEWER) { role } }`);
});

test.afterAll(async () => {
  await new Promise((done) => receiver.close(done));
});

/** Whether `secret` (`whsec_…`) signed `request`, per Standard Webhooks. */
function signedWith(secret: string, request: Received): boolean {
  const id = request.headers["webhook-id"];
  const timestamp = request.headers["webhook-timestamp"];
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${request.body}`).digest("base64")}`;
  return String(request.headers["webhook-signature"] ?? "").split(" ").includes(expected);
}

/** Every uncaught error of `page`'s scripts, so a test can say none happened. */
function pageErrors(page: Page): string[] {
  const seen: string[] = [];
  page.on("pageerror", (e) => seen.push(e.message));
  return seen;
}

async function openProject(page: Page, subject: string, name: string): Promise<void> {
  await page.goto(signInLink(subject, name));
  await expect(page.getByLabel("Signed in as")).toContainText(name);
  await page.getByRole("link", { name: "Relay" }).click();
  await expect(page.getByRole("heading", { name: "Relay" })).toBeVisible();
}

test("the owner adds an endpoint, tests it, redelivers, rotates its secret and deletes it", async ({ page, context }, info) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: serverUrl() });
  const errors = pageErrors(page);
  await openProject(page, "wanda", "Wanda");
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByText("No endpoints yet.")).toBeVisible();
  const form = page.getByRole("form", { name: "Add a webhook endpoint" });

  // http to a host other than this machine is refused, and said so at the URL field.
  await form.getByLabel("URL").fill("http://hooks.example.com/in");
  await form.getByRole("checkbox", { name: /release\.deployed/ }).check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(form.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("URL")).toHaveAccessibleDescription(/must use https/);

  await form.getByLabel("URL").fill(hookUrl);
  await form.getByLabel("Description").fill("CI notifier");
  await form.getByRole("checkbox", { name: /release\.pending_approval/ }).check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  const shown = page.getByLabel("New endpoint's signing secret");
  await expect(shown).toContainText("whsec_");
  await page.getByRole("button", { name: "Copy secret" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toBe((await shown.textContent())?.trim());
  await snap(page, info, "webhooks-secret-once");
  await page.getByRole("button", { name: "Done" }).click();
  await expect(shown).toHaveCount(0);

  const card = page.getByRole("region", { name: hookUrl });
  await expect(card).toContainText("CI notifier");
  await expect(card).toContainText("release.pending_approval");
  await expect(card).toContainText("release.deployed");
  await expect(card.locator(".badge", { hasText: /^enabled$/ })).toBeVisible();

  // The test event: delivered with the receiver's 204, signed with the copied secret.
  await card.getByRole("button", { name: "Send test event" }).click();
  await expect(card.getByRole("status").filter({ hasText: "Test event sent" })).toBeVisible();
  const log = card.getByRole("table", { name: `Deliveries to ${hookUrl}` });
  const rows = log.getByRole("row").filter({ hasText: "webhook.test" });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("delivered");
  await expect(rows.first()).toContainText("204");
  await snap(page, info, "webhooks-delivered");
  expect(received).toHaveLength(1);
  const first = received[0] as Received;
  expect(first.headers["webhook-id"]).toBeTruthy();
  expect(first.headers["webhook-signature"]).toMatch(/^v1,/);
  expect(JSON.parse(first.body)).toMatchObject({ type: "webhook.test" });
  expect(signedWith(secret, first)).toBe(true);

  // A redelivery is a second request with the same webhook-id.
  await rows.first().getByRole("button", { name: "Redeliver" }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("delivered");
  await expect(rows.nth(0)).toContainText("204");
  await expect.poll(() => received.length).toBe(2);
  expect(received[1]?.headers["webhook-id"]).toBe(first.headers["webhook-id"]);

  // A new secret, shown once; the old one keeps signing beside it.
  await card.getByRole("button", { name: "Rotate secret" }).click();
  const rotated = card.getByLabel("New signing secret");
  await expect(rotated).toContainText("whsec_");
  await expect(card.getByText(/previous secret keeps signing beside it until/)).toBeVisible();
  const newSecret = ((await rotated.textContent()) ?? "").trim();
  expect(newSecret).not.toBe(secret);
  await card.getByRole("button", { name: "Done" }).click();
  await card.getByRole("button", { name: "Send test event" }).click();
  await expect.poll(() => received.length).toBe(3);
  const third = received[2] as Received;
  expect(third.headers["webhook-id"]).not.toBe(first.headers["webhook-id"]);
  expect(signedWith(newSecret, third)).toBe(true);
  expect(signedWith(secret, third)).toBe(true);

  // Settings: one event fewer; then disabled by a member.
  await card.getByRole("button", { name: "Edit settings" }).click();
  await card.getByRole("checkbox", { name: /release\.deployed/ }).uncheck();
  await card.getByRole("button", { name: "Save endpoint" }).click();
  await expect(card.getByRole("button", { name: "Edit settings" })).toBeVisible();
  await expect(card).not.toContainText("release.deployed");
  await card.getByRole("button", { name: "Disable" }).click();
  await expect(card).toContainText("Disabled by a member");
  await expect(card.getByRole("button", { name: "Enable" })).toBeVisible();
  await snap(page, info, "webhooks-disabled");

  page.once("dialog", (dialog) => void dialog.accept());
  await card.getByRole("button", { name: "Delete endpoint" }).click();
  await expect(card).toHaveCount(0);
  await expect(page.getByText("No endpoints yet.")).toBeVisible();
  expect(errors).toEqual([]);
});

test("an endpoint at an address the sender may not reach says so in its log, is failing, and its log pages", async ({ page }) => {
  const errors = pageErrors(page);
  // A private address passes the URL rule; the sender refuses to connect to it.
  const blocked = "https://10.0.0.1/hook";
  // Listed before it, so its log is read after another endpoint's cursor.
  await gql(owner, `mutation { createWebhookEndpoint(org: "hooli", project: "relay", input: { url: "https://hooks.example.com/first", events: ["release.deployed"] }) { secret } }`);
  await openProject(page, "wanda", "Wanda");
  await page.getByRole("link", { name: "Webhooks" }).click();
  const form = page.getByRole("form", { name: "Add a webhook endpoint" });
  await form.getByLabel("URL").fill(blocked);
  await form.getByRole("checkbox", { name: /release\.created/ }).check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByLabel("New endpoint's signing secret")).toContainText("whsec_");
  const card = page.getByRole("region", { name: blocked });
  await card.getByRole("button", { name: "Send test event" }).click();
  const row = card.getByRole("table", { name: `Deliveries to ${blocked}` }).getByRole("row").filter({ hasText: "webhook.test" });
  await expect(row).toContainText("the endpoint's address is not allowed");
  await expect(row).toContainText("pending");
  await expect(card.locator(".badge", { hasText: /^failing$/ })).toBeVisible();
  await expect(card.getByText(/^Failing since .*: deliveries are being retried\.$/)).toBeVisible();

  // 20 more test events queue behind the retry: a page of the log, then "More" for the 21st.
  const listed = (await gql(owner, `{ project(org: "hooli", slug: "relay") { webhookEndpoints { nodes { id url } } } }`)) as {
    project: { webhookEndpoints: { nodes: { id: string; url: string }[] } };
  };
  const id = listed.project.webhookEndpoints.nodes.find((e) => e.url === blocked)?.id;
  for (let n = 0; n < 20; n++) {
    await gql(owner, `mutation($id: ID!) { sendTestWebhook(org: "hooli", project: "relay", id: $id) }`, { id });
  }
  await card.getByRole("button", { name: "Refresh deliveries" }).click();
  const log = card.getByRole("table", { name: `Deliveries to ${blocked}` });
  await expect(log.getByRole("row").filter({ hasText: "webhook.test" })).toHaveCount(20);
  await log.getByRole("button", { name: "More deliveries" }).click();
  await expect(log.getByRole("row").filter({ hasText: "webhook.test" })).toHaveCount(21);
  await expect(log.getByRole("button", { name: "More deliveries" })).toHaveCount(0);
  // The oldest, last on the newest-first log, is the one that was tried.
  await expect(log.getByRole("row").filter({ hasText: "webhook.test" }).last()).toContainText("the endpoint's address is not allowed");
  expect(errors).toEqual([]);
});

test("a developer or viewer sees no Webhooks entry, and the page answers FORBIDDEN", async ({ browser }) => {
  for (const [subject, name] of [["vera", "Vera"], ["devon", "Devon"]] as const) {
    // Each person in a browser context of their own, as on their own machine.
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = pageErrors(page);
    await openProject(page, subject, name);
    await expect(page.getByRole("link", { name: "Members and API keys" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Webhooks" })).toHaveCount(0);
    await page.goto(`${serverUrl()}/orgs/hooli/projects/relay/webhooks`);
    const alert = page.getByRole("alert");
    await expect(alert).toContainText("FORBIDDEN");
    await expect(alert).toContainText("Your role in this project does not allow this.");
    await expect(page.getByRole("form", { name: "Add a webhook endpoint" })).toHaveCount(0);
    expect(errors).toEqual([]);
    await context.close();
  }
});
