import { Composer } from "grammy";
import type { BotDeps, PairContext } from "../src/bot/context.js";

/** Last in line: an unknown /pair form gets the usage line; any other text a pointer to /help. */
export function fallbackReplies(_deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  composer.command("pair", (ctx) => ctx.reply(ctx.t("usage-pair")));
  composer.on("message", (ctx) => ctx.reply(ctx.t("unknown-input")));
  composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("button-expired") }));
  return composer;
}
