import type { InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import { badRequest } from "./api-error.js";
import type { ChatState, StoredMessage, StoredPhoto } from "./chats.js";
import type { Params } from "./params.js";
import type { FakeState } from "./state.js";

export interface BotMessageContent {
  text?: string;
  caption?: string;
  entities: MessageEntity[];
  parseMode?: string;
  inline?: InlineKeyboardMarkup;
  otherMarkup?: Record<string, unknown>;
  photo?: StoredPhoto & { width: number; height: number };
  extra?: Partial<Message>;
}

/** Stores a message the bot sent and returns the API object Telegram would answer with. */
export function storeBotMessage(state: FakeState, chat: ChatState, content: BotMessageContent): Message {
  const sentAt = state.now();
  const message = {
    message_id: chat.newMessageId(),
    from: state.botUser,
    chat: chat.chat,
    date: Math.floor(sentAt / 1000),
    ...content.extra,
    ...(content.photo
      ? {
          photo: [
            {
              file_id: content.photo.fileId,
              file_unique_id: content.photo.fileUniqueId,
              width: content.photo.width,
              height: content.photo.height,
              file_size: content.photo.bytes.length,
            },
          ],
        }
      : {}),
    ...bodyFields(content),
  } as Message;
  const stored: StoredMessage = { message, fromBot: true, deleted: false, history: [], sentAt };
  if (content.parseMode !== undefined) stored.parseMode = content.parseMode;
  if (content.otherMarkup !== undefined) stored.otherMarkup = content.otherMarkup;
  if (content.photo !== undefined) stored.photo = content.photo;
  chat.messages.push(stored);
  state.signal.notify();
  return message;
}

/** The text or caption fields of a message, as Telegram echoes them (no empty lists). */
export function bodyFields(content: Pick<BotMessageContent, "text" | "caption" | "entities" | "inline">): Partial<Message> {
  const fields: Record<string, unknown> = {};
  if (content.text !== undefined) {
    fields["text"] = content.text;
    if (content.entities.length > 0) fields["entities"] = content.entities;
  } else if (content.caption !== undefined && content.caption !== "") {
    fields["caption"] = content.caption;
    if (content.entities.length > 0) fields["caption_entities"] = content.entities;
  }
  if (content.inline !== undefined) fields["reply_markup"] = content.inline;
  return fields as Partial<Message>;
}

/** `reply_parameters` (or the older `reply_to_message_id`): the message this one answers. */
export function replyTarget(chat: ChatState, params: Params): Partial<Message> {
  const reply = params.json("reply_parameters") as { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined;
  const messageId = reply?.message_id ?? params.optionalInt("reply_to_message_id");
  if (messageId === undefined) return {};
  const target = typeof messageId === "number" ? chat.find(messageId) : undefined;
  if (target) {
    const { reply_to_message: _nested, ...replied } = target.message;
    return { reply_to_message: replied } as Partial<Message>;
  }
  if (reply?.allow_sending_without_reply === true || params.bool("allow_sending_without_reply")) return {};
  throw badRequest("message to be replied not found");
}
