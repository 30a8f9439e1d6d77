import type { Api } from "grammy";
import { LOCALES } from "../locales.js";
import type { BotDeps } from "./context.js";

type MenuDeps = Pick<BotDeps, "config" | "texts" | "logger" | "ownersWithMenu">;

/**
 * Sets the command menu in one owner's chat (scope "chat"), in every language pairbot speaks, so
 * strangers see no menu. An owner who never opened the chat gets a log line; /start tries again.
 */
export async function setOwnerCommandMenu(api: Api, deps: MenuDeps, ownerId: number): Promise<boolean> {
  for (const locale of [undefined, ...LOCALES]) {
    const speak = (key: string) => deps.texts.t(locale ?? deps.texts.defaultLocale, key);
    const commands = [
      { command: "pair", description: speak("menu-pair") },
      { command: "start", description: speak("menu-start") },
      { command: "help", description: speak("menu-help") },
    ];
    try {
      await api.setMyCommands(commands, { scope: { type: "chat", chat_id: ownerId }, ...(locale ? { language_code: locale } : {}) });
    } catch (e) {
      deps.logger.warn({ ownerId, err: e }, "could not set the command menu for this owner; it is set when the owner sends /start");
      return false;
    }
  }
  deps.ownersWithMenu.add(ownerId);
  return true;
}

/** At start: the menu for every owner (those who never opened the chat get it on /start). */
export async function setOwnerCommandMenus(api: Api, deps: MenuDeps): Promise<void> {
  for (const ownerId of deps.config.ownerIds) await setOwnerCommandMenu(api, deps, ownerId);
}
