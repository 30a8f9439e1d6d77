import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import {
  autoApprovalAlerts,
  endedNotifications,
  iso,
  isPending,
  needsAlert,
  outcomeOf,
  pendingCards,
  refusalKey,
  refusalsToAlert,
  requestIdOf,
  requestKey,
  sentMessages,
  type AuditEntry,
  type AutoApprovalAlert,
  type Clock,
  type PairingStore,
  type RequestCard,
  type RefusalSummary,
  type RequestKey,
  type SentMessage,
  type StoreDoc,
} from "../../store/index.js";
import type { Speaker } from "../bot-texts.js";
import { firstDigest, renderAlert, renderFloodSummary, type AlertEntry } from "../render/alerts.js";
import { renderAutoApproval } from "../render/auto-approval.js";
import type { OwnerNames, ShownRequest } from "../render/cards.js";
import { classifyFailure, describeError, type ApiSignal, type Failure } from "./telegram-errors.js";

/** pino's (object, message) call form; any logger with it fits. */
export interface NotifierLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What a lane shares with the others: the API, the store's newest snapshot, texts and what is known. */
export interface LaneContext {
  api: Api;
  store: PairingStore;
  logger: NotifierLogger;
  clock: Clock;
  signal: ApiSignal;
  names: OwnerNames;
  latest(): StoreDoc;
  speaker(doc: StoreDoc, ownerId: number): Speaker;
  /** Full requests seen pending, to describe them once ended. */
  known(key: string): RequestCard | undefined;
  /** Reads the store again: a notification record is no feed event, and its request may have ended meanwhile. */
  refresh(): void;
  /** Whether the notifier has read the store once (it has started). */
  ready(): boolean;
  stopped(): boolean;
  /** How long a chat waits between two new messages (NEW_MESSAGE_GAP_MS; 0 in latency benchmarks). */
  newMessageGapMs: number;
}

// Telegram asks bots for about one message a second in a chat: instead of queueing alerts behind that,
// the first goes at once and whatever arrives within the second joins the next message (a digest).
export const NEW_MESSAGE_GAP_MS = 1000;
// A call that auto-retry gave up on (Telegram down for a while): try again later rather than lose it.
const RETRY_MS = 10_000;
/** Telegram lets a bot delete its messages for 48 hours; keep a margin for clocks. */
const DELETE_WINDOW_MS = 47 * 60 * 60_000;

type Edit =
  | { type: "requests"; messageId: number; entries: AlertEntry[]; signature: string; final: boolean; keys: RequestKey[]; tracked: boolean }
  | { type: "setup"; messageId: number; key: RequestKey; sentAt: string; outcome: AuditEntry | undefined };

type FailedCall = Failure & { error: unknown };

/**
 * One owner's chat: keeps it in step with the store. New alerts go first (one message, or a digest of
 * all that waited), then edits of messages whose requests ended; one call at a time, in order.
 */
export class ChatLane {
  private slotOpensAt = 0;
  private retryAt = 0;
  private unreachable = false;
  /** Sent but not yet seen recorded in the snapshot: never sent twice meanwhile. */
  private readonly justSent = new Set<string>();
  /** Refused by Telegram for good (a bad template): not tried again in this run. */
  private readonly refused = new Set<string>();
  /** What each message shows now, as a signature of where its requests stood. */
  private readonly shown = new Map<number, string>();
  /** Cards shown by commands (/pair pending), edited like alerts but not recorded in the store. */
  private readonly tracked = new Map<number, RequestCard>();
  private loop: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly ownerId: number,
    private readonly ctx: LaneContext,
  ) {}

  /** Looks at the snapshot again now, or right after the call in flight. */
  wake(): void {
    if (this.ctx.stopped() || !this.ctx.ready()) return;
    if (this.loop) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      if (this.again) this.wake();
    });
  }

  /** The owner wrote to the bot: a chat Telegram refused (403) is open again. */
  ownerIsBack(): void {
    if (!this.unreachable) return;
    this.unreachable = false;
    this.retryAt = 0;
    this.wake();
  }

  track(messageId: number, card: RequestCard): void {
    this.tracked.set(messageId, card);
    this.wake();
  }

  /** Whether this lane keeps the message in step (then a button press need not edit it itself). */
  keepsInStep(messageId: number): boolean {
    if (!this.ctx.ready()) return false;
    return this.tracked.has(messageId) || this.shown.has(messageId) || sentMessages(this.ctx.latest(), this.ownerId).some((m) => m.messageId === messageId);
  }

  /** Drops what it remembers about messages and requests the store no longer holds (a long-running bot). */
  prune(doc: StoreDoc): void {
    const recorded = new Set(sentMessages(doc, this.ownerId).map((m) => m.messageId));
    for (const messageId of this.shown.keys()) if (!recorded.has(messageId) && !this.tracked.has(messageId)) this.shown.delete(messageId);
    for (const key of this.refused) if (!isPending(doc, key)) this.refused.delete(key);
  }

  /** Keys this lane still needs the full request of. */
  *keysInUse(): Iterable<string> {
    for (const card of this.tracked.values()) yield requestKey.of(card);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.ctx.stopped()) {
      this.again = false;
      const next = await this.step();
      if (next === "again") continue;
      if (next !== "idle" && !this.ctx.stopped()) this.timer = setTimeout(() => this.wake(), next);
      return;
    }
  }

  private async step(): Promise<"again" | "idle" | number> {
    const doc = this.ctx.latest();
    const now = Date.now();
    const floods = refusalsToAlert(doc, this.ownerId);
    const autoDue = autoApprovalAlerts(doc, this.ownerId, this.ctx.clock());
    const keptKeys = new Set<string>([...floods.map((r) => refusalKey(r.id)), ...autoDue.map((a) => a.key)]);
    for (const key of this.justSent) if (!needsAlert(doc, key, this.ownerId) && !keptKeys.has(key)) this.justSent.delete(key);
    const fresh = this.unreachable ? [] : this.freshAlerts(doc);
    const freshFloods = this.unreachable ? [] : floods.filter((r) => !this.justSent.has(refusalKey(r.id)) && !this.refused.has(refusalKey(r.id)));
    const auto = this.unreachable ? [] : autoDue.filter((a) => !this.justSent.has(a.key) && !this.refused.has(a.key));
    const alertAt = Math.max(this.slotOpensAt, this.retryAt);
    if (fresh.length > 0 && now >= alertAt) {
      await this.sendAlerts(doc, fresh);
      return "again";
    }
    // A device let in without asking is told before any flood summary: it is the one that may need undoing.
    if (auto[0] && now >= alertAt) {
      await this.sendAutoApproval(doc, auto[0]);
      return "again";
    }
    // A flood's summary takes the next free slot after real requests' alerts, never one before them.
    if (freshFloods.length > 0 && now >= alertAt) {
      await this.sendFloodSummary(doc, freshFloods);
      return "again";
    }
    const edit = this.unreachable ? undefined : this.nextEdit(doc);
    if (edit && now >= this.retryAt) {
      await this.applyEdit(doc, edit);
      return "again";
    }
    if (fresh.length > 0 || freshFloods.length > 0 || auto.length > 0) return alertAt - now;
    if (edit) return this.retryAt - now;
    return "idle";
  }

  /** Pending requests this owner has no alert about, oldest first. */
  private freshAlerts(doc: StoreDoc): RequestCard[] {
    return pendingCards(doc)
      .filter((card) => {
        const key = requestKey.of(card);
        return needsAlert(doc, key, this.ownerId) && !this.justSent.has(key) && !this.refused.has(key);
      })
      .sort((a, b) => a.request.createdAt.localeCompare(b.request.createdAt));
  }

  private async sendAlerts(doc: StoreDoc, fresh: RequestCard[]): Promise<void> {
    const { cards, message } = firstDigest(this.ctx.speaker(doc, this.ownerId), fresh, this.ownerId, this.ctx.names);
    const keys = cards.map(requestKey.of);
    const logged = keys.length > 1 ? "pairing requests sent as one digest" : "pairing request alert sent";
    await this.sendRecorded(message, keys, { requests: keys.length }, logged, (messageId) => this.shown.set(messageId, keys.map(() => "p").join("|")));
  }

  /** A device approved without asking: the owner hears of it with [Revoke], whatever their notify setting. */
  private async sendAutoApproval(doc: StoreDoc, alert: AutoApprovalAlert): Promise<void> {
    const message = renderAutoApproval(this.ctx.speaker(doc, this.ownerId), alert);
    await this.sendRecorded(message, [alert.key], { deviceId: alert.device.deviceId, cidr: alert.cidr }, "automatic approval alert sent");
  }

  /** One message for the flood summaries this owner has not seen (one line per channel and window); no buttons. */
  private async sendFloodSummary(doc: StoreDoc, floods: RefusalSummary[]): Promise<void> {
    const shown = floods.slice(0, MAX_FLOODS_PER_MESSAGE);
    const text = renderFloodSummary(this.ctx.speaker(doc, this.ownerId), shown);
    await this.sendRecorded({ text }, shown.map((r) => refusalKey(r.id)), { channels: shown.map((r) => r.channel) }, "flood summary sent");
  }

  /**
   * Sends one new message about `keys` in the next slot, then records it under each key. Sent, not yet
   * recorded: a crash right then sends it again after the restart (at-least-once), which beats recording
   * first and losing the alert when the send then fails.
   */
  private async sendRecorded(
    message: { text: string; reply_markup?: InlineKeyboardMarkup },
    keys: RequestKey[],
    fields: object,
    logged: string,
    onSent: (messageId: number) => void = () => undefined,
  ): Promise<void> {
    this.slotOpensAt = Date.now() + this.ctx.newMessageGapMs;
    let messageId = 0;
    const failure = await this.call(async () => {
      const options = message.reply_markup ? { reply_markup: message.reply_markup } : {};
      messageId = (await this.ctx.api.sendMessage(this.ownerId, message.text, options, this.ctx.signal)).message_id;
    });
    if (failure) return this.failed(failure, "alert", keys);
    this.unreachable = false;
    for (const key of keys) this.justSent.add(key);
    onSent(messageId);
    const sent = { chatId: this.ownerId, messageId, sentAt: iso(this.ctx.clock()) };
    try {
      await Promise.all(keys.map((key) => this.ctx.store.recordNotification(key, this.ownerId, sent)));
      this.ctx.refresh();
      this.ctx.logger.info({ ownerId: this.ownerId, messageId, ...fields }, logged);
    } catch (error) {
      this.ctx.logger.error({ ownerId: this.ownerId, messageId, error: describeError(error) }, "could not record an alert in the store; it may be sent again after a restart");
    }
  }

  /** The next message whose requests moved on since it was last shown, or a dead setup code's message. */
  private nextEdit(doc: StoreDoc): Edit | undefined {
    for (const m of sentMessages(doc, this.ownerId)) {
      if (m.requests.every((r) => r.pending)) continue;
      const signature = signatureOf(m.requests);
      if (this.shown.get(m.messageId) === signature) continue;
      const entries = m.requests.map((r): AlertEntry => (r.pending ? { shown: r.pending, ended: false } : { shown: this.shownRequest(r), ended: true, outcome: r.outcome }));
      return { type: "requests", messageId: m.messageId, entries, signature, final: m.requests.every((r) => !r.pending), keys: m.requests.map((r) => r.key), tracked: false };
    }
    for (const [messageId, card] of this.tracked) {
      const key = requestKey.of(card);
      if (isPending(doc, key)) continue;
      const outcome = outcomeOf(doc, requestIdOf(card));
      return { type: "requests", messageId, entries: [{ shown: card, ended: true, outcome }], signature: "ended", final: true, keys: [key], tracked: true };
    }
    for (const ended of endedNotifications(doc)) {
      if (ended.kind !== "setup" || ended.ownerId !== this.ownerId || this.shown.get(ended.sent.messageId) === "gone") continue;
      return { type: "setup", messageId: ended.sent.messageId, key: ended.key as RequestKey, sentAt: ended.sent.sentAt, outcome: ended.outcome };
    }
    return undefined;
  }

  private shownRequest(r: SentMessage["requests"][number]): ShownRequest {
    return this.ctx.known(r.key) ?? { kind: r.kind, id: r.id, about: r.about };
  }

  private async applyEdit(doc: StoreDoc, edit: Edit): Promise<void> {
    const s = this.ctx.speaker(doc, this.ownerId);
    const chatId = this.ownerId;
    let failure: FailedCall | undefined;
    if (edit.type === "requests") {
      const message = renderAlert(s, edit.entries, this.ownerId, this.ctx.names);
      failure = await this.call(() => this.ctx.api.editMessageText(chatId, edit.messageId, message.text, { reply_markup: message.reply_markup }, this.ctx.signal));
    } else {
      failure = { kind: "cannot-delete", error: undefined };
      if (this.ctx.clock() - Date.parse(edit.sentAt) < DELETE_WINDOW_MS) failure = await this.call(() => this.ctx.api.deleteMessage(chatId, edit.messageId, this.ctx.signal));
      if (failure?.kind === "cannot-delete") {
        const action = edit.outcome?.action;
        const text = s.t(`setup-gone-${action === "token" || action === "expire" || action === "cleanup" || action === "reject" ? action : "unknown"}`);
        failure = await this.call(() => this.ctx.api.editMessageText(chatId, edit.messageId, text, {}, this.ctx.signal));
        if (failure?.kind === "no-text") failure = await this.call(() => this.ctx.api.editMessageCaption(chatId, edit.messageId, { caption: text }, this.ctx.signal));
      }
    }
    if (failure && failure.kind !== "not-modified" && failure.kind !== "message-gone") {
      if (failure.kind === "stopped" || failure.kind === "transient") return this.failed(failure, "edit", []);
      this.failed(failure, "edit", []); // refused or unreachable: logged, and not tried again
    }
    if (edit.type === "requests" && edit.tracked) {
      this.tracked.delete(edit.messageId);
      return;
    }
    this.shown.set(edit.messageId, edit.type === "setup" ? "gone" : edit.signature);
    if (edit.type === "setup" || edit.final) {
      const keys = edit.type === "setup" ? [edit.key] : edit.keys;
      try {
        await this.ctx.store.forgetNotification(keys as RequestKey[], this.ownerId);
      } catch (error) {
        this.ctx.logger.error({ ownerId: this.ownerId, error: describeError(error) }, "could not forget an edited alert in the store; it is edited again after a restart");
      }
    }
  }

  /** One Bot API call; undefined when it worked, else what went wrong. */
  private async call(work: () => Promise<unknown>): Promise<FailedCall | undefined> {
    try {
      await work();
      return undefined;
    } catch (error) {
      return { ...classifyFailure(error, this.ctx.signal.aborted), error };
    }
  }

  private failed(failure: FailedCall, what: "alert" | "edit", keys: string[]): void {
    const fields = { ownerId: this.ownerId, error: describeError(failure.error) };
    switch (failure.kind) {
      case "stopped":
        return;
      case "transient":
        this.retryAt = Date.now() + RETRY_MS;
        this.ctx.logger.warn(fields, `Telegram did not take an ${what} now; trying again in ${RETRY_MS / 1000} s`);
        return;
      case "unreachable":
        if (!this.unreachable) {
          this.ctx.logger.warn(fields, `owner ${this.ownerId} cannot receive messages from the bot (never opened the chat, or blocked it); their alerts follow as soon as they open the bot in Telegram and press Start`);
        }
        this.unreachable = true;
        return;
      default:
        for (const key of keys) this.refused.add(key);
        this.ctx.logger.error(fields, `Telegram refused an ${what}; it will not be retried`);
    }
  }
}

/** Flood summaries in one message at most: each is a line, and a message holds 4,096 characters. */
const MAX_FLOODS_PER_MESSAGE = 10;

const signatureOf = (requests: SentMessage["requests"]): string =>
  requests.map((r) => (r.pending ? "p" : `${r.outcome?.action ?? "?"}@${r.outcome?.at ?? ""}`)).join("|");
