import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A Bot API call as it arrived, with its arrival time in epoch milliseconds (sub-millisecond). */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

/** What a fault hook may do to one call: answer with an error, or drop the connection unanswered. */
export type Fault = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | "drop";

export interface BotApiOptions {
  /** Asked before each call is answered; `n` counts calls of that method from 1. */
  fault?: (method: string, n: number, params: Record<string, unknown>) => Fault | undefined;
}

const now = (): number => performance.timeOrigin + performance.now();

/**
 * A minimal local Bot API server for benchmarks and fault tests: long polling with real waits, a log of
 * every call with timestamps, and injectable faults. It validates nothing; the fake server under
 * test/support/fake-telegram is the one that checks requests.
 */
export class BenchBotApi {
  readonly calls: ApiCall[] = [];
  readonly token = "123456:bench-token-not-a-real-one-0000";
  private server: Server;
  private updates: Array<Record<string, unknown> & { update_id: number }> = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private counts = new Map<string, number>();
  private pollers: Array<() => void> = [];
  private callWaiters: Array<() => void> = [];

  constructor(private readonly options: BotApiOptions = {}) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const wake of this.pollers.splice(0)) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues an update for the bot's next getUpdates; returns its update_id. */
  push(update: Record<string, unknown>): number {
    const update_id = this.nextUpdateId++;
    this.updates.push({ update_id, ...update });
    for (const wake of this.pollers.splice(0)) wake();
    return update_id;
  }

  get pendingUpdates(): number {
    return this.updates.length;
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `test` holds on the call log (re-checked after every call), or rejects after `ms`. */
  async until(test: (calls: ApiCall[]) => boolean, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test(this.calls)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the Bot API server waited ${ms} ms in vain`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.callWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? "");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!match) return this.reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    const method = match[2]!;
    const params = parseBody(req.headers["content-type"] ?? "", Buffer.concat(chunks), req.url ?? "");
    const n = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, n);
    const fault = this.options.fault?.(method, n, params);
    if (fault === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault) {
      const description = fault.status === 429 ? `Too Many Requests: retry after ${fault.retryAfter}` : "Internal Server Error";
      return this.reply(res, fault.status, {
        ok: false, error_code: fault.status, description, ...(fault.status === 429 ? { parameters: { retry_after: fault.retryAfter } } : {}),
      });
    }
    if (method !== "getUpdates") this.record({ method, params, at });
    if (method === "getUpdates") return this.getUpdates(params, res, at);
    return this.reply(res, 200, { ok: true, result: this.result(method, params) });
  }

  private record(call: ApiCall): void {
    this.calls.push(call);
    for (const wake of this.callWaiters.splice(0)) wake();
  }

  private async getUpdates(params: Record<string, unknown>, res: ServerResponse, at: number): Promise<void> {
    this.record({ method: "getUpdates", params, at });
    const offset = Number(params["offset"] ?? 0);
    this.updates = this.updates.filter((u) => u.update_id >= offset);
    const timeout = Math.min(Number(params["timeout"] ?? 0), 50) * 1000;
    if (this.updates.length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout);
        this.pollers.push(() => {
          clearTimeout(timer);
          resolve();
        });
        res.once("close", () => clearTimeout(timer));
      });
    }
    const limit = Math.max(1, Math.min(Number(params["limit"] ?? 100), 100));
    this.reply(res, 200, { ok: true, result: this.updates.slice(0, limit) });
  }

  private result(method: string, params: Record<string, unknown>): unknown {
    const chat = { id: Number(params["chat_id"] ?? 0), type: "private" };
    const message = () => ({ message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat, text: params["text"] ?? "" });
    switch (method) {
      case "getMe":
        return { id: 123456, is_bot: true, first_name: "Pairbot", username: "pairbot_bench_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument":
        return message();
      case "editMessageText":
      case "editMessageReplyMarkup":
      case "editMessageCaption":
        return { ...message(), message_id: Number(params["message_id"] ?? 0) };
      case "getMyCommands":
        return [];
      default:
        return true;
    }
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }
}

function parseBody(type: string, body: Buffer, url: string): Record<string, unknown> {
  const query = Object.fromEntries(new URL(url, "http://x").searchParams);
  if (body.length === 0) return query;
  if (type.includes("application/json")) return { ...query, ...(JSON.parse(body.toString("utf8")) as Record<string, unknown>) };
  if (type.includes("multipart/form-data")) {
    // Only the plain text fields; files are left out.
    const fields: Record<string, unknown> = { ...query };
    for (const m of body.toString("latin1").matchAll(/name="([^"]+)"\r\n\r\n([^\r]*)\r\n/g)) {
      const value = Buffer.from(m[2]!, "latin1").toString("utf8");
      try {
        fields[m[1]!] = JSON.parse(value);
      } catch {
        fields[m[1]!] = value;
      }
    }
    return fields;
  }
  return { ...query, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
}
