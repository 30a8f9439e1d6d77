import { Composer } from "grammy";
import type { PairContext } from "../src/bot/context.js";
import { replyHtml } from "../src/bot/reply.js";

/** Last in line: an unknown /pair form gets the usage line; any other text a pointer to /help. */
export function fallbackReplies(): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  composer.command("pair", (ctx) => replyHtml(ctx, ctx.t("usage-pair")));
  composer.on("message", (ctx) => replyHtml(ctx, ctx.t("unknown-input")));
  composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("button-expired") }));
  return composer;
}
