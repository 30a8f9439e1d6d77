import { Composer } from "grammy";
import { setOwnerCommandMenu } from "../src/bot/command-menu.js";
import type { BotDeps, PairContext } from "../src/bot/context.js";

/** /start and /help: what pairbot does, and its commands. /start also sets a missing command menu. */
export function startCommands(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  composer.command("start", async (ctx) => {
    await ctx.reply(ctx.t("start"));
    if (!deps.ownersWithMenu.has(ctx.ownerId)) await setOwnerCommandMenu(ctx.api, deps, ctx.ownerId);
  });
  composer.command("help", (ctx) => ctx.reply(ctx.t("help-commands")));
  return composer;
}
