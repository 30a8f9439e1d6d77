import { Composer } from "grammy";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { decisionKeyboard, type RequestCard } from "../src/bot/notifier/texts.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { renderCard } from "../src/bot/render/cards.js";
import { replyHtml } from "../src/bot/reply.js";

/** More cards than this in one go would flood the chat; the rest follow once these are decided. */
const MAX_CARDS = 10;

/** /pair pending: one card per pending request, devices first, each with Approve and Deny. */
export function pairPendingCommand(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  pairSubcommand(composer, "pending", async (ctx, args) => {
    if (args.length > 0) return replyHtml(ctx, ctx.t("usage-simple", { sub: "pending" }));
    const pending = await deps.store.pending();
    const cards: RequestCard[] = [
      ...pending.devices.map((request) => ({ kind: "device" as const, request })),
      ...pending.dm.map((request) => ({ kind: "dm" as const, request })),
    ];
    if (cards.length === 0) return replyHtml(ctx, ctx.t("pending-none"));
    await replyHtml(ctx, ctx.t("pending-header", { devices: pending.devices.length, dms: pending.dm.length }));
    const labels = { approve: ctx.t("button-approve"), deny: ctx.t("button-deny"), approveForADay: ctx.t("button-approve-day"), denyAndBlock: ctx.t("button-deny-block") };
    for (const card of cards.slice(0, MAX_CARDS)) await replyHtml(ctx, renderCard(ctx.speaker, card), decisionKeyboard(card, labels));
    if (cards.length > MAX_CARDS) await replyHtml(ctx, ctx.t("pending-more", { more: cards.length - MAX_CARDS }));
  });
  return composer;
}
