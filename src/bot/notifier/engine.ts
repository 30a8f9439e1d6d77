import type { Api } from "grammy";
import { nextExpiry, pendingCards, requestKey, type Clock, type PairingStore, type RequestCard, type StoreDoc, type StoreFeed } from "../../store/index.js";
import { ChatQueues, TELEGRAM_LIMITS, type DeliveryLimits } from "./chat-queues.js";
import { OwnerReach, runJob, type ApiSignal, type JobContext, type NotifierLogger } from "./jobs.js";
import { planJobs, type NotifierJob } from "./plan.js";
import { describeError } from "./telegram-errors.js";
import type { NotificationTexts } from "./texts.js";

export interface NotifierOptions {
  /** The bot's Api, with auto-retry installed; the engine copes without it too. */
  api: Api;
  store: PairingStore;
  owners: readonly number[];
  texts: NotificationTexts;
  logger: NotifierLogger;
  /** For the 48-hour delete window; the store's clock by default (the expiry timer always uses the store's). */
  clock?: Clock;
  limits?: Partial<DeliveryLimits>;
  /** How long stop() lets calls in flight finish before cutting them off (default 5 s). */
  stopGraceMs?: number;
}

export interface Notifier {
  /**
   * Looks at the store again now. The feed reports requests and setup codes, not notification records:
   * call this after recording a setup-code message (/pair), in case its code died before the record.
   */
  refresh(): void;
  /** Stops watching, lets the calls in flight finish (and be recorded), and leaves the rest for the next start. */
  stop(): Promise<void>;
}

/** Longest delay setTimeout accepts; a later expiry simply re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const RETRY_READ_MS = 5000;
const STOP_GRACE_MS = 5000;

/**
 * Keeps the owners' chats in step with the store. Every change seen on the feed (and the start) runs one
 * pass: read the store, plan what the chats lack (planJobs), queue what is not already queued or done.
 * Passes never overlap, and a job is queued at most once while it is planned, so overlapping feed events
 * cannot send an alert twice; the store's record makes that hold across restarts.
 *
 * Delivery is at-least-once: an alert is recorded right after Telegram accepts it. If the process dies
 * in between (milliseconds; stop() waits for it), the alert is sent again at the next start. The other
 * order, record then send, would lose the alert for good when the send fails.
 */
export class NotificationEngine implements Notifier {
  private readonly clock: Clock;
  private readonly queues: ChatQueues;
  private readonly abort = new AbortController();
  private readonly context: JobContext;
  /** Jobs in a queue or running. */
  private readonly busy = new Map<string, NotifierJob>();
  /** Jobs finished while a stale snapshot may still plan them; dropped once a pass no longer plans them. */
  private readonly done = new Set<string>();
  /** Every request seen pending, kept until its alerts are all edited, to describe how it ended. */
  private readonly known = new Map<string, RequestCard>();
  private latest: StoreDoc | undefined;
  private feed: StoreFeed | undefined;
  private passing: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private expiryTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NotifierOptions) {
    this.clock = options.clock ?? options.store.clock;
    this.queues = new ChatQueues({ ...TELEGRAM_LIMITS, ...options.limits });
    this.context = {
      api: options.api,
      store: options.store,
      texts: options.texts,
      logger: options.logger,
      clock: this.clock,
      signal: this.abort.signal as unknown as ApiSignal,
      latest: () => this.latest!,
      reach: new OwnerReach(options.logger),
    };
  }

  /** Starts watching, then catches up on what happened while the bot was down. */
  async start(): Promise<void> {
    this.feed = this.options.store.watch(
      (events) => {
        for (const event of events) {
          if (event.type === "dm.removed") this.remember({ kind: "dm", request: event.request });
          if (event.type === "device.removed") this.remember({ kind: "device", request: event.request });
        }
        this.schedule();
      },
      { onError: (error) => this.options.logger.warn({ error: describeError(error) }, "could not read the store for notifications; will read it on the next change") },
    );
    await this.feed.ready;
    this.schedule();
    await this.passing;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.feed?.close();
    clearTimeout(this.expiryTimer);
    clearTimeout(this.retryTimer);
    // A send in flight is let finish and be recorded, or it would go out again after the restart;
    // only one stuck past the grace period (Telegram down, a long retry_after) is cut off.
    const cutOff = setTimeout(() => this.abort.abort(), this.options.stopGraceMs ?? STOP_GRACE_MS);
    try {
      await this.passing;
      await this.queues.stop();
    } finally {
      clearTimeout(cutOff);
    }
  }

  refresh(): void {
    this.schedule();
  }

  private remember(card: RequestCard): void {
    const key = requestKey.of(card);
    if (!this.known.has(key)) this.known.set(key, card);
  }

  /** Runs a pass now, or right after the running one: never two at once, never one change missed. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.passes().finally(() => (this.passing = undefined));
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pass();
      } catch (error) {
        this.options.logger.error({ error: describeError(error) }, "could not read the store for notifications; trying again shortly");
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.schedule(), RETRY_READ_MS);
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async pass(): Promise<void> {
    const doc = await this.options.store.read();
    if (this.stopped) return;
    this.latest = doc;
    for (const card of pendingCards(doc)) this.known.set(requestKey.of(card), card);

    const jobs = planJobs(doc, this.options.owners, this.known);
    const planned = new Set(jobs.map((job) => job.id));
    for (const id of this.done) if (!planned.has(id)) this.done.delete(id);
    for (const job of jobs) if (!this.busy.has(job.id) && !this.done.has(job.id)) this.enqueue(job);

    const stillNeeded = new Set([...pendingCards(doc).map(requestKey.of), ...Object.keys(doc.notifications), ...[...this.busy.values()].map((j) => j.key)]);
    for (const key of this.known.keys()) if (!stillNeeded.has(key)) this.known.delete(key);
    this.armExpiryTimer(doc);
  }

  private enqueue(job: NotifierJob): void {
    this.busy.set(job.id, job);
    this.queues.push({
      chatId: job.chatId,
      run: async () => {
        const attempt = await runJob(this.context, job);
        if (attempt.done) {
          this.done.add(job.id);
          // An alert's record is not a feed event: look again in case its request ended meanwhile.
          if (job.type === "alert") this.schedule();
        }
        return attempt;
      },
      settle: () => this.busy.delete(job.id),
    });
  }

  /** One timer, at the next expiry: prune, so expired requests leave the store and their alerts change. */
  private armExpiryTimer(doc: StoreDoc): void {
    clearTimeout(this.expiryTimer);
    const at = nextExpiry(doc);
    if (at === undefined || this.stopped) return;
    // The store's clock decides what has expired, so it also says how long until then.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.options.store.clock()) + 10);
    this.expiryTimer = setTimeout(() => {
      this.options.store
        .prune()
        .catch((error: unknown) => this.options.logger.warn({ error: describeError(error) }, "could not remove expired requests from the store"))
        .finally(() => this.schedule());
    }, delay);
    this.expiryTimer.unref();
  }
}
