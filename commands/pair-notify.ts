import { Composer } from "grammy";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { pairSubcommand } from "../src/bot/pair-args.js";

/** /pair notify on|off|once|status: push notifications for this owner only; `once` announces the next request only. */
export function pairNotifyCommand(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  pairSubcommand(composer, "notify", async (ctx, args) => {
    const choice = args.length === 1 ? args[0]!.toLowerCase() : "";
    if (choice === "on" || choice === "off") {
      await deps.store.setNotify(ctx.ownerId, choice === "on");
      deps.notifier.refresh(); // turned on: what is pending is announced now
      return ctx.reply(ctx.t(choice === "on" ? "notify-on" : "notify-off"));
    }
    if (choice === "once") return ctx.reply(ctx.t((await deps.store.armNotifyOnce(ctx.ownerId)) === "on" ? "notify-once-on" : "notify-once"));
    if (choice === "status") return ctx.reply(ctx.t(`notify-status-${await deps.store.notifyMode(ctx.ownerId)}`));
    return ctx.reply(ctx.t("usage-notify"));
  });
  return composer;
}
