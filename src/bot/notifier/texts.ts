import type { InlineKeyboardMarkup } from "grammy/types";
import type { AuditEntry, RequestCard } from "../../store/index.js";
import { encodeButton } from "../callback-data.js";

export type { RequestCard } from "../../store/index.js";

/**
 * A request that left the pending list. Usually the full card; only its kind and id when it came and went
 * while the bot was down (then show what the audit entry's `subject` says).
 */
export type EndedRequest = RequestCard | { kind: "dm" | "device"; id: string; request?: undefined };

/** A rendered message: HTML text (outside data already escaped, within 4096 characters). */
export interface RenderedText {
  text: string;
}

export interface RenderedAlert extends RenderedText {
  reply_markup: InlineKeyboardMarkup;
}

/**
 * Everything the notification engine shows, rendered by the bot (locales, templates) for one owner.
 * The engine adds `parse_mode: "HTML"` itself; functions must not throw for any request in the store.
 */
export interface NotificationTexts {
  /** The alert for a new pending request, with Approve and Deny buttons (see `decisionKeyboard`). */
  request(card: RequestCard, ownerId: number): RenderedAlert;
  /**
   * What the alert becomes once the request left the pending list: approved / denied / rejected /
   * superseded / expired, by whom and when (from `outcome`, the audit entry that ended it; undefined if
   * the audit no longer has it). It loses its buttons.
   */
  outcome(card: EndedRequest, outcome: AuditEntry | undefined, ownerId: number): RenderedText;
  /**
   * What a setup-code message (sent by /pair, recorded under `setup:<tokenId>`) becomes when the code was
   * used, expired or cleaned up and the message is too old to delete (48 h): no secret, no buttons.
   * `outcome.action` is "token" (used), "expire", "cleanup" or "reject"; undefined when unknown.
   */
  setupCodeGone(outcome: AuditEntry | undefined, ownerId: number): RenderedText;
}

/** Labels of the decision buttons; the second row (DM requests only) when both of its labels are given. */
export interface DecisionLabels {
  approve: string;
  deny: string;
  approveForADay?: string;
  denyAndBlock?: string;
}

/** The alert's Approve / Deny row, and for a DM request [Approve for 24 h] [Deny & block]; button data is an opaque id (see callback-data.ts). */
export function decisionKeyboard(card: RequestCard, labels: DecisionLabels): InlineKeyboardMarkup {
  const kind = card.kind;
  const id = card.kind === "dm" ? card.request.id : card.request.requestId;
  const rows = [
    [
      { text: labels.approve, callback_data: encodeButton({ kind, decision: "approve", id }) },
      { text: labels.deny, callback_data: encodeButton({ kind, decision: "deny", id }) },
    ],
  ];
  if (kind === "dm" && labels.approveForADay && labels.denyAndBlock) {
    rows.push([
      { text: labels.approveForADay, callback_data: encodeButton({ kind, decision: "approve", id, variant: "forADay" }) },
      { text: labels.denyAndBlock, callback_data: encodeButton({ kind, decision: "deny", id, variant: "block" }) },
    ]);
  }
  return { inline_keyboard: rows };
}

/** The store key under which the alerts about a request are recorded. */
