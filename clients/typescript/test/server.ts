/**
 * The real `slipway serve` (`target/debug/slipway`, or `$SLIPWAY_BIN`) on a free port with a
 * fresh SQLite data directory, and the GraphQL calls the tests set data up with.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const PATIENCE = 20_000;
const ROOT = resolve(fileURLToPath(import.meta.url), "../../../../..");
const LISTENING = "Slipway listening on http://";

function binary(): string {
  const path = process.env.SLIPWAY_BIN ?? join(ROOT, "target", "debug", "slipway");
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`cargo build -p slipway-server\` (or set SLIPWAY_BIN)`);
  return path;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Slipway {
  readonly dir = mkdtempSync(join(tmpdir(), "slipway-ts-"));
  private child: ChildProcess | undefined;
  addr = "127.0.0.1:0";

  get base(): string {
    return `http://${this.addr}`;
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("SLIPWAY_")) env[k] = v;
    return { ...env, SLIPWAY_DATA_DIR: this.dir, SLIPWAY_RATE_LIMIT: "false", SLIPWAY_WATCH_KEEPALIVE: "1s" };
  }

  static async start(): Promise<Slipway> {
    const s = new Slipway();
    await s.launch();
    return s;
  }

  private async launch(): Promise<void> {
    const env = { ...this.env(), SLIPWAY_LISTEN: this.addr, SLIPWAY_LOG_FORMAT: "json", SLIPWAY_LOG: "warn,slipway_server::server=info" };
    const child = spawn(binary(), ["serve"], { env, stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    const addr = await new Promise<string>((resolveAddr, reject) => {
      const timer = setTimeout(() => reject(new Error("slipway serve did not listen in time")), PATIENCE);
      createInterface({ input: child.stderr! }).on("line", (line) => {
        try {
          const message = JSON.parse(line).fields.message as string;
          if (message.startsWith(LISTENING)) {
            clearTimeout(timer);
            resolveAddr(message.slice(LISTENING.length).split(/\s/)[0]!);
          }
        } catch {
          // not a JSON log line
        }
      });
      child.on("exit", () => reject(new Error("slipway serve exited")));
    });
    this.addr = addr;
    const deadline = Date.now() + PATIENCE;
    for (;;) {
      try {
        if ((await fetch(`${this.base}/healthz`)).ok) return;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error("slipway serve never became healthy");
      await pause(20); // a pause between polls of a deadline-bounded wait
    }
  }

  kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((r) => {
      child.once("exit", () => r());
      child.kill("SIGKILL");
    });
  }

  /** Kills the server and starts it again on the same address and data. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async finish(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  token(subject: string): string {
    return execFileSync(binary(), ["token", "--sub", subject], { env: this.env() }).toString().trim();
  }

  async get(path: string, bearer: string): Promise<any> {
    return (await fetch(this.base + path, { headers: { authorization: `Bearer ${bearer}` } })).json();
  }

  async gql(bearer: string, query: string, variables: object, check = true): Promise<any> {
    const answer = await (
      await fetch(`${this.base}/graphql`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      })
    ).json();
    if (check && answer.errors) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  }

  async project(org: string): Promise<Project> {
    const owner = this.token(`owner-of-${org}`);
    await this.gql(owner, "mutation($o: String!) { createOrganization(slug: $o, name: $o) { slug } }", { o: org });
    await this.gql(owner, 'mutation($o: String!) { createProject(org: $o, slug: "shop", name: "Shop") { slug } }', { o: org });
    return new Project(this, owner, org);
  }
}

export class Project {
  constructor(readonly slipway: Slipway, readonly owner: string, readonly org: string) {}

  /** Publishes a version of prompt `key` (created on first use) to `environments`. */
  async publish(key: string, text: string, environments: string[]): Promise<void> {
    await this.slipway.gql(
      this.owner,
      'mutation($o: String!, $k: String!) { createPrompt(org: $o, project: "shop", key: $k) { key } }',
      { o: this.org, k: key },
      false,
    );
    const content = {
      model: "gpt-4o-mini",
      messages: [{ role: "system", content: text }],
      variables: text.includes("{{name}}") ? ["name"] : [],
    };
    await this.slipway.gql(
      this.owner,
      `mutation($o: String!, $k: String!, $c: JSON!, $to: [String!]) {
         createPromptVersion(org: $o, project: "shop", key: $k, content: $c, message: "test", publishTo: $to) {
           version { number } } }`,
      { o: this.org, k: key, c: content, to: environments },
    );
  }

  async apiKey(environments: string[]): Promise<string> {
    const data = await this.slipway.gql(
      this.owner,
      `mutation($o: String!, $e: [String!]!) {
         createApiKey(org: $o, project: "shop", name: "app", environments: $e) { secret } }`,
      { o: this.org, e: environments },
    );
    return data.createApiKey.secret as string;
  }
}

/** Waits until `condition()` holds, failing after PATIENCE. */
export async function eventually(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + PATIENCE;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await pause(20); // a pause between polls of a deadline-bounded wait
  }
}

/** Resolves with the next change `subscribe` reports. */
export function nextChange(subscribe: (l: (env: string | undefined) => void) => () => void): Promise<string | undefined> {
  return new Promise((resolveChange, reject) => {
    const timer = setTimeout(() => reject(new Error("no change in time")), PATIENCE);
    const stop = subscribe((env) => {
      clearTimeout(timer);
      stop();
      resolveChange(env);
    });
  });
}
