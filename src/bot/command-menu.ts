import type { Api } from "grammy";
import { LOCALES } from "./config.js";
import type { BotDeps } from "./context.js";

/**
 * The command menu, set only in each owner's chat (scope "chat") and in every language pairbot
 * speaks; strangers see no menu. An owner who never opened the chat gets a log line, not a crash.
 */
export async function setOwnerCommandMenus(api: Api, deps: Pick<BotDeps, "config" | "texts" | "logger">): Promise<void> {
  for (const ownerId of deps.config.ownerIds) {
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
        deps.logger.warn({ ownerId, err: e }, "could not set the command menu for this owner; has the owner sent /start to the bot yet?");
        break;
      }
    }
  }
}
