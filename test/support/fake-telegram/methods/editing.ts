import type { InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import { badRequest, type ApiError } from "../api-error.js";
import type { ChatState, StoredMessage } from "../chats.js";
import { formattedText } from "../formatted-text.js";
import { bodyFields } from "../message-store.js";
import type { Params } from "../params.js";
import { acceptReplyMarkup } from "../reply-markup.js";
import { sameJson } from "../same-json.js";
import type { FakeState, MethodHandler } from "../state.js";

const DELETE_WINDOW_MS = 48 * 60 * 60 * 1000; // bots cannot delete messages older than 48 hours
const BODY_FIELDS = ["text", "entities", "caption", "caption_entities", "reply_markup"] as const;
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

function chatFor(state: FakeState, params: Params): ChatState {
  const chatId = params.chatId();
  const chat = typeof chatId === "number" ? state.chats.find(chatId) : undefined;
  if (!chat) throw badRequest("chat not found");
  return chat;
}

function messageFor(state: FakeState, params: Params, notFound: ApiError): { chat: ChatState; stored: StoredMessage } {
  if (params.has("inline_message_id")) throw badRequest("MESSAGE_ID_INVALID");
  const chat = chatFor(state, params);
  const stored = chat.find(params.int("message_id", badRequest("message identifier is not specified")));
  if (!stored) throw notFound;
  return { chat, stored };
}

interface Body {
  text?: string;
  caption?: string;
  entities: MessageEntity[];
  inline?: InlineKeyboardMarkup;
}

function currentBody(stored: StoredMessage): Body {
  const m = stored.message as Message & { text?: string; caption?: string };
  const body: Body = {
    entities: (m.text !== undefined ? m.entities : m.caption_entities) ?? [],
  };
  if (m.text !== undefined) body.text = m.text;
  if (m.caption !== undefined) body.caption = m.caption;
  if (m.reply_markup !== undefined) body.inline = m.reply_markup;
  return body;
}

/** Replaces a message's body, keeping the old one in its history; refuses a change that changes nothing. */
function applyEdit(state: FakeState, stored: StoredMessage, next: Body, parseMode: string | undefined): Message {
  const before = currentBody(stored);
  if (sameJson(before, next)) throw badRequest(NOT_MODIFIED);
  stored.history.push({
    ...(before.text !== undefined ? { text: before.text } : {}),
    ...(before.caption !== undefined ? { caption: before.caption } : {}),
    entities: before.entities,
    ...(before.inline ? { reply_markup: before.inline } : {}),
    replacedAt: state.now(),
  });
  const rest: Record<string, unknown> = { ...stored.message };
  for (const field of BODY_FIELDS) delete rest[field];
  stored.message = { ...rest, edit_date: Math.floor(state.now() / 1000), ...bodyFields(next) } as Message;
  if (parseMode !== undefined) stored.parseMode = parseMode;
  else delete stored.parseMode;
  state.signal.notify();
  return stored.message;
}

function editedMarkup(params: Params): InlineKeyboardMarkup | undefined {
  // Telegram drops the inline keyboard when an edit does not send one again
  return acceptReplyMarkup(params.json("reply_markup"), { inlineOnly: true }).inline;
}

export const editingMethods: Record<string, MethodHandler> = {
  editMessageText: ({ state, params }) => {
    const { stored } = messageFor(state, params, badRequest("message to edit not found"));
    if (!stored.fromBot) throw badRequest("message can't be edited");
    if (!("text" in stored.message)) throw badRequest("there is no text in the message to edit");
    const { text, entities, parseMode } = formattedText(params, "text");
    const inline = editedMarkup(params);
    return applyEdit(state, stored, { text, entities, ...(inline ? { inline } : {}) }, parseMode);
  },

  editMessageCaption: ({ state, params }) => {
    const { stored } = messageFor(state, params, badRequest("message to edit not found"));
    if (!stored.fromBot) throw badRequest("message can't be edited");
    if ("text" in stored.message) throw badRequest("there is no caption in the message to edit");
    const { text: caption, entities, parseMode } = formattedText(params, "caption");
    const inline = editedMarkup(params);
    return applyEdit(state, stored, { caption, entities, ...(inline ? { inline } : {}) }, parseMode);
  },

  editMessageReplyMarkup: ({ state, params }) => {
    const { stored } = messageFor(state, params, badRequest("message to edit not found"));
    if (!stored.fromBot) throw badRequest("message can't be edited");
    const inline = editedMarkup(params);
    const { inline: _old, ...body } = currentBody(stored);
    return applyEdit(state, stored, { ...body, ...(inline ? { inline } : {}) }, stored.parseMode);
  },

  deleteMessage: ({ state, params }) => {
    const { stored } = messageFor(state, params, badRequest("message to delete not found"));
    if (state.now() - stored.sentAt > DELETE_WINDOW_MS) throw badRequest("message can't be deleted for everyone");
    stored.deleted = true;
    state.signal.notify();
    return true;
  },

  deleteMessages: ({ state, params }) => {
    const chat = chatFor(state, params);
    const ids = params.json("message_ids");
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) throw badRequest("message_ids must be 1-100 message identifiers");
    for (const id of ids) {
      const stored = typeof id === "number" ? chat.find(id) : undefined;
      if (stored && state.now() - stored.sentAt <= DELETE_WINDOW_MS) stored.deleted = true;
    }
    state.signal.notify();
    return true;
  },
};
