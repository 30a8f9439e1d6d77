/** Telegram's pace: about one message a second in one chat, thirty a second overall. */
export interface DeliveryLimits {
  perChatGapMs: number;
  globalGapMs: number;
  /** First wait after a failure that Telegram did not time; doubles up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const TELEGRAM_LIMITS: DeliveryLimits = { perChatGapMs: 1000, globalGapMs: 34, backoffMs: 1000, maxBackoffMs: 60_000 };

/** What a job asks for after one attempt. */
export type Attempt = { done: true } | { done: false; retryAfterMs?: number };

export interface QueuedJob {
  chatId: number;
  run(): Promise<Attempt>;
  /** Called once when the job will not run again (done, given up, or the queues stopped). */
  settle(): void;
}

/**
 * One FIFO queue per chat, each drained by its own loop: one chat waiting out a 429 or an outage does not
 * hold up the others. Calls keep the per-chat and overall gaps; a job that asks to retry goes back to the
 * head of its queue after its wait (Telegram's retry_after, or a doubling backoff), so nothing is dropped.
 */
export class ChatQueues {
  private readonly queues = new Map<number, QueuedJob[]>();
  private readonly loops = new Map<number, Promise<void>>();
  private readonly lastCallAt = new Map<number, number>();
  private nextGlobalSlot = 0;
  private stopped = false;
  private readonly wake = new Set<() => void>();

  constructor(private readonly limits: DeliveryLimits) {}

  push(job: QueuedJob): void {
    if (this.stopped) return job.settle();
    const queue = this.queues.get(job.chatId) ?? [];
    queue.push(job);
    this.queues.set(job.chatId, queue);
    if (!this.loops.has(job.chatId)) this.loops.set(job.chatId, this.drain(job.chatId, queue));
  }

  /** Stops taking jobs; the running attempts finish, queued jobs are settled unrun. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wake) wake();
    await Promise.all(this.loops.values());
  }

  private async drain(chatId: number, queue: QueuedJob[]): Promise<void> {
    let failures = 0;
    while (!this.stopped && queue.length > 0) {
      await this.pace(chatId);
      if (this.stopped) break;
      const job = queue[0]!;
      const attempt = await job.run();
      if (attempt.done) {
        queue.shift();
        failures = 0;
        job.settle();
        continue;
      }
      failures += 1;
      const backoff = Math.min(this.limits.maxBackoffMs, this.limits.backoffMs * 2 ** (failures - 1));
      await this.sleep(attempt.retryAfterMs ?? backoff);
    }
    // Synchronously with the last check, so a job pushed from now on starts a new loop.
    this.loops.delete(chatId);
    this.queues.delete(chatId);
    for (const job of queue.splice(0)) job.settle();
  }

  /** Waits for this chat's next slot and a global one. */
  private async pace(chatId: number): Promise<void> {
    const now = Date.now();
    const chatReady = (this.lastCallAt.get(chatId) ?? -Infinity) + this.limits.perChatGapMs;
    const slot = Math.max(now, chatReady, this.nextGlobalSlot);
    this.nextGlobalSlot = slot + this.limits.globalGapMs;
    this.lastCallAt.set(chatId, slot);
    if (slot > now) await this.sleep(slot - now);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.add(done);
    });
  }
}
