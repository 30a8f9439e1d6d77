import type { Api } from "grammy";
import { nextExpiry, ownerSettings, pendingCards, requestKey, sentMessages, type Clock, type PairingStore, type RequestCard, type FeedHealth, type StoreDoc, type StoreFeed } from "../../store/index.js";
import type { BotTexts, Speaker } from "../bot-texts.js";
import type { OwnerNames } from "../render/cards.js";
import { ChatLane, NEW_MESSAGE_GAP_MS, type NotifierLogger } from "./chat-lane.js";
import { describeError, type ApiSignal } from "./telegram-errors.js";

export type { NotifierLogger } from "./chat-lane.js";

export interface NotifierOptions {
  /** The bot's Api, with auto-retry and the HTML mode installed. */
  api: Api;
  store: PairingStore;
  owners: readonly number[];
  texts: BotTexts;
  /** The zone times are shown in for an owner who chose none (TIMEZONE). */
  timeZone: string;
  /** Other owners' names, learnt from their updates. */
  names: OwnerNames;
  logger: NotifierLogger;
  /** For relative times and the 48-hour delete window; the store's clock by default. */
  clock?: Clock;
  /** How long stop() lets calls in flight finish before cutting them off (default 5 s). */
  stopGraceMs?: number;
  /** Between two new messages to one chat (default 1 s, Telegram's pace; what arrives meanwhile is merged). */
  newMessageGapMs?: number;
}

/** Longest delay setTimeout accepts; a later expiry simply re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const RETRY_READ_MS = 5000;
const STOP_GRACE_MS = 5000;

/**
 * Push notifications: keeps every owner's chat in step with the store, driven by its change feed. Each
 * change runs one pass (read the store, wake every owner's lane); a lane works out from the snapshot what
 * its chat lacks, so overlapping changes cannot send an alert twice, and the store's record of what was
 * sent makes that hold across restarts.
 *
 * Delivery is at-least-once: an alert is recorded right after Telegram accepts it. If the process dies in
 * between (milliseconds; stop() waits for it), the alert is sent again at the next start.
 */
export class Notifier {
  private readonly clock: Clock;
  private readonly abort = new AbortController();
  private readonly lanes = new Map<number, ChatLane>();
  /** Every request seen pending, kept while a message about it may need describing. */
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
    const context = {
      api: options.api,
      store: options.store,
      logger: options.logger,
      clock: this.clock,
      signal: this.abort.signal as unknown as ApiSignal,
      names: options.names,
      latest: () => this.latest!,
      speaker: (doc: StoreDoc, ownerId: number) => this.speaker(doc, ownerId),
      known: (key: string) => this.known.get(key),
      refresh: () => this.schedule(),
      ready: () => this.latest !== undefined,
      stopped: () => this.stopped,
      newMessageGapMs: options.newMessageGapMs ?? NEW_MESSAGE_GAP_MS,
    };
    for (const ownerId of options.owners) this.lanes.set(ownerId, new ChatLane(ownerId, context));
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

  /** How the change feed behind the notifications is doing (for /pair status); undefined before start(). */
  feedHealth(): FeedHealth | undefined {
    return this.feed?.health();
  }

  /** Looks at the store again now (after recording a message the feed does not report, like /pair's code). */
  refresh(): void {
    this.schedule();
  }

  /** An owner wrote to the bot: if Telegram refused their chat (403), what waits for them goes now. */
  ownerIsBack(ownerId: number): void {
    this.lanes.get(ownerId)?.ownerIsBack();
  }

  /** A card a command showed (/pair pending): edited to its outcome when the request ends, like an alert. */
  track(ownerId: number, messageId: number, card: RequestCard): void {
    this.remember(card);
    this.lanes.get(ownerId)?.track(messageId, card);
  }

  /** Whether the notifier keeps this message in step with its requests. */
  keepsInStep(ownerId: number, messageId: number): boolean {
    return this.lanes.get(ownerId)?.keepsInStep(messageId) ?? false;
  }

  /** Stops watching, lets the calls in flight finish (and be recorded), and leaves the rest for the next start. */
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
      await Promise.all([...this.lanes.values()].map((lane) => lane.stop()));
    } finally {
      clearTimeout(cutOff);
    }
  }

  private speaker(doc: StoreDoc, ownerId: number): Speaker {
    return this.options.texts.speaker(this.options.texts.audienceOf(ownerSettings(doc, ownerId), this.options.timeZone), this.clock);
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
    const inUse = new Set<string>(pendingCards(doc).map(requestKey.of));
    for (const [ownerId, lane] of this.lanes) {
      for (const m of sentMessages(doc, ownerId)) for (const r of m.requests) inUse.add(r.key);
      for (const key of lane.keysInUse()) inUse.add(key);
      lane.prune(doc);
      lane.wake();
    }
    for (const key of this.known.keys()) if (!inUse.has(key)) this.known.delete(key);
    this.armExpiryTimer(doc);
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
