import type { InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import type { MessageVersion, StoredMessage } from "./chats.js";
import type { ApiCall } from "./call-log.js";

/** A bot message as the user would see it now: edits and deletion applied, earlier versions kept. */
export interface BotMessage {
  chat_id: number;
  message_id: number;
  date: number;
  edit_date?: number;
  text?: string;
  caption?: string;
  /** Entities of the text, or of the caption for a photo. */
  entities: MessageEntity[];
  parse_mode?: string;
  reply_markup?: InlineKeyboardMarkup;
  /** Every inline button, row after row. */
  buttons: InlineKeyboardButton[];
  /** A reply keyboard, keyboard removal or force-reply the message was sent with. */
  other_markup?: Record<string, unknown>;
  /** The photo's bytes, exactly as uploaded (shared with the fake: read, do not change). */
  photo?: Buffer;
  deleted: boolean;
  /** Earlier versions, oldest first; empty if never edited. */
  history: MessageVersion[];
  /** The API object as Telegram would return it now. */
  message: Message;
}

export function botMessageView(stored: StoredMessage): BotMessage {
  const message = structuredClone(stored.message) as Message & { text?: string; caption?: string };
  const view: BotMessage = {
    chat_id: message.chat.id,
    message_id: message.message_id,
    date: message.date,
    entities: (message.text !== undefined ? message.entities : message.caption_entities) ?? [],
    buttons: message.reply_markup?.inline_keyboard.flat() ?? [],
    deleted: stored.deleted,
    history: structuredClone(stored.history),
    message,
  };
  if (message.edit_date !== undefined) view.edit_date = message.edit_date;
  if (message.text !== undefined) view.text = message.text;
  if (message.caption !== undefined) view.caption = message.caption;
  if (stored.parseMode !== undefined) view.parse_mode = stored.parseMode;
  if (message.reply_markup !== undefined) view.reply_markup = message.reply_markup;
  if (stored.otherMarkup !== undefined) view.other_markup = structuredClone(stored.otherMarkup);
  if (stored.photo !== undefined) view.photo = stored.photo.bytes;
  return view;
}

/** A short account of recent calls, so a timed-out wait says what the bot did instead. */
export function describeCalls(calls: readonly ApiCall[], count = 8): string {
  const recent = calls.filter((call) => call.method !== "getUpdates").slice(-count);
  if (recent.length === 0) return "the bot made no calls besides getUpdates";
  return recent
    .map((call) => {
      const outcome = call.dropped
        ? "dropped"
        : call.response?.ok
          ? "ok"
          : `${call.status} ${call.response && !call.response.ok ? call.response.description : ""}`;
      return `${call.method}(${summary(call.params)}) -> ${outcome}`;
    })
    .join("; ");
}

function summary(params: Record<string, unknown>): string {
  const text = params["text"] ?? params["caption"] ?? params["callback_query_id"];
  const chat = params["chat_id"] !== undefined ? `chat ${String(params["chat_id"])}` : "";
  const shown = typeof text === "string" ? JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text) : "";
  return [chat, shown].filter(Boolean).join(", ");
}
