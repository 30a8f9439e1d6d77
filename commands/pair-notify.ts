import { Composer } from "grammy";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { replyHtml } from "../src/bot/reply.js";

/** /pair notify on|off|once|status: push notifications for this owner only; `once` announces the next request only. */
export function pairNotifyCommand(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  pairSubcommand(composer, "notify", async (ctx, args) => {
    const choice = args.length === 1 ? args[0]!.toLowerCase() : "";
    if (choice === "on" || choice === "off") {
      await deps.store.setNotify(ctx.ownerId, choice === "on");
      return replyHtml(ctx, ctx.t(choice === "on" ? "notify-on" : "notify-off"));
    }
    if (choice === "once") return replyHtml(ctx, ctx.t((await deps.store.armNotifyOnce(ctx.ownerId)) === "on" ? "notify-once-on" : "notify-once"));
    if (choice === "status") return replyHtml(ctx, ctx.t(`notify-status-${await deps.store.notifyMode(ctx.ownerId)}`));
    return replyHtml(ctx, ctx.t("usage-notify"));
  });
  return composer;
}
