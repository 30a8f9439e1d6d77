import type { BotCommand } from "grammy/types";
import { badRequest } from "../api-error.js";
import type { Params } from "../params.js";
import type { FakeState, MethodHandler } from "../state.js";

const SCOPES_WITH_CHAT = new Set(["chat", "chat_administrators", "chat_member"]);
const SCOPES = new Set(["default", "all_private_chats", "all_group_chats", "all_chat_administrators", ...SCOPES_WITH_CHAT]);
const COMMAND = /^[a-z0-9_]{1,32}$/;

/** The key under which Telegram keeps one command list: its scope and language. */
export function commandListKey(scope: Record<string, unknown>, languageCode: string): string {
  return JSON.stringify([scope["type"], scope["chat_id"] ?? null, scope["user_id"] ?? null, languageCode]);
}

function readScope(state: FakeState, params: Params): { scope: Record<string, unknown>; languageCode: string } {
  const raw = params.json("scope") ?? { type: "default" };
  if (typeof raw !== "object" || raw === null) throw badRequest("can't parse BotCommandScope JSON object");
  const scope = raw as Record<string, unknown>;
  if (typeof scope["type"] !== "string" || !SCOPES.has(scope["type"])) throw badRequest("wrong bot command scope type specified");
  if (SCOPES_WITH_CHAT.has(scope["type"])) {
    const chatId = typeof scope["chat_id"] === "string" && /^-?\d+$/.test(scope["chat_id"]) ? Number(scope["chat_id"]) : scope["chat_id"];
    if (typeof chatId !== "number" || !state.chats.find(chatId)) throw badRequest("chat not found");
    scope["chat_id"] = chatId;
  }
  if (scope["type"] === "chat_member" && typeof scope["user_id"] !== "number") throw badRequest("user not found");
  const languageCode = params.optionalString("language_code") ?? "";
  if (languageCode !== "" && !/^[a-z]{2}$/.test(languageCode)) throw badRequest("invalid language code specified");
  return { scope, languageCode };
}

function readCommands(params: Params): BotCommand[] {
  const list = params.json("commands");
  if (!Array.isArray(list)) throw badRequest("can't parse commands JSON array");
  if (list.length > 100) throw badRequest("too many commands specified");
  return list.map((item: unknown) => {
    const { command, description } = (item ?? {}) as { command?: unknown; description?: unknown };
    if (typeof command !== "string" || !COMMAND.test(command.replace(/^\//, ""))) throw badRequest("BOT_COMMAND_INVALID");
    const length = typeof description === "string" ? [...description.trim()].length : 0;
    if (length < 1 || length > 256) throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    return { command: command.replace(/^\//, ""), description: description as string };
  });
}

export const commandMethods: Record<string, MethodHandler> = {
  setMyCommands: ({ state, params }) => {
    const commands = readCommands(params);
    const { scope, languageCode } = readScope(state, params);
    const key = commandListKey(scope, languageCode);
    if (commands.length === 0) state.commands.delete(key);
    else state.commands.set(key, { scope, languageCode, commands });
    state.signal.notify();
    return true;
  },

  getMyCommands: ({ state, params }) => {
    const { scope, languageCode } = readScope(state, params);
    return state.commands.get(commandListKey(scope, languageCode))?.commands ?? [];
  },

  deleteMyCommands: ({ state, params }) => {
    const { scope, languageCode } = readScope(state, params);
    state.commands.delete(commandListKey(scope, languageCode));
    state.signal.notify();
    return true;
  },
};
