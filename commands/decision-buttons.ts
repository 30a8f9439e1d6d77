import { Composer } from "grammy";
import { decodeButton } from "../src/bot/callback-data.js";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { isGone } from "../src/bot/decide.js";
import { renderAlert } from "../src/bot/render/alerts.js";
import { renderEnded, renderOutcomeLine } from "../src/bot/render/cards.js";
import { editPressed, storeErrorText } from "../src/bot/reply.js";
import { escapeHtml, messageHtml, plainText } from "../src/bot/telegram-html.js";
import { startRevoke } from "./pair-devices.js";

/** [Approve for 24 h]: the access it gives ends by itself after a day. */
const DAY = 24 * 60 * 60_000;

/** Telegram shows at most 200 characters in a callback answer. */
const ANSWER_LIMIT = 200;

/**
 * Approve / Deny / Revoke buttons, from /pair pending, /pair devices and push notifications. The data
 * is untrusted: it is decoded strictly and the request is looked up again by id. Every press is answered;
 * a press on something no longer pending changes nothing, and the message is corrected to say how it ended.
 */
export function decisionButtons(deps: BotDeps): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  composer.on("callback_query:data", async (ctx) => {
    const action = decodeButton(ctx.callbackQuery.data);
    if (!action) return ctx.answerCallbackQuery({ text: ctx.t("button-expired") });
    const messageId = ctx.callbackQuery.message?.message_id;
    if (action.kind === "revoke-device") {
      if (!(await deps.store.findPairedDevice(action.id))) {
        await ctx.answerCallbackQuery({ text: ctx.t("button-expired") });
        return editPressed(ctx, ctx.t("device-gone", { id: escapeHtml(action.id) })).catch(() => undefined);
      }
      await ctx.answerCallbackQuery();
      return startRevoke(ctx, { kind: "device", id: action.id, cardMessageId: messageId });
    }
    // Alerts, digests and /pair pending cards are the notifier's: it edits them (every owner's) itself.
    const notifierEdits = messageId !== undefined && deps.notifier.keepsInStep(ctx.ownerId, messageId);
    try {
      const variant = action.kind === "dm" ? action.variant : undefined;
      const decided = await deps.store.decide(action, action.decision, ctx.actor, { forMs: variant === "forADay" ? DAY : undefined, block: variant === "block" });
      await ctx.answerCallbackQuery({ text: plainText(renderOutcomeLine(ctx.speaker, decided.outcome, ctx.ownerId, deps.ownerNames), ANSWER_LIMIT) });
      if (notifierEdits) return;
      const shown = renderAlert(ctx.speaker, [{ shown: decided.card, ended: true, outcome: decided.outcome }], ctx.ownerId, deps.ownerNames).text;
      await editPressed(ctx, shown).catch((e: unknown) => deps.logger.warn({ err: e }, "could not show the outcome on the pressed message"));
    } catch (e) {
      if (!isGone(e)) return ctx.answerCallbackQuery({ text: plainText(storeErrorText(ctx, e, action.id), ANSWER_LIMIT) });
      await ctx.answerCallbackQuery({ text: ctx.t("already-handled") });
      if (notifierEdits) return;
      // A card from before a restart: keep what it showed, add how its request ended, drop the dead buttons.
      const outcome = await deps.store.outcomeOf(action.id);
      const pressed = ctx.callbackQuery.message;
      const shown = pressed?.text ? messageHtml(pressed.text, pressed.entities) : renderEnded(ctx.speaker, { kind: action.kind, id: action.id }, outcome);
      await editPressed(ctx, `${shown}\n\n${renderOutcomeLine(ctx.speaker, outcome, ctx.ownerId, deps.ownerNames)}`).catch(() => undefined);
    }
  });
  return composer;
}
