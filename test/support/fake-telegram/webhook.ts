import type { Update } from "grammy/types";
import type { UpdateQueue } from "./update-queue.js";

export interface WebhookSettings {
  url: string;
  secretToken?: string;
  maxConnections: number;
  ipAddress?: string;
}

/** One attempt to post an update to the webhook. */
export interface WebhookDeliveryAttempt {
  updateId: number;
  url: string;
  /** HTTP status of the webhook's answer; 0 if the connection failed. */
  status: number;
  accepted: boolean;
  error?: string;
}

/** A webhook's reply may itself be an API call: `{ "method": "sendMessage", ... }`. */
export type WebhookReplyHandler = (method: string, params: Record<string, unknown>) => Promise<void>;

/** Posts queued updates to the webhook one at a time, in order, retrying until the server says 2xx. */
export class WebhookDelivery {
  settings: WebhookSettings | undefined;
  readonly attempts: WebhookDeliveryAttempt[] = [];
  lastError: { date: number; message: string } | undefined;
  private running = false;
  private closed = false;
  private controller = new AbortController();

  constructor(
    private readonly queue: UpdateQueue,
    private readonly retryDelayMs: number,
    private readonly now: () => number,
    private readonly onReply: WebhookReplyHandler,
    private readonly onAttempt: () => void,
  ) {}

  set(settings: WebhookSettings): void {
    this.settings = settings;
    this.lastError = undefined;
    this.kick();
  }

  remove(): void {
    this.settings = undefined;
    this.lastError = undefined;
    this.controller.abort();
    this.controller = new AbortController();
  }

  close(): void {
    this.closed = true;
    this.remove();
  }

  /** Starts delivering if a webhook is set and nothing is being delivered already. */
  kick(): void {
    if (this.running || this.closed || !this.settings) return;
    this.running = true;
    void this.deliverAll().finally(() => {
      this.running = false;
      if (this.settings && this.queue.size > 0 && !this.closed) this.kick();
    });
  }

  private async deliverAll(): Promise<void> {
    while (this.settings && !this.closed) {
      const [update] = this.queue.peek(1);
      if (update === undefined) return;
      const delivered = await this.deliver(this.settings, update);
      if (!delivered) await sleep(this.retryDelayMs, this.controller.signal);
    }
  }

  private async deliver(settings: WebhookSettings, update: Update): Promise<boolean> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (settings.secretToken !== undefined) headers["x-telegram-bot-api-secret-token"] = settings.secretToken;
    try {
      const response = await fetch(settings.url, {
        method: "POST",
        headers,
        body: JSON.stringify(update),
        signal: this.controller.signal,
      });
      const body = await response.text();
      if (!response.ok) {
        this.fail(settings, update, response.status, `Wrong response from the webhook: ${response.status} ${response.statusText}`);
        return false;
      }
      this.queue.confirm(update.update_id + 1);
      this.record({ updateId: update.update_id, url: settings.url, status: response.status, accepted: true });
      await this.replyFrom(body);
      return true;
    } catch (error) {
      if (this.controller.signal.aborted) return false;
      this.fail(settings, update, 0, `Connection refused: ${(error as Error).message}`);
      return false;
    }
  }

  private record(attempt: WebhookDeliveryAttempt): void {
    this.attempts.push(attempt);
    this.onAttempt();
  }

  private async replyFrom(body: string): Promise<void> {
    let reply: unknown;
    try {
      reply = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof reply !== "object" || reply === null) return;
    const { method, ...params } = reply as Record<string, unknown>;
    if (typeof method === "string") await this.onReply(method, params);
  }

  private fail(settings: WebhookSettings, update: Update, status: number, message: string): void {
    this.lastError = { date: Math.floor(this.now() / 1000), message };
    this.record({ updateId: update.update_id, url: settings.url, status, accepted: false, error: message });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
