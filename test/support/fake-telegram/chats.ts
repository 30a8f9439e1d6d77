import type { Chat, InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import { badRequest, forbidden } from "./api-error.js";

/** One earlier state of an edited message. */
export interface MessageVersion {
  text?: string;
  caption?: string;
  entities: MessageEntity[];
  reply_markup?: InlineKeyboardMarkup;
  /** Clock time (ms) at which this version was replaced. */
  replacedAt: number;
}

export interface StoredPhoto {
  fileId: string;
  fileUniqueId: string;
  bytes: Buffer;
}

/** A message as the fake keeps it: the API object plus what tests want to inspect. */
export interface StoredMessage {
  message: Message;
  fromBot: boolean;
  deleted: boolean;
  parseMode?: string;
  /** A reply keyboard, keyboard removal or force-reply: sent, but not echoed back by Telegram. */
  otherMarkup?: Record<string, unknown>;
  photo?: StoredPhoto;
  history: MessageVersion[];
  sentAt: number;
}

export class ChatState {
  readonly messages: StoredMessage[] = [];
  readonly actions: Array<{ action: string; at: number }> = [];
  private nextMessageId = 1;

  constructor(public chat: Chat) {}

  newMessageId(): number {
    return this.nextMessageId++;
  }

  find(messageId: number): StoredMessage | undefined {
    return this.messages.find((stored) => stored.message.message_id === messageId && !stored.deleted);
  }
}

/** The chats the bot may write to: private chats of users who wrote first, and groups it is in. */
export class Chats {
  private readonly byId = new Map<number, ChatState>();
  /** Users who blocked the bot: sends to their private chat get 403. */
  readonly blockedUsers = new Set<number>();

  remember(chat: Chat): ChatState {
    const known = this.byId.get(chat.id);
    if (known) {
      known.chat = chat;
      return known;
    }
    const state = new ChatState(chat);
    this.byId.set(chat.id, state);
    return state;
  }

  find(chatId: number): ChatState | undefined {
    return this.byId.get(chatId);
  }

  all(): ChatState[] {
    return [...this.byId.values()];
  }

  /** The chat a send goes to, refused as Telegram refuses unknown, unreachable and blocking chats. */
  forSending(chatId: number | string): ChatState {
    const state = this.forReading(chatId);
    if (this.blockedUsers.has(state.chat.id)) throw forbidden("bot was blocked by the user");
    return state;
  }

  forReading(chatId: number | string): ChatState {
    const state = typeof chatId === "number" ? this.byId.get(chatId) : this.byUsername(chatId);
    if (state) return state;
    if (typeof chatId === "number" && chatId > 0) throw forbidden("bot can't initiate conversation with a user");
    throw badRequest("chat not found");
  }

  private byUsername(name: string): ChatState | undefined {
    const username = name.replace(/^@/, "").toLowerCase();
    return this.all().find((state) => "username" in state.chat && state.chat.username?.toLowerCase() === username);
  }
}
