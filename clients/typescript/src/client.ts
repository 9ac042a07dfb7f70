/** `Client`: typed reads from memory, kept current by one follower per environment. */

import { Configuration, type Served, type ServedPrompt, asPrompt, type Kind } from "./config.js";
import { BootstrapError, NotFollowed, NotFound, SlipwayError, Unavailable } from "./errors.js";
import { Follower, type Host } from "./follow.js";

/** How one follower is doing. */
export interface Status {
  connected: boolean;
  lastError: SlipwayError | undefined;
}

/** Called after each change of a followed environment (`undefined`: the gateway fallback). */
export type ChangeListener = (environment: string | undefined, configuration: Configuration) => void;

/** Settings of a client. Times are in milliseconds. */
export interface ClientOptions {
  /** `http://…` or `https://…`. */
  baseUrl: string;
  /** An API key (`slw_…`) or a JWT (then give `project`). */
  credential: string;
  /** `ORG/PROJECT`, needed with a JWT. */
  project?: string;
  /** The environment reads use when they pin none (default: the gateway fallback). */
  environment?: string;
  /** More environments that reads may pin. */
  follow?: string[];
  /** How long `create` waits for the first load (default 10 s; `null`: not at all). */
  wait?: number | null;
  /** A `GET /v1/config` body to serve for the default environment until Slipway answers. */
  bootstrap?: unknown;
  /** Node only: start from this file (written by `persistTo`) when Slipway cannot be reached. */
  bootstrapFile?: string;
  /** Node only: save the last good configuration here after each change. */
  persistTo?: string;
  onChange?: ChangeListener;
  requestTimeoutMs?: number;
  idleTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  revalidateEveryMs?: number;
}

const FORMAT = 1;

async function readFile(path: string): Promise<Map<string, Configuration>> {
  const fs = await import("node:fs/promises");
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return new Map();
    throw new BootstrapError(`${path}: unreadable`);
  }
  try {
    const file = JSON.parse(text) as { slipway_client_cache: number; environments: Record<string, { etag?: string | null; config: unknown }> };
    if (file.slipway_client_cache !== FORMAT) throw new Error("format");
    return new Map(Object.entries(file.environments).map(([name, s]) => [name, Configuration.fromJson(s.config, s.etag ?? undefined)]));
  } catch {
    throw new BootstrapError(`${path}: not a Slipway client cache file`);
  }
}

/** A Slipway client: create with `await Client.create({...})`; `close()` stops following. */
export class Client {
  readonly #credential: string;
  #held = new Map<string, Configuration>();
  #status = new Map<string, Status>();
  #listeners = new Set<ChangeListener>();
  #followed: (string | undefined)[];
  #stop = new AbortController();
  #persistTo: string | undefined;
  #persisting: Promise<void> = Promise.resolve();
  /** Why saving the persisted file last failed, if it did. */
  persistError: string | undefined;
  readonly baseUrl: string;

  private constructor(options: ClientOptions, held: Map<string, Configuration>) {
    if (!/^https?:\/\//.test(options.baseUrl)) throw new TypeError("baseUrl must be http:// or https://");
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#credential = options.credential;
    this.#held = held;
    this.#persistTo = options.persistTo;
    if (options.onChange) this.#listeners.add(options.onChange);
    this.#followed = [options.environment];
    for (const slug of options.follow ?? []) if (!this.#followed.includes(slug)) this.#followed.push(slug);
  }

  /** Starts a client: holds the bootstrap configuration, follows every environment, and waits. */
  static async create(options: ClientOptions): Promise<Client> {
    const held = options.bootstrapFile ? await readFile(options.bootstrapFile) : new Map<string, Configuration>();
    if (options.bootstrap !== undefined) {
      try {
        held.set(options.environment ?? "", Configuration.fromJson(options.bootstrap, undefined));
      } catch (error) {
        throw new BootstrapError(String((error as Error).message));
      }
    }
    const client = new Client(options, held);
    const host: Host = {
      baseUrl: client.baseUrl,
      project: options.project,
      timings: {
        requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
        idleTimeoutMs: options.idleTimeoutMs ?? 45_000,
        backoffBaseMs: options.backoffBaseMs ?? 500,
        backoffMaxMs: options.backoffMaxMs ?? 30_000,
        revalidateEveryMs: Math.max(options.revalidateEveryMs ?? 15_000, 10),
      },
      stop: client.#stop.signal,
      authorization: () => `Bearer ${client.#credential}`,
      held: (name) => client.#held.get(name),
      install: (environment, config) => client.#install(environment, config),
      setStatus: (name, change) => {
        const now = client.#status.get(name) ?? { connected: false, lastError: undefined };
        client.#status.set(name, { ...now, ...change });
      },
    };
    const followers = client.#followed.map((environment) => new Follower(host, environment));
    for (const follower of followers) void follower.run();
    const wait = options.wait === undefined ? 10_000 : options.wait;
    if (wait !== null) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), wait)));
      await Promise.race([Promise.all(followers.map((f) => f.first)), timeout]);
      clearTimeout(timer);
      for (const follower of followers) {
        const outcome = await Promise.race([follower.first, Promise.resolve("pending" as const)]);
        if (outcome instanceof SlipwayError) {
          client.close();
          throw outcome;
        }
        if (!client.#held.has(follower.name)) {
          client.close();
          throw client.#status.get(follower.name)?.lastError ?? new Unavailable(`no configuration within ${wait} ms`);
        }
      }
    }
    return client;
  }

  #install(environment: string | undefined, config: Configuration): void {
    const name = environment ?? "";
    const old = this.#held.get(name);
    if (old && old.etag === config.etag && JSON.stringify(old.body) === JSON.stringify(config.body)) return;
    this.#held.set(name, config);
    if (this.#persistTo) this.#persist(this.#persistTo);
    for (const listener of this.#listeners) listener(environment, config);
  }

  #persist(path: string): void {
    const environments = Object.fromEntries([...this.#held].map(([name, c]) => [name, { etag: c.etag ?? null, config: c.body }]));
    const text = JSON.stringify({ slipway_client_cache: FORMAT, environments });
    // Writes one after another, each replacing the file atomically.
    this.#persisting = this.#persisting.then(async () => {
      try {
        const fs = await import("node:fs/promises");
        await fs.writeFile(`${path}.partial`, text);
        await fs.rename(`${path}.partial`, path);
        this.persistError = undefined;
      } catch (error) {
        this.persistError = String((error as Error).message);
      }
    });
  }

  /** Resolves once every pending write of the persisted file is done. */
  flushed(): Promise<void> {
    return this.#persisting;
  }

  #nameFor(environment: string | undefined): string {
    const first = this.#followed[0];
    if (environment === undefined) return first ?? "";
    if (this.#followed.includes(environment)) return environment;
    if (first === undefined && this.#held.get("")?.environment === environment) return "";
    throw new NotFollowed(`environment '${environment}' is not followed by this client`);
  }

  /** The whole configuration of `environment` (default: the client's), from memory. */
  getConfig(environment?: string): Configuration {
    const name = this.#nameFor(environment);
    const config = this.#held.get(name);
    if (!config) throw this.#status.get(name)?.lastError ?? new Unavailable("not loaded yet");
    return config;
  }

  #get(kind: Kind, key: string, environment: string | undefined): Served {
    const config = this.getConfig(environment);
    const served = config.get(kind, key);
    if (!served) throw new NotFound(`${kind} '${key}' is not served in '${config.environment}'`);
    return served;
  }

  /** The prompt `key` as `environment` serves it; `.render(variables)` fills it. */
  getPrompt(key: string, environment?: string): ServedPrompt {
    return asPrompt(this.#get("prompt", key, environment));
  }

  /** The routing rule `key` as `environment` serves it. */
  getRoutingRule(key: string, environment?: string): Served {
    return this.#get("routing_rule", key, environment);
  }

  /** The provider activation `key` as `environment` serves it. */
  getProvider(key: string, environment?: string): Served {
    return this.#get("provider", key, environment);
  }

  /** Calls `listener` after each change; returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How the follower of `environment` is doing. */
  status(environment?: string): Status {
    return this.#status.get(this.#nameFor(environment)) ?? { connected: false, lastError: undefined };
  }

  /** Stops following (reads keep answering from memory). */
  close(): void {
    this.#stop.abort();
  }

  /** What `console.log` and `JSON.stringify` show: never the credential. */
  toJSON(): object {
    return { baseUrl: this.baseUrl, followed: this.#followed };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Client ${JSON.stringify(this.toJSON())}`;
  }
}
