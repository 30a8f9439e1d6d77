import { badRequest } from "../api-error.js";
import type { MethodHandler } from "../state.js";

export const botMethods: Record<string, MethodHandler> = {
  getMe: ({ state }) => state.botUser,
  // A chat the bot knows (a user who wrote to it, a group it is in); Telegram knows no other.
  getChat: ({ state, params }) => {
    const chat = state.chats.find(Number(params.chatId()))?.chat;
    if (!chat) throw badRequest("chat not found");
    return { ...chat, accent_color_id: 0, max_reaction_count: 11 };
  },
  logOut: () => true,
  close: () => true,
};
