import { randomBytes, randomInt } from "node:crypto";
import type { Chat, Message, MessageEntity, Update, User } from "grammy/types";
import type { FakeState } from "./state.js";
import type { NewUpdate } from "./update-queue.js";

/** Who sends a message or presses a button: a Telegram user. */
export interface TelegramUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_bot?: boolean;
}

/** Where and how a user message arrives; a private chat with the sender by default. */
export interface UserSendOptions {
  chat?: Chat;
  /** The message is sent on behalf of a chat (an anonymous admin, a linked channel). */
  senderChat?: Chat;
}

/** A bot message to press a button on: a `BotMessage`, or an API `Message`. */
export type MessageRef = { message_id: number } & ({ chat_id: number } | { chat: { id: number } });

const BOT_COMMAND = /(?<=^|\s)\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?/g;

/** A user's message: its chat becomes known to the bot, and it is queued as an update. */
export function userSends(state: FakeState, from: TelegramUser, text: string, where?: Chat | UserSendOptions): Message {
  const options: UserSendOptions = where && "id" in where ? { chat: where } : (where ?? {});
  const user = asUser(from);
  const chat: Chat = options.chat ?? privateChatOf(user);
  const chatState = state.chats.remember(chat);
  if (chat.type === "private") state.chats.blockedUsers.delete(user.id); // writing again unblocks
  // grammY's bot.command() matches on these entities, as Telegram sends them
  const entities: MessageEntity[] = [...text.matchAll(BOT_COMMAND)].map((match) => ({
    type: "bot_command",
    offset: match.index,
    length: match[0].length,
  }));
  const sentAt = state.now();
  const message = {
    message_id: chatState.newMessageId(),
    from: user,
    ...(options.senderChat ? { sender_chat: options.senderChat } : {}),
    chat,
    date: Math.floor(sentAt / 1000),
    text,
    ...(entities.length > 0 ? { entities } : {}),
  } as Message;
  chatState.messages.push({ message, fromBot: false, deleted: false, history: [], sentAt });
  state.updates.push({ message } as NewUpdate);
  return message;
}

/** A press on a bot message's button; the data is not checked, so it may be forged. Returns the query id. */
export function pressButton(state: FakeState, from: TelegramUser, message: MessageRef, callbackData: string): string {
  const chatId = chatIdOf(message);
  const stored = state.chats.find(chatId)?.find(message.message_id);
  if (!stored || !stored.fromBot) {
    throw new Error(`pressButton: chat ${chatId} has no bot message ${message.message_id} (deleted, or never sent)`);
  }
  const id = `${randomInt(1, 2 ** 47)}${randomInt(100_000, 999_999)}`;
  const user = asUser(from);
  state.callbackQueries.set(id, {
    id,
    from: user,
    chatId,
    messageId: message.message_id,
    data: callbackData,
    pressedAt: state.now(),
  });
  const callback_query = {
    id,
    from: user,
    message: structuredClone(stored.message),
    chat_instance: chatInstance(chatId),
    data: callbackData,
  };
  state.updates.push({ callback_query } as NewUpdate);
  return id;
}

/** Any update; a callback query in it is registered so the bot can answer it. */
export function queueRaw(state: FakeState, update: NewUpdate): Update {
  const query = update.callback_query;
  if (query && !state.callbackQueries.has(query.id)) {
    state.callbackQueries.set(query.id, {
      id: query.id,
      from: query.from,
      chatId: query.message?.chat.id ?? 0,
      messageId: query.message?.message_id ?? 0,
      data: query.data ?? "",
      pressedAt: state.now(),
    });
  }
  return state.updates.push(update);
}

export function chatIdOf(message: MessageRef): number {
  return "chat_id" in message ? message.chat_id : message.chat.id;
}

function asUser(from: TelegramUser): User {
  return { ...from, is_bot: from.is_bot ?? false };
}

function privateChatOf(user: User): Chat {
  return {
    id: user.id,
    type: "private",
    first_name: user.first_name,
    ...(user.last_name !== undefined ? { last_name: user.last_name } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
  } as Chat;
}

// Telegram gives every chat a stable, opaque chat_instance
const instances = new Map<number, string>();
function chatInstance(chatId: number): string {
  const known = instances.get(chatId);
  if (known) return known;
  const fresh = BigInt(`0x${randomBytes(8).toString("hex")}`).toString();
  instances.set(chatId, fresh);
  return fresh;
}
