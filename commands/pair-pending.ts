import { Composer } from "grammy";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { renderCard } from "../src/bot/render/cards.js";
import { decisionKeyboard } from "../src/bot/render/decision-keyboard.js";
import type { RequestCard } from "../src/store/index.js";

/** More cards than this in one go would flood the chat; the rest follow once these are decided. */
const MAX_CARDS = 10;

/**
 * /pair pending: one card per pending request, devices first, each with Approve and Deny. The notifier
 * keeps each card in step like an alert: decided anywhere, it shows the outcome and loses its buttons.
 */
export function pairPendingCommand(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  pairSubcommand(composer, "pending", async (ctx, args) => {
    if (args.length > 0) return ctx.reply(ctx.t("usage-simple", { sub: "pending" }));
    const pending = await deps.store.pendingCards();
    const devices = pending.filter((card) => card.kind === "device");
    const dms = pending.filter((card) => card.kind === "dm");
    const cards: RequestCard[] = [...devices, ...dms];
    if (cards.length === 0) return ctx.reply(ctx.t("pending-none"));
    await ctx.reply(ctx.t("pending-header", { devices: devices.length, dms: dms.length }));
    const labels = { approve: ctx.t("button-approve"), deny: ctx.t("button-deny"), approveForADay: ctx.t("button-approve-day"), denyAndBlock: ctx.t("button-deny-block") };
    for (const card of cards.slice(0, MAX_CARDS)) {
      const sent = await ctx.reply(renderCard(ctx.speaker, card), { reply_markup: decisionKeyboard(card, labels) });
      deps.notifier.track(ctx.ownerId, sent.message_id, card);
    }
    return cards.length > MAX_CARDS ? ctx.reply(ctx.t("pending-more", { more: cards.length - MAX_CARDS })) : undefined;
  });
  return composer;
}
