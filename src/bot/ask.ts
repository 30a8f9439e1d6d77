import type { Conversation } from "@grammyjs/conversations";
import type { CallbackQueryContext } from "grammy";
import type { PairContext, PairConversationContext } from "./context.js";
import { editPressed } from "./reply.js";

export type PairConversation = Conversation<PairContext, PairConversationContext>;

export interface Option {
  value: string;
  label: string;
}

export interface Answer {
  value: string;
  /** The press, to edit the question with the outcome. */
  ctx: CallbackQueryContext<PairConversationContext>;
}

/** A question waits this long; then the dialog ends and its buttons answer "expired". */
const ANSWER_WITHIN_MS = 10 * 60_000;

/**
 * Asks with buttons and waits for one of them. The button data carries a per-question nonce, so a
 * press on an older question can never answer this one; every other update passes on untouched.
 * Undefined when the question could not be sent.
 */
export async function ask(conversation: PairConversation, ctx: PairConversationContext, html: string, rows: Option[][]): Promise<Answer | undefined> {
  const nonce = Math.floor((await conversation.random()) * 36 ** 6).toString(36);
  const prefix = `ask:${nonce}:`;
  const inline_keyboard = rows.map((row) => row.map((o) => ({ text: o.label, callback_data: prefix + o.value })));
  try {
    await ctx.reply(html, { reply_markup: { inline_keyboard } });
  } catch {
    return undefined; // an API error inside a conversation must not escape it (it would hang the update)
  }
  const press = await conversation.waitForCallbackQuery(new RegExp(`^${prefix}`), { next: true, maxMilliseconds: ANSWER_WITHIN_MS });
  await press.answerCallbackQuery().catch(() => undefined);
  return { value: press.callbackQuery.data.slice(prefix.length), ctx: press };
}

/** Shows the result on the question's message; a failed edit is only cosmetic here. */
export async function settle(answer: Answer, html: string): Promise<void> {
  await editPressed(answer.ctx, html).catch(() => undefined);
}
