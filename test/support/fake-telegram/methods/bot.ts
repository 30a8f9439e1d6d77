import type { MethodHandler } from "../state.js";

export const botMethods: Record<string, MethodHandler> = {
  getMe: ({ state }) => state.botUser,
  logOut: () => true,
  close: () => true,
};
