/** A Server-Sent Events parser for the watch stream: text chunks in, events out. */

/** One dispatched event. */
export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/** Feed it decoded text as it arrives. */
export class SseParser {
  private pending = "";
  private event: string | undefined;
  private id: string | undefined;
  private data: string[] = [];
  /** The last `retry:` hint, in milliseconds. */
  retryMs: number | undefined;

  /** The events this chunk completes. */
  push(chunk: string): SseEvent[] {
    const events: SseEvent[] = [];
    this.pending += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.pending);
      // A lone CR at the end may be the first half of a CRLF: wait for more.
      if (!match || (match[0] === "\r" && match.index === this.pending.length - 1)) break;
      const line = this.pending.slice(0, match.index);
      this.pending = this.pending.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === "") {
      const event = this.data.length ? { event: this.event ?? "message", id: this.id, data: this.data.join("\n") } : undefined;
      this.event = undefined;
      this.id = undefined;
      this.data = [];
      return event;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "id") this.id = value;
    else if (field === "data") this.data.push(value);
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }
}
