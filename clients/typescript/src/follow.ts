/**
 * One follower per followed environment: load (revalidating with `If-None-Match`), then follow
 * `GET /v1/config/watch` (resuming with `Last-Event-ID`); when it drops, back off with jitter,
 * revalidating on an interval meanwhile. No failure ever drops the last good configuration.
 */

import { Configuration } from "./config.js";
import { InvalidResponse, SlipwayError, Unavailable, fromAnswer, fromEvent, isDefinitive } from "./errors.js";
import { SseParser } from "./sse.js";

/** Exponential delays from a base (the server's `retry:` hint when sent) to a ceiling, half random. */
export class Backoff {
  private attempt = 0;
  constructor(private base: number, private readonly max: number) {
    this.base = Math.min(base, max);
  }
  setBase(base: number): void {
    this.base = Math.min(base, this.max);
  }
  reset(): void {
    this.attempt = 0;
  }
  next(random: number = Math.random()): number {
    const delay = Math.min(this.max, this.base * 2 ** Math.min(this.attempt, 16));
    this.attempt += 1;
    return delay / 2 + (delay / 2) * random;
  }
}

/** What a follower needs from its client. */
export interface Host {
  readonly baseUrl: string;
  readonly project: string | undefined;
  readonly timings: { requestTimeoutMs: number; idleTimeoutMs: number; backoffBaseMs: number; backoffMaxMs: number; revalidateEveryMs: number };
  readonly stop: AbortSignal;
  authorization(): string;
  held(name: string): Configuration | undefined;
  install(environment: string | undefined, config: Configuration): void;
  setStatus(name: string, change: { connected?: boolean; lastError?: SlipwayError | undefined }): void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Keeps one environment's configuration current. */
export class Follower {
  readonly name: string;
  /** Settles with the first outcome: loaded, or a definitive refusal. */
  readonly first: Promise<SlipwayError | undefined>;
  private settle!: (outcome: SlipwayError | undefined) => void;
  private settled = false;

  constructor(private readonly host: Host, readonly environment: string | undefined) {
    this.name = environment ?? "";
    this.first = new Promise((resolve) => (this.settle = resolve));
  }

  private url(path: string): string {
    const query = new URLSearchParams();
    if (this.environment !== undefined) query.set("environment", this.environment);
    if (this.host.project !== undefined) query.set("project", this.host.project);
    const q = query.toString();
    return `${this.host.baseUrl}${path}${q ? `?${q}` : ""}`;
  }

  private async fetch(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    try {
      return await fetch(this.url(path), { headers: { authorization: this.host.authorization(), ...headers }, signal });
    } catch {
      throw new Unavailable("could not reach Slipway");
    }
  }

  private etag(): string | undefined {
    return this.host.held(this.name)?.etag;
  }

  private install(text: string, etag: string | undefined): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new InvalidResponse("not JSON");
    }
    this.host.install(this.environment, Configuration.fromJson(body, etag));
  }

  /** `GET /v1/config`, conditional on the held ETag. */
  async revalidate(): Promise<void> {
    const etag = this.etag();
    const signal = AbortSignal.any([this.host.stop, AbortSignal.timeout(this.host.timings.requestTimeoutMs)]);
    const response = await this.fetch("/v1/config", etag ? { "if-none-match": etag } : {}, signal);
    if (response.status !== 304) {
      const text = await response.text().catch(() => {
        throw new Unavailable("the answer was cut off");
      });
      if (!response.ok) throw fromAnswer(response.status, text);
      this.install(text, response.headers.get("etag") ?? undefined);
    }
    this.loaded();
  }

  /** Follows the watch stream until it ends or fails. */
  async watch(backoff: Backoff): Promise<void> {
    const etag = this.etag();
    const local = new AbortController();
    const signal = AbortSignal.any([this.host.stop, local.signal]);
    let idle = setTimeout(() => local.abort(), this.host.timings.requestTimeoutMs);
    const response = await this.fetch("/v1/config/watch", etag ? { "last-event-id": etag } : {}, signal);
    if (!response.ok || !response.body) {
      clearTimeout(idle);
      throw fromAnswer(response.status, await response.text().catch(() => ""));
    }
    this.host.setStatus(this.name, { connected: true });
    backoff.reset();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        clearTimeout(idle);
        idle = setTimeout(() => local.abort(), this.host.timings.idleTimeoutMs);
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch {
          if (this.host.stop.aborted) return;
          throw new Unavailable("the watch stream dropped or went silent");
        }
        if (chunk.done) return;
        const events = parser.push(decoder.decode(chunk.value, { stream: true }));
        if (parser.retryMs !== undefined) backoff.setBase(parser.retryMs);
        for (const event of events) {
          if (event.event === "config") this.install(event.data, event.id);
          else if (event.event === "error") throw fromEvent(event.data);
        }
      }
    } finally {
      clearTimeout(idle);
      local.abort();
      this.host.setStatus(this.name, { connected: false });
    }
  }

  private failed(error: unknown): void {
    const e = error instanceof SlipwayError ? error : new Unavailable("unexpected failure");
    this.host.setStatus(this.name, { connected: false, lastError: e });
    if (isDefinitive(e) && !this.settled) {
      this.settled = true;
      this.settle(e);
    }
  }

  private loaded(): void {
    this.host.setStatus(this.name, { lastError: undefined });
    if (!this.settled) {
      this.settled = true;
      this.settle(undefined);
    }
  }

  private async guard(step: () => Promise<void>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (error) {
      if (!this.host.stop.aborted) this.failed(error);
      return false;
    }
  }

  private async pause(delay: number): Promise<void> {
    const deadline = Date.now() + delay;
    while (!this.host.stop.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(left, this.host.timings.revalidateEveryMs), this.host.stop);
      if (Date.now() < deadline && !this.host.stop.aborted) await this.guard(() => this.revalidate());
    }
  }

  /** Follows until the client stops. */
  async run(): Promise<void> {
    const t = this.host.timings;
    const backoff = new Backoff(t.backoffBaseMs, t.backoffMaxMs);
    while (!this.host.stop.aborted) {
      if (await this.guard(() => this.revalidate())) await this.guard(() => this.watch(backoff));
      await this.pause(backoff.next());
    }
  }
}
