import { Composer } from "grammy";
import { isPairbotError } from "../src/store/index.js";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { escapeHtml } from "../src/bot/telegram-html.js";

/** /pair timezone [Area/City]: the zone this owner reads times in, kept in the store. */
export function pairTimezoneCommand(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  pairSubcommand(composer, "timezone", async (ctx, args) => {
    const now = new Date(deps.clock()).toISOString();
    if (args.length === 0) return ctx.reply(ctx.t("timezone-current", { zone: escapeHtml(ctx.speaker.timeZone), time: ctx.speaker.clockTime(now) }));
    if (args.length > 1) return ctx.reply(ctx.t("usage-timezone"));
    let zone: string;
    try {
      zone = await deps.store.setOwnerTimeZone(ctx.ownerId, args[0]!);
    } catch (e) {
      if (isPairbotError(e) && e.code === "invalid_input") return ctx.reply(ctx.t("timezone-unknown", { zone: escapeHtml(args[0]!) }));
      throw e;
    }
    const there = deps.texts.speaker({ locale: ctx.speaker.locale, timeZone: zone }, deps.clock);
    return ctx.reply(ctx.t("timezone-set", { zone: escapeHtml(zone), time: there.clockTime(now) }));
  });
  return composer;
}
