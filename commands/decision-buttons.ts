import { Composer } from "grammy";
import { decodeButton } from "../src/bot/callback-data.js";
import type { BotDeps, PairContext } from "../src/bot/context.js";
import { decide, isGone } from "../src/bot/decide.js";
import type { NotificationTexts } from "../src/bot/notifier/texts.js";
import { plainText } from "../src/bot/render/html.js";
import { editPressed, storeErrorText } from "../src/bot/reply.js";
import { startRevoke } from "./pair-devices.js";

/** [Approve for 24 h]: the access it gives ends by itself after a day. */
const DAY = 24 * 60 * 60_000;

/** Telegram shows at most 200 characters in a callback answer. */
const ANSWER_LIMIT = 200;

/**
 * Approve / Deny / Revoke buttons, from /pair pending, /pair devices and push notifications. The data
 * is untrusted: it is decoded strictly and the request is looked up again by id. Every press is answered;
 * a press on something no longer pending changes nothing.
 */
export function decisionButtons(deps: BotDeps, texts: NotificationTexts): Composer<PairContext> {
  const composer = new Composer<PairContext>();
  composer.on("callback_query:data", async (ctx) => {
    const action = decodeButton(ctx.callbackQuery.data);
    if (!action) return ctx.answerCallbackQuery({ text: ctx.t("button-expired") });
    if (action.kind === "revoke-device") {
      await ctx.answerCallbackQuery();
      return startRevoke(ctx, { kind: "device", id: action.id });
    }
    let shown: string;
    try {
      const variant = action.kind === "dm" ? action.variant : undefined;
      const decided = await decide(deps.store, action, action.decision, ctx.actor, { forMs: variant === "forADay" ? DAY : undefined, block: variant === "block" });
      shown = texts.outcome(decided.card, decided.outcome, ctx.ownerId).text;
    } catch (e) {
      if (isGone(e)) return ctx.answerCallbackQuery({ text: ctx.t("already-handled") });
      await ctx.answerCallbackQuery({ text: plainText(storeErrorText(ctx, e, action.id), ANSWER_LIMIT) });
      return;
    }
    await ctx.answerCallbackQuery({ text: plainText(shown.split("\n").at(-1) ?? "", ANSWER_LIMIT) });
    await editPressed(ctx, shown).catch((e: unknown) => deps.logger.warn({ err: e }, "could not show the outcome on the pressed message"));
  });
  return composer;
}
