import type { Context, MiddlewareFn } from "grammy";
import type { BotDeps, PairContext, PairFlavor } from "./context.js";

/** Who may use the bot: an owner's own user account, in a private chat with the bot. */
function isOwnerUpdate(ctx: Context, ownerIds: readonly number[]): boolean {
  if (!ctx.from || !ownerIds.includes(ctx.from.id)) return false;
  if (ctx.msg?.sender_chat) return false; // sent on behalf of a chat, not by the person
  const chat = ctx.chat ?? ctx.callbackQuery?.message?.chat;
  return chat === undefined ? ctx.callbackQuery !== undefined : chat.type === "private" && chat.id === ctx.from.id;
}

/**
 * Gives an owner's update its texts (in the language their Telegram uses, and the zone they chose) and
 * its audit actor. The language is kept in the store, so alerts speak it too, also after a restart.
 */
export async function speakAsOwner(ctx: Context & Partial<PairFlavor>, deps: BotDeps): Promise<void> {
  const from = ctx.from!;
  const settings = await deps.store.ownerSettings(from.id);
  const locale = deps.texts.localeFor(from.language_code);
  if (settings.locale !== locale) {
    deps.store.setOwnerLocale(from.id, locale).catch((e: unknown) => deps.logger.warn({ err: e }, "could not remember the owner's language"));
  }
  ctx.speaker = deps.texts.speaker({ ...deps.texts.audienceOf(settings, deps.config.timeZone), locale }, deps.clock);
  ctx.t = ctx.speaker.t;
  ctx.actor = `telegram:${from.id}`;
  ctx.ownerId = from.id;
}

/**
 * Stops every update that is not an owner's. A stranger writing in private gets one short "private"
 * reply per process run; a stranger's button press gets a bare answer; nothing else happens.
 */
export function ownerGuard(deps: BotDeps): MiddlewareFn<PairContext> {
  const told = new Set<number>();
  return async (ctx, next) => {
    if (isOwnerUpdate(ctx, deps.config.ownerIds)) {
      const from = ctx.from!;
      deps.ownerNames.set(from.id, from.first_name);
      deps.notifier.ownerIsBack(from.id); // a chat Telegram refused (403) is open again
      await speakAsOwner(ctx, deps);
      return next();
    }
    const from = ctx.from;
    deps.logger.info({ userId: from?.id, chatType: ctx.chat?.type, updateId: ctx.update.update_id }, "ignored an update from a non-owner");
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery().catch(() => undefined);
      return;
    }
    if (from && ctx.message && ctx.chat?.type === "private" && !ctx.msg?.sender_chat && !told.has(from.id)) {
      if (told.size >= 10_000) told.clear(); // bounded memory under a flood of strangers
      told.add(from.id);
      const locale = deps.texts.localeFor(from.language_code);
      await ctx.reply(deps.texts.t(locale, "private", { userId: String(from.id) }));
    }
  };
}
