import { createConversation } from "@grammyjs/conversations";
import { Composer } from "grammy";
import { ask, settle, type Option, type PairConversation } from "../src/bot/ask.js";
import type { BotDeps, PairContext, PairConversationContext } from "../src/bot/context.js";
import { fitsDecision, isGone, replyToTypedDecision } from "../src/bot/decide.js";
import { pairSubcommand } from "../src/bot/pair-args.js";
import { decisionText, renderSummary } from "../src/bot/render/cards.js";
import { plainText } from "../src/bot/telegram-html.js";
import { storeErrorText } from "../src/bot/reply.js";
import { conversationPlugins } from "../src/bot/conversation-plugins.js";
import { requestIdOf, type RequestCard } from "../src/store/index.js";

/** More choices than this do not fit a phone screen; the owner can name the id instead. */
const MAX_CHOICES = 8;

/**
 * /pair approve alone: with one pending request, "Approve X? Yes / No"; with several, a choice first.
 * Never "the latest": the owner always sees what they approve. Store calls run as external steps.
 */
function approveDialog(deps: BotDeps) {
  return async function approve(conversation: PairConversation, ctx: PairConversationContext): Promise<void> {
    const cards = await conversation.external(async (): Promise<RequestCard[]> => {
      return deps.store.pendingCards();
    });
    let card = cards[0];
    if (!card) {
      await ctx.reply(ctx.t("pending-none")).catch(() => undefined);
      return;
    }
    if (cards.length > 1) {
      const choices: Option[][] = cards.slice(0, MAX_CHOICES).map((c, i) => [{ value: String(i), label: plainText(renderSummary(ctx.speaker, c), 60) }]);
      const picked = await ask(conversation, ctx, ctx.t("approve-choose"), [...choices, [{ value: "x", label: ctx.t("ask-cancel") }]]);
      if (!picked) return;
      card = cards[Number(picked.value)];
      if (picked.value === "x" || !card) return settle(picked, ctx.t("approve-cancelled"));
      await settle(picked, renderSummary(ctx.speaker, card));
    }
    const chosen = card;
    const confirmed = await ask(conversation, ctx, ctx.t("approve-confirm", { summary: renderSummary(ctx.speaker, chosen) }), [
      [{ value: "yes", label: ctx.t("ask-approve") }, { value: "no", label: ctx.t("ask-no") }],
    ]);
    if (!confirmed) return;
    if (confirmed.value !== "yes") return settle(confirmed, ctx.t("approve-cancelled"));
    const result = await conversation.external(async () => {
      try {
        const decided = await deps.store.decide({ kind: chosen.kind, id: requestIdOf(chosen) }, "approve", ctx.actor);
        return decisionText(ctx.speaker, decided.card, "approve");
      } catch (e) {
        return isGone(e) ? ctx.t("already-handled") : storeErrorText(ctx, e, requestIdOf(chosen));
      }
    });
    await settle(confirmed, result);
  };
}

/** /pair approve [<requestId> | <code> | <channel> <code>]. */
export function pairApproveCommand(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  composer.use(createConversation(approveDialog(deps), { id: "approve", plugins: conversationPlugins(deps) }));
  pairSubcommand(composer, "approve", async (ctx, args) => {
    if (args.length === 0) {
      await ctx.conversation.exitAll(); // a new dialog replaces an unanswered one
      return ctx.conversation.enter("approve");
    }
    if (!fitsDecision(args)) return ctx.reply(ctx.t("usage-approve"));
    return replyToTypedDecision(ctx, deps.store, args, "approve");
  });
  return composer;
}
