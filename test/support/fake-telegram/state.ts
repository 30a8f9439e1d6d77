import type { BotCommand, User, UserFromGetMe } from "grammy/types";
import type { Chats } from "./chats.js";
import type { FloodLimiter } from "./faults.js";
import type { Params } from "./params.js";
import type { ChangeSignal } from "./signal.js";
import type { UpdateQueue } from "./update-queue.js";
import type { WebhookDelivery } from "./webhook.js";

/** A callback query the fake sent to the bot, and how the bot answered it. */
export interface CallbackQueryRecord {
  id: string;
  from: User;
  chatId: number;
  messageId: number;
  data: string;
  pressedAt: number;
  answer?: { text?: string; show_alert: boolean; url?: string; cache_time?: number; at: number };
}

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  bytes: Buffer;
  width: number;
  height: number;
}

export interface CommandList {
  scope: Record<string, unknown>;
  languageCode: string;
  commands: BotCommand[];
}

/** Everything the fake server knows; method handlers read and change it. */
export interface FakeState {
  readonly token: string;
  readonly botUser: UserFromGetMe;
  readonly now: () => number;
  readonly chats: Chats;
  readonly updates: UpdateQueue;
  readonly webhook: WebhookDelivery;
  readonly flood: FloodLimiter;
  readonly callbackQueries: Map<string, CallbackQueryRecord>;
  readonly commands: Map<string, CommandList>;
  readonly files: Map<string, StoredFile>;
  readonly signal: ChangeSignal;
}

export interface MethodContext {
  state: FakeState;
  params: Params;
  /** Aborted when the client hangs up (a long poll cancelled by bot.stop()). */
  abort: AbortSignal;
}

/** A result, with the `description` Telegram adds to some answers ("Webhook was set"). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export type MethodHandler = (context: MethodContext) => unknown;
