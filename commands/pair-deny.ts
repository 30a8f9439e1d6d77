import { Composer } from "grammy";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { fitsDecision, replyToTypedDecision } from "../src/bot/decide.js";
import { pairSubcommand } from "../src/bot/pair-args.js";

/**
 * /pair reject <requestId> (a device) and /pair deny <code> | <channel> <code|senderId> (a sender).
 * Either also accepts the other's kind of id: a mix-up should not leave a request standing.
 */
export function pairDenyCommands(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  for (const [sub, usage, maxArgs] of [["reject", "usage-reject", 1], ["deny", "usage-deny", 2]] as const) {
    pairSubcommand(composer, sub, async (ctx, args) => {
      // A code may come in two groups and a phone number in several ("whatsapp +49 170 1234567").
      if (args.length === 0 || (args.length > maxArgs && (sub === "reject" || !fitsDecision(args)))) return ctx.reply(ctx.t(usage));
      return replyToTypedDecision(ctx, deps.store, args, "deny");
    });
  }
  return composer;
}
