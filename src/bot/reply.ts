import { GrammyError, type Context } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { isPairbotError } from "../store/index.js";
import type { PairFlavor } from "./context.js";
import { escapeHtml } from "./telegram-html.js";

type Ctx = Context & PairFlavor;

/** Telegram refuses an edit to exactly the same text and buttons: that is success, not an error. */
const isNotModified = (e: unknown): boolean => e instanceof GrammyError && /message is not modified/i.test(e.description);

/**
 * Edits the message a button belongs to (its buttons go unless given). "Not modified" counts as done:
 * the notifier may have shown the same outcome a moment earlier.
 */
export async function editPressed(ctx: Ctx, html: string, markup?: InlineKeyboardMarkup): Promise<void> {
  try {
    await ctx.editMessageText(html, { reply_markup: markup ?? { inline_keyboard: [] } });
  } catch (e) {
    if (!isNotModified(e)) throw e;
  }
}

/** A store error as one sentence in the owner's language; anything unexpected is rethrown. */
export function storeErrorText(ctx: Ctx, e: unknown, id: string): string {
  if (!isPairbotError(e)) throw e;
  if (e.code === "not_found") return ctx.t("not-found", { id: escapeHtml(id) });
  if (e.code === "throttled") return ctx.t("throttled");
  return ctx.t("error-generic", { reason: escapeHtml(e.message) });
}
