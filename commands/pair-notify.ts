import { Composer } from "grammy";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { pairSubcommand } from "../src/bot/pair-args.js";

/** /pair notify on|off: push notifications for this owner only. */
export function pairNotifyCommand(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  pairSubcommand(composer, "notify", async (ctx, args) => {
    const choice = args.length === 1 ? args[0]!.toLowerCase() : "";
    if (choice !== "on" && choice !== "off") return ctx.reply(ctx.t("usage-notify"));
    await deps.store.setNotify(ctx.ownerId, choice === "on");
    return ctx.reply(ctx.t(choice === "on" ? "notify-on" : "notify-off"));
  });
  return composer;
}
