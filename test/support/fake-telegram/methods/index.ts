import type { MethodHandler } from "../state.js";
import { botMethods } from "./bot.js";
import { callbackMethods } from "./callbacks.js";
import { commandMethods } from "./commands.js";
import { editingMethods } from "./editing.js";
import { messageMethods } from "./messages.js";
import { updateMethods } from "./updates.js";

/** Every method the fake speaks, by canonical name. */
export const METHODS: Record<string, MethodHandler> = {
  ...botMethods,
  ...updateMethods,
  ...messageMethods,
  ...editingMethods,
  ...callbackMethods,
  ...commandMethods,
};

const BY_LOWER_NAME = new Map(Object.keys(METHODS).map((name) => [name.toLowerCase(), name]));

/** Telegram matches method names case-insensitively. */
export function canonicalMethod(name: string): string | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}
