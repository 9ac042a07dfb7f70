/** What an environment serves, as held: a `GET /v1/config` body parsed, and one typed read. */

import { InvalidResponse } from "./errors.js";
import { type Message, type PromptContent, render } from "./render.js";

/** The kinds of resource. */
export type Kind = "prompt" | "routing_rule" | "provider";
const KINDS: readonly Kind[] = ["prompt", "routing_rule", "provider"];

/** A read and what served it. */
export interface Served<T = Record<string, unknown>> {
  kind: Kind;
  key: string;
  content: T;
  version: number;
  contentHash: string;
  /** The environment asked for. */
  environment: string;
  /** The environment whose pointer served it. */
  servedFrom: string;
  /** Whether the gateway fallback environment served it. */
  fellBack: boolean;
}

/** A served prompt, which can be rendered locally. */
export interface ServedPrompt extends Served<PromptContent> {
  /** The messages with `variables` filled in. */
  render(variables: Record<string, string>): Message[];
}

/** A whole environment's configuration at one moment. */
export class Configuration {
  private constructor(
    readonly environment: string,
    readonly etag: string | undefined,
    readonly body: unknown,
    private readonly entries: Map<string, Served>,
  ) {}

  /** Parses a `GET /v1/config` body; throws `InvalidResponse` for anything else. */
  static fromJson(body: unknown, etag: string | undefined): Configuration {
    const b = body as { environment?: unknown; resources?: unknown };
    if (typeof b !== "object" || b === null || typeof b.environment !== "string" || !Array.isArray(b.resources)) {
      throw new InvalidResponse("not a configuration");
    }
    const entries = new Map<string, Served>();
    for (const raw of b.resources as Record<string, unknown>[]) {
      const kind = raw.kind as Kind;
      if (!KINDS.includes(kind) || typeof raw.key !== "string" || typeof raw.content !== "object" || raw.content === null) {
        throw new InvalidResponse("not a configuration entry");
      }
      entries.set(`${kind}\u0000${raw.key}`, {
        kind,
        key: raw.key,
        content: raw.content as Record<string, unknown>,
        version: Number(raw.version),
        contentHash: String(raw.content_hash),
        environment: String(raw.environment),
        servedFrom: String(raw.served_from),
        fellBack: raw.fell_back === true,
      });
    }
    return new Configuration(b.environment, etag, body, entries);
  }

  /** One resource, if served. */
  get(kind: Kind, key: string): Served | undefined {
    return this.entries.get(`${kind}\u0000${key}`);
  }

  /** Every resource served. */
  all(): Served[] {
    return [...this.entries.values()];
  }
}

/** A served prompt with its `render`. */
export function asPrompt(served: Served): ServedPrompt {
  const content = served.content as unknown as PromptContent;
  return { ...served, content, render: (variables) => render(content, variables) };
}
