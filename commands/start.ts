import { Composer } from "grammy";
import type { PairContext } from "../src/bot/context.js";
import { replyHtml } from "../src/bot/reply.js";

/** /start and /help: what pairbot does, and its commands. */
export function startCommands(): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  composer.command("start", (ctx) => replyHtml(ctx, ctx.t("start")));
  composer.command("help", (ctx) => replyHtml(ctx, ctx.t("help-commands")));
  return composer;
}
