import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { requestIdOf, type RequestCard } from "../../store/index.js";
import { encodeButton } from "../callback-data.js";
import { plainText } from "../telegram-html.js";

/** Labels of the decision buttons; a DM request gets the second row when both of its labels are given. */
export interface DecisionLabels {
  approve: string;
  deny: string;
  approveForADay?: string;
  denyAndBlock?: string;
}

/** A request's Approve / Deny buttons; their data is an opaque id (see callback-data.ts). */
export function decisionRow(card: RequestCard, labels: { approve: string; deny: string }): InlineKeyboardButton[] {
  const id = requestIdOf(card);
  return [
    { text: labels.approve, callback_data: encodeButton({ kind: card.kind, decision: "approve", id }) },
    { text: labels.deny, callback_data: encodeButton({ kind: card.kind, decision: "deny", id }) },
  ];
}

/** Approve / Deny, and for a DM request [Approve for 24 h] [Deny & block] below. */
export function decisionRows(card: RequestCard, labels: DecisionLabels): InlineKeyboardButton[][] {
  const rows = [decisionRow(card, labels)];
  if (card.kind === "dm" && labels.approveForADay && labels.denyAndBlock) {
    const id = card.request.id;
    // Labels come from the locale files as Telegram HTML ("Deny &amp; block"); a button shows plain text.
    rows.push([
      { text: plainText(labels.approveForADay, 64), callback_data: encodeButton({ kind: "dm", decision: "approve", id, variant: "forADay" }) },
      { text: plainText(labels.denyAndBlock, 64), callback_data: encodeButton({ kind: "dm", decision: "deny", id, variant: "block" }) },
    ]);
  }
  return rows;
}

export const decisionKeyboard = (card: RequestCard, labels: DecisionLabels): InlineKeyboardMarkup => ({
  inline_keyboard: decisionRows(card, labels),
});
