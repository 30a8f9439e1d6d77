import type { Update } from "grammy/types";
import { conflict, type ApiError } from "./api-error.js";

export type NewUpdate = Omit<Update, "update_id"> & { update_id?: number };

// Telegram leaves these out unless allowed_updates names them
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

interface PendingPoll {
  offset: number | undefined;
  limit: number;
  wake: () => void;
  fail: (error: ApiError) => void;
}

/** Unconfirmed updates, handed out by long polling (getUpdates) or by the webhook. */
export class UpdateQueue {
  private readonly queue: Update[] = [];
  private nextUpdateId = 100_000_001;
  private allowed: Set<string> | undefined;
  private pending: PendingPoll | undefined;
  /** Called after every push, so the webhook can deliver. */
  onPush: () => void = () => {};
  /** Called when a long poll starts or stops waiting. */
  onPollChange: () => void = () => {};

  /** True while a getUpdates call waits for updates. */
  get polling(): boolean {
    return this.pending !== undefined;
  }

  push(update: NewUpdate): Update {
    const update_id = update.update_id ?? this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, update_id + 1);
    const full = { ...update, update_id } as Update;
    if (!this.isAllowed(full)) return full; // Telegram does not even keep it
    this.queue.push(full);
    this.pending?.wake();
    this.onPush();
    return full;
  }

  get size(): number {
    return this.queue.length;
  }

  get allowedUpdates(): string[] | undefined {
    return this.allowed ? [...this.allowed] : undefined;
  }

  /** Telegram remembers allowed_updates between calls; an empty list means the default again. */
  setAllowed(list: string[] | undefined): void {
    if (list === undefined) return;
    this.allowed = list.length === 0 ? undefined : new Set(list);
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      if (!this.isAllowed(this.queue[i] as Update)) this.queue.splice(i, 1);
    }
  }

  /** Confirms updates below `offset` (a negative offset keeps only the last -offset ones). */
  confirm(offset: number | undefined): void {
    if (offset === undefined) return;
    if (offset < 0) {
      this.queue.splice(0, Math.max(0, this.queue.length + offset));
      return;
    }
    while (this.queue.length > 0 && (this.queue[0] as Update).update_id < offset) this.queue.shift();
  }

  peek(limit: number): Update[] {
    return this.queue.slice(0, limit);
  }

  drop(): void {
    this.queue.length = 0;
  }

  /**
   * getUpdates: answers at once when updates are queued, otherwise waits up to `timeoutSeconds`.
   * A second poll ends the first with 409, as Telegram does when two bot instances run.
   */
  async poll(offset: number | undefined, limit: number, timeoutSeconds: number, signal: AbortSignal): Promise<Update[]> {
    this.pending?.fail(
      conflict("terminated by other getUpdates request; make sure that only one bot instance is running"),
    );
    this.confirm(offset);
    if (this.queue.length > 0 || timeoutSeconds <= 0) return this.peek(limit);
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (this.pending === poll) this.pending = undefined;
        this.onPollChange();
      };
      const poll: PendingPoll = {
        offset,
        limit,
        wake: () => {
          done();
          resolve();
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(poll.wake, timeoutSeconds * 1000);
      signal.addEventListener("abort", poll.wake);
      this.pending = poll;
      this.onPollChange();
    });
    return this.peek(limit);
  }

  /** Ends a waiting getUpdates with an error (a webhook was set meanwhile). */
  failPoll(error: ApiError): void {
    this.pending?.fail(error);
  }

  /** Ends a waiting getUpdates with an empty answer (the fake is closing). */
  endPoll(): void {
    this.pending?.wake();
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== "update_id") ?? "";
    return this.allowed ? this.allowed.has(type) : !OPT_IN_UPDATES.has(type);
  }
}
