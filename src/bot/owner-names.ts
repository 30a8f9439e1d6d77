import type { Api } from "grammy";
import type { Logger } from "./logger.js";

/**
 * Learns the owners' first names from Telegram at start, so an alert says "Approved by Max" also before
 * Max has written since the restart (the owner guard keeps them current from every update).
 */
export async function learnOwnerNames(api: Api, ownerIds: readonly number[], names: Map<number, string>, logger: Logger): Promise<void> {
  for (const id of ownerIds) {
    try {
      const chat = await api.getChat(id);
      if (chat.type === "private" && !names.has(id)) names.set(id, chat.first_name);
    } catch (e) {
      logger.debug({ ownerId: id, err: e }, "could not learn an owner's name (never opened the chat); alerts call them by id until they write");
    }
  }
}
