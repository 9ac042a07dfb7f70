/** The TypeScript client against the real `slipway serve`. */

import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, test } from "node:test";

import { Client, Forbidden, MissingVariable, NotFollowed, NotFound, Unauthenticated, Unavailable, render } from "../src/index.js";
import { Slipway, eventually, nextChange } from "./server.js";

const servers: Slipway[] = [];
const clients: Client[] = [];
async function start(): Promise<Slipway> {
  const s = await Slipway.start();
  servers.push(s);
  return s;
}
async function client(options: Parameters<typeof Client.create>[0]): Promise<Client> {
  const c = await Client.create(options);
  clients.push(c);
  return c;
}
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.finish();
});

test("the first load serves the prompt with what served it", async () => {
  const slipway = await start();
  const p = await slipway.project("load");
  await p.publish("greeting", "Greet {{name}} warmly.", ["prod"]);
  const key = await p.apiKey(["prod"]);
  const c = await client({ baseUrl: slipway.base, credential: key, environment: "prod" });
  const prompt = c.getPrompt("greeting");
  assert.deepEqual([prompt.version, prompt.environment, prompt.servedFrom, prompt.fellBack], [1, "prod", "prod", false]);
  const wire = await slipway.get("/v1/config/prompt/greeting?environment=prod", key);
  assert.equal(prompt.contentHash, wire.content_hash);
  assert.equal(prompt.render({ name: "Ada" })[0]!.content, "Greet Ada warmly.");
  assert.throws(() => render(prompt.content, {}), MissingVariable);
  assert.throws(() => c.getPrompt("nothing"), NotFound);
});

test("a resource missing in the environment reports the fallback that served it", async () => {
  const slipway = await start();
  const p = await slipway.project("fallback");
  await p.publish("greeting", "from prod", ["prod"]);
  const c = await client({ baseUrl: slipway.base, credential: await p.apiKey([]), environment: "staging" });
  const prompt = c.getPrompt("greeting");
  assert.deepEqual([prompt.environment, prompt.servedFrom, prompt.fellBack], ["staging", "prod", true]);
});

test("refusals are typed and never show the key", async () => {
  const slipway = await start();
  const p = await slipway.project("refuse");
  await p.publish("greeting", "hello", ["staging"]);
  const key = await p.apiKey(["staging"]);
  const secret = key.slice("slw_".length);
  const forbidden = await Client.create({ baseUrl: slipway.base, credential: key, environment: "prod" }).catch((e) => e);
  assert.ok(forbidden instanceof Forbidden, String(forbidden));
  await assert.rejects(Client.create({ baseUrl: slipway.base, credential: key, environment: "nope" }), NotFound);
  const unauthenticated = await Client.create({ baseUrl: slipway.base, credential: `${key}x`, environment: "staging" }).catch((e) => e);
  assert.ok(unauthenticated instanceof Unauthenticated);
  for (const e of [forbidden, unauthenticated]) assert.ok(!`${e} ${inspect(e)}`.includes(secret));
  const c = await client({ baseUrl: slipway.base, credential: key, environment: "staging" });
  assert.ok(!`${inspect(c, { showHidden: true })} ${JSON.stringify(c)}`.includes(secret));
  assert.throws(() => c.getPrompt("greeting", "prod"), NotFollowed);
});

test("a deployment arrives through the stream and reads may pin an environment", async () => {
  const slipway = await start();
  const p = await slipway.project("stream");
  await p.publish("greeting", "v1", ["prod", "staging"]);
  const c = await client({
    baseUrl: slipway.base,
    credential: await p.apiKey([]),
    environment: "prod",
    follow: ["staging"],
    revalidateEveryMs: 3_600_000,
  });
  const changed = nextChange((l) => c.subscribe(l));
  await p.publish("greeting", "v2", ["prod"]);
  assert.equal(await changed, "prod");
  assert.equal(c.getPrompt("greeting").content.messages[0]!.content, "v2");
  assert.equal(c.getPrompt("greeting", "staging").content.messages[0]!.content, "v1");
  assert.ok(c.status().connected);
});

test("the last good configuration is served while Slipway is down, and the client reconnects", async () => {
  const slipway = await start();
  const p = await slipway.project("outage");
  await p.publish("greeting", "v1", ["prod"]);
  const c = await client({
    baseUrl: slipway.base,
    credential: await p.apiKey(["prod"]),
    environment: "prod",
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    revalidateEveryMs: 50,
  });
  await slipway.kill();
  await eventually("the client noticing the outage", () => c.status().lastError !== undefined);
  assert.ok(c.status().lastError instanceof Unavailable);
  assert.equal(c.getPrompt("greeting").version, 1);
  await slipway.restart();
  await eventually("the client reconnecting", () => c.status().connected);
  const changed = nextChange((l) => c.subscribe(l));
  await p.publish("greeting", "v2", ["prod"]);
  await changed;
  assert.equal(c.getPrompt("greeting").version, 2);
});

test("a cold start without Slipway uses the persisted file or a given value", async () => {
  const slipway = await start();
  const p = await slipway.project("cold");
  await p.publish("greeting", "saved", ["prod"]);
  const key = await p.apiKey(["prod"]);
  const body = await slipway.get("/v1/config?environment=prod", key);
  const cache = join(mkdtempSync(join(tmpdir(), "slipway-cache-")), "cache.json");
  const first = await client({ baseUrl: slipway.base, credential: key, environment: "prod", persistTo: cache });
  await first.flushed();
  first.close();
  assert.ok(existsSync(cache), first.persistError);
  await slipway.kill();
  const cold = await client({ baseUrl: slipway.base, credential: key, environment: "prod", bootstrapFile: cache, wait: 300 });
  assert.equal(cold.getPrompt("greeting").content.messages[0]!.content, "saved");
  await assert.rejects(Client.create({ baseUrl: slipway.base, credential: key, environment: "prod", wait: 300 }), Unavailable);

  const port = await new Promise<number>((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const address = s.address() as { port: number };
      s.close(() => r(address.port));
    });
  });
  const given = await client({ baseUrl: `http://127.0.0.1:${port}`, credential: key, environment: "prod", bootstrap: body, wait: 200 });
  assert.equal(given.getPrompt("greeting").version, 1);
  assert.ok(!given.status().connected);
});
