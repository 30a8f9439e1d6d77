import http from "node:http";

/** One server-sent event as a client receives it. */
export interface ReceivedEvent {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

/**
 * A channel adapter following `GET /channels/<channel>/events` as an EventSource would: it parses the
 * stream as it arrives, keeps the last id, and can reconnect with it (`Last-Event-ID`).
 */
export class EventStreamClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  body = "";
  ended = false;
  /** The response ended as a whole (not cut off): what a clean shutdown gives. */
  completed = false;
  private req: http.ClientRequest | undefined;
  private waiters: Array<() => void> = [];

  constructor(
    readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** Opens the stream; resolves once the status line is in (with the body read for a refusal). */
  open(lastEventId?: string): Promise<this> {
    this.ended = false;
    this.completed = false;
    return new Promise((resolve, reject) => {
      const headers = { Accept: "text/event-stream", ...this.headers, ...(lastEventId === undefined ? {} : { "Last-Event-ID": lastEventId }) };
      this.req = http.get(this.url, { headers }, (res) => {
        this.status = res.statusCode ?? 0;
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          if (this.status !== 200) {
            this.body += chunk;
            return;
          }
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            this.take(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
          this.wake();
        });
        const finish = () => {
          this.ended = true;
          this.wake();
        };
        res.on("end", () => {
          this.completed = true;
          finish();
        });
        res.on("close", finish);
        res.on("error", finish);
        if (this.status === 200) resolve(this);
        else res.on("end", () => resolve(this));
      });
      this.req.on("error", (e) => {
        this.ended = true;
        this.wake();
        reject(e);
      });
    });
  }

  private take(block: string): void {
    let id: string | undefined;
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
      else if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length > 0) this.events.push({ id, event, data: JSON.parse(data.join("\n")) as Record<string, unknown> });
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The id an EventSource would send on reconnecting: the last one received. */
  get lastId(): string | undefined {
    return this.events.findLast((e) => e.id !== undefined)?.id;
  }

  /** Waits until the stream holds an event that matches (or ends without one). */
  async waitFor(predicate: (e: ReceivedEvent) => boolean, timeoutMs = 10_000): Promise<ReceivedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (this.ended) throw new Error(`the event stream ended without the event; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for a condition on the whole client (an ended stream, a count of comments). */
  async until(condition: (c: this) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.req?.destroy();
  }
}
