import type { BotCommand, Chat, Message, Update, UserFromGetMe } from "grammy/types";
import { BotApi } from "./bot-api.js";
import type { ApiCall } from "./call-log.js";
import { Chats } from "./chats.js";
import { FaultPlan, FloodLimiter, type Fault, type FloodLimits } from "./faults.js";
import { listen, type Listening } from "./http-server.js";
import { commandListKey } from "./methods/commands.js";
import { ChangeSignal } from "./signal.js";
import type { CallbackQueryRecord, FakeState } from "./state.js";
import { botUserFor, randomBotToken } from "./token.js";
import { UpdateQueue, type NewUpdate } from "./update-queue.js";
import {
  chatIdOf,
  pressButton,
  queueRaw,
  userSends,
  type MessageRef,
  type TelegramUser,
  type UserSendOptions,
} from "./user-actions.js";
import { botMessageView, describeCalls, type BotMessage } from "./views.js";
import { WebhookDelivery, type WebhookDeliveryAttempt } from "./webhook.js";

export interface FakeTelegramOptions {
  /** The bot token the server accepts; a random, realistic one by default. */
  token?: string;
  /** Clock (ms) for message dates and the 48-hour delete rule; real time by default. */
  now?: () => number;
  /** Telegram-like flood limits on sends; off by default so ordinary tests are fast. */
  flood?: FloodLimits;
  /** Pause before re-posting an update the webhook did not accept (default 100 ms). */
  webhookRetryMs?: number;
  /** Overrides for what getMe answers. */
  botInfo?: Partial<UserFromGetMe>;
  /** How long waitForCall/waitForMessage wait by default (ms). */
  waitTimeoutMs?: number;
}

/** A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of a real grammY bot. */
export class FakeTelegram {
  readonly token: string;
  readonly apiRoot: string;
  readonly botInfo: UserFromGetMe;
  private readonly state: FakeState;
  private readonly api: BotApi;
  private readonly faults: FaultPlan;
  private readonly server: Listening;
  private readonly waitTimeoutMs: number;
  private closed = false;

  private constructor(
    parts: { state: FakeState; api: BotApi; faults: FaultPlan; server: Listening },
    waitTimeoutMs: number,
  ) {
    const { state, api, faults, server } = parts;
    this.state = state;
    this.api = api;
    this.faults = faults;
    this.server = server;
    this.token = state.token;
    this.botInfo = state.botUser;
    this.apiRoot = server.apiRoot;
    this.waitTimeoutMs = waitTimeoutMs;
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const token = options.token ?? randomBotToken();
    const now = options.now ?? Date.now;
    const updates = new UpdateQueue();
    const flood = new FloodLimiter();
    if (options.flood) flood.limits = options.flood;
    let api: BotApi | undefined;
    const signal = new ChangeSignal();
    const webhook = new WebhookDelivery(
      updates,
      options.webhookRetryMs ?? 100,
      now,
      async (method, params) => {
        await api?.call(method, () => params, new AbortController().signal, "webhook-reply");
      },
      () => signal.notify(),
    );
    updates.onPush = () => webhook.kick();
    const state: FakeState = {
      token,
      botUser: { ...botUserFor(token), ...options.botInfo },
      now,
      chats: new Chats(),
      updates,
      webhook,
      flood,
      callbackQueries: new Map(),
      commands: new Map(),
      files: new Map(),
      signal,
    };
    const faults = new FaultPlan();
    api = new BotApi(state, faults);
    updates.onPollChange = () => signal.notify();
    const server = await listen(state, api);
    return new FakeTelegram({ state, api, faults, server }, options.waitTimeoutMs ?? 5000);
  }

  /** Every API call so far, oldest first (getUpdates included). */
  get calls(): readonly ApiCall[] {
    return this.api.calls;
  }

  /** A user writes to the bot; the user's private chat (or the given group) becomes known to the bot. */
  userSends(from: TelegramUser, text: string, where?: Chat | UserSendOptions): Message {
    return userSends(this.state, from, text, where);
  }

  /**
   * A user presses an inline button on a bot message. The data is not checked against the
   * keyboard, so a test can forge it. Returns the callback query id.
   */
  pressButton(from: TelegramUser, message: MessageRef, callbackData: string): string {
    return pressButton(this.state, from, message, callbackData);
  }

  /** Presses the button labelled `buttonText` (its real callback_data). Returns the callback query id. */
  tapButton(from: TelegramUser, message: MessageRef, buttonText: string): string {
    const view = this.chat(chatIdOf(message)).find((m) => m.message_id === message.message_id && !m.deleted);
    const button = view?.buttons.find((b) => b.text === buttonText);
    if (!button || !("callback_data" in button)) {
      const labels = view?.buttons.map((b) => JSON.stringify(b.text)).join(", ") || "none";
      throw new Error(`tapButton: message ${message.message_id} has no callback button ${JSON.stringify(buttonText)} (buttons: ${labels})`);
    }
    return this.pressButton(from, message, button.callback_data);
  }

  /** Queues any update as is (an update_id is added if missing); a callback query in it can be answered. */
  raw(update: NewUpdate): Update {
    return queueRaw(this.state, update);
  }

  /** The bot's messages in a chat, oldest first, with edits and deletions applied. */
  chat(chatId: number): BotMessage[] {
    const chat = this.state.chats.find(chatId);
    return chat ? chat.messages.filter((m) => m.fromBot).map(botMessageView) : [];
  }

  /** The newest bot message in a chat that is not deleted. */
  lastMessage(chatId: number): BotMessage | undefined {
    return this.chat(chatId).filter((m) => !m.deleted).at(-1);
  }

  /** Chat actions ("typing", ...) the bot sent to a chat. */
  chatActions(chatId: number): string[] {
    return this.state.chats.find(chatId)?.actions.map((a) => a.action) ?? [];
  }

  /** A callback query from pressButton, with the bot's answer once it came. */
  callbackQuery(id: string): CallbackQueryRecord | undefined {
    const query = this.state.callbackQueries.get(id);
    return query && structuredClone(query);
  }

  /** The command list set for a scope and language (undefined if none). */
  commands(scope: Record<string, unknown> = { type: "default" }, languageCode = ""): BotCommand[] | undefined {
    return this.state.commands.get(commandListKey(scope, languageCode))?.commands;
  }

  /** Resolves with the first call (past or future) of `method` that matches `predicate`. */
  waitForCall(method: string, predicate: (call: ApiCall) => boolean = () => true, timeoutMs = this.waitTimeoutMs): Promise<ApiCall> {
    return this.state.signal.waitFor(
      () => this.api.calls.find((call) => call.method === method && predicate(call)),
      timeoutMs,
      () => `no matching ${method} call. Recent calls: ${describeCalls(this.api.calls)}`,
    );
  }

  /**
   * Resolves with the first bot message in the chat, as it is now, that matches `predicate`
   * (default: any message not deleted). Re-checked after every send, edit and deletion.
   */
  waitForMessage(
    chatId: number,
    predicate: (message: BotMessage) => boolean = (m) => !m.deleted,
    timeoutMs = this.waitTimeoutMs,
  ): Promise<BotMessage> {
    return this.state.signal.waitFor(
      () => {
        // built one by one: this runs after every change, and most waits match early or not at all
        for (const stored of this.state.chats.find(chatId)?.messages ?? []) {
          if (!stored.fromBot) continue;
          const view = botMessageView(stored);
          if (predicate(view)) return view;
        }
        return undefined;
      },
      timeoutMs,
      () => {
        const texts = this.chat(chatId).map((m) => `#${m.message_id}${m.deleted ? " (deleted)" : ""} ${JSON.stringify(m.text ?? m.caption ?? "")}`);
        return `no matching bot message in chat ${chatId}. Messages: [${texts.join(", ")}]. Recent calls: ${describeCalls(this.api.calls)}`;
      },
    );
  }

  /** Every attempt to post an update to the webhook, oldest first. */
  get webhookDeliveries(): readonly WebhookDeliveryAttempt[] {
    return this.state.webhook.attempts;
  }

  /** Resolves with the first webhook delivery attempt (past or future) that matches `predicate`. */
  waitForDelivery(
    predicate: (attempt: WebhookDeliveryAttempt) => boolean = (a) => a.accepted,
    timeoutMs = this.waitTimeoutMs,
  ): Promise<WebhookDeliveryAttempt> {
    return this.state.signal.waitFor(
      () => this.state.webhook.attempts.find(predicate),
      timeoutMs,
      () => `no matching webhook delivery. Attempts: ${JSON.stringify(this.state.webhook.attempts.slice(-5))}`,
    );
  }

  /** Resolves when the bot has answered the callback query. */
  waitForCallbackAnswer(id: string, timeoutMs = this.waitTimeoutMs): Promise<CallbackQueryRecord> {
    return this.state.signal.waitFor(
      () => {
        const query = this.callbackQuery(id);
        return query?.answer ? query : undefined;
      },
      timeoutMs,
      () => `callback query ${id} was not answered. Recent calls: ${describeCalls(this.api.calls)}`,
    );
  }

  /** Makes the next `times` calls of `method` fail: 429 with retry_after, a 5xx, or a dropped connection. */
  fail(method: string, fault: Fault, times = 1): void {
    this.faults.add(method, fault, times);
  }

  /** Telegram's flood limits on sendMessage/sendPhoto; `{}` turns them off. */
  setFloodLimits(limits: FloodLimits): void {
    this.state.flood.limits = limits;
  }

  /** The user blocks the bot: sends to their private chat get 403 until they write again. */
  blockUser(userId: number): void {
    this.state.chats.blockedUsers.add(userId);
  }

  unblockUser(userId: number): void {
    this.state.chats.blockedUsers.delete(userId);
  }

  /** True while a getUpdates long poll is waiting for updates. */
  get polling(): boolean {
    return this.state.updates.polling;
  }

  /** Resolves once a getUpdates long poll is waiting (the bot is up and idle). */
  waitForPoll(timeoutMs = this.waitTimeoutMs): Promise<true> {
    return this.state.signal.waitFor(
      () => (this.state.updates.polling ? true : undefined),
      timeoutMs,
      () => `no getUpdates long poll is waiting. Recent calls: ${describeCalls(this.api.calls)}`,
    );
  }

  /** Updates not yet confirmed by getUpdates or accepted by the webhook. */
  get pendingUpdates(): number {
    return this.state.updates.size;
  }

  /** Ends pending long polls (with no updates), stops webhook delivery and closes the server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.state.updates.endPoll();
    this.state.webhook.close();
    this.state.signal.failAll(new Error("the fake Telegram server was closed"));
    await this.server.close();
  }
}

export function startFakeTelegram(options?: FakeTelegramOptions): Promise<FakeTelegram> {
  return FakeTelegram.start(options);
}
