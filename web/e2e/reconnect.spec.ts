// Live screens across a server restart: Rhea follows a project's overview and staging's
// timeline; the server restarts, and while her browser's WebSocket is still down a deployment
// lands (made through the API). Its event was published to nobody, yet both screens show it once
// the socket is back: the dashboard re-reads what it shows when it reconnects.
import { expect, test, type Page } from "@playwright/test";
import { gql, restartServer, signInLink, tokenOf } from "./support";

const owner = tokenOf(signInLink("rhea", "Rhea"));
const content = (text: string) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }], parameters: {}, variables: [] });
const publish = (text: string) =>
  gql(
    owner,
    `mutation($content: JSON!) { createPromptVersion(org: "stark", project: "jarvis", key: "butler", content: $content, message: "live", publishTo: ["staging"]) { created } }`,
    { content: content(text) },
  );

test.beforeAll(async () => {
  // A worker that restarts after a failure runs `beforeAll` again: the project is made once.
  try {
    await gql(owner, `mutation { createOrganization(slug: "stark", name: "Stark") { slug } }`);
  } catch (error) {
    if ((error as Error).message.includes("CONFLICT")) return;
    throw error;
  }
  await gql(owner, `mutation { createProject(org: "stark", slug: "jarvis", name: "Jarvis") { slug } }`);
  await gql(owner, `mutation { createPrompt(org: "stark", project: "jarvis", key: "butler") { key } }`);
  await publish("Good evening.");
});

async function openProject(page: Page): Promise<void> {
  await page.goto(signInLink("rhea", "Rhea"));
  await expect(page.getByLabel("Signed in as")).toContainText("Rhea");
  await page.getByRole("link", { name: "Jarvis" }).click();
  await expect(page.getByRole("heading", { name: "Jarvis" })).toBeVisible();
}

test("a deployment made while the socket was down shows once it is back", async ({ context }) => {
  // Every dashboard WebSocket goes through this route: passed to the server, except while
  // `down`, when a new one is cut at once (as a network without the server would).
  let down = false;
  let opened = 0;
  let acknowledged = 0;
  await context.routeWebSocket(/\/graphql$/, (ws) => {
    if (down) return void ws.close({ code: 1006, reason: "no route to the server" });
    opened += 1;
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (String(message).includes('"connection_ack"')) acknowledged += 1;
      ws.send(message);
    });
  });

  const overview = await context.newPage();
  await openProject(overview);
  const serves = overview.getByRole("list", { name: "staging serves" });
  await expect(serves).toContainText("butler → v1");
  const timeline = await context.newPage();
  await openProject(timeline);
  await timeline.getByRole("link", { name: "Deployments of Staging" }).click();
  const newest = timeline.getByRole("list", { name: "Timeline" }).locator(":scope > li").first();
  await expect(newest).toContainText("→ v1");
  // Both tabs are connected: every socket they opened was acknowledged (one opened on the way to
  // the timeline may have closed since).
  await expect.poll(() => acknowledged >= 2 && acknowledged === opened).toBe(true);
  const before = acknowledged;

  // The server restarts; the browser's sockets close and cannot come back until `down` ends.
  down = true;
  await restartServer();
  await publish("Welcome home.");
  down = false;

  await expect(serves).toContainText("butler → v2");
  await expect(newest).toContainText("v1 → v2");
  await expect(overview.getByText("Updates live.")).toBeVisible();
  await expect(timeline.getByText("Updates live.")).toBeVisible();
  // Both came back through new sockets.
  expect(acknowledged).toBeGreaterThanOrEqual(before + 2);
});
