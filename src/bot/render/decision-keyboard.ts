import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { RequestCard } from "../../store/index.js";
import { encodeButton } from "../callback-data.js";

export const requestIdOf = (card: RequestCard): string => (card.kind === "dm" ? card.request.id : card.request.requestId);

/** A request's Approve / Deny buttons; their data is an opaque id (see callback-data.ts). */
export function decisionRow(card: RequestCard, labels: { approve: string; deny: string }): InlineKeyboardButton[] {
  const id = requestIdOf(card);
  return [
    { text: labels.approve, callback_data: encodeButton({ kind: card.kind, decision: "approve", id }) },
    { text: labels.deny, callback_data: encodeButton({ kind: card.kind, decision: "deny", id }) },
  ];
}

export const decisionKeyboard = (card: RequestCard, labels: { approve: string; deny: string }): InlineKeyboardMarkup => ({
  inline_keyboard: [decisionRow(card, labels)],
});
