import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { AuditEntry, RefusalSummary, RequestCard } from "../../store/index.js";
import type { Speaker } from "../bot-texts.js";
import { TEXT_LIMIT, escapeHtml } from "../telegram-html.js";
import { renderCard, renderEnded, renderOutcomeLine, renderSummary, type OwnerNames, type ShownRequest } from "./cards.js";
import { decisionRow, decisionRows } from "./decision-keyboard.js";

/** A message's text (Telegram HTML) and buttons. */
export interface RenderedMessage {
  text: string;
  reply_markup: InlineKeyboardMarkup;
}

/** One request in a message about requests: still pending, or ended with the audit entry that ended it. */
export type AlertEntry = { shown: RequestCard; ended: false } | { shown: ShownRequest; ended: true; outcome: AuditEntry | undefined };

/** Telegram allows 100 buttons in one message. */
const MAX_BUTTONS = 100;

/**
 * A message about one request is its card (Approve / Deny while pending; details and outcome once ended);
 * about several, a digest: a title, one numbered line each, one row of buttons per request still pending.
 */
export function renderAlert(s: Speaker, entries: readonly AlertEntry[], ownerId: number, names: OwnerNames): RenderedMessage {
  const labels = (n?: number) => (n ? { approve: s.t("button-approve-n", { n }), deny: s.t("button-deny-n", { n }) } : { approve: s.t("button-approve"), deny: s.t("button-deny") });
  if (entries.length === 1) {
    const [e] = entries as [AlertEntry];
    const more = { approveForADay: s.t("button-approve-day"), denyAndBlock: s.t("button-deny-block") };
    if (!e.ended) return { text: renderCard(s, e.shown), reply_markup: { inline_keyboard: decisionRows(e.shown, { ...labels(), ...more }) } };
    return { text: `${renderEnded(s, e.shown, e.outcome)}\n\n${renderOutcomeLine(s, e.outcome, ownerId, names)}`, reply_markup: { inline_keyboard: [] } };
  }
  const lines: string[] = [s.t("digest-title", { count: entries.length })];
  const rows: InlineKeyboardButton[][] = [];
  entries.forEach((e, i) => {
    const n = i + 1;
    if (!e.ended) {
      lines.push(s.t("digest-line", { n, summary: renderSummary(s, e.shown), expiresIn: s.relative(e.shown.request.expiresAt) }));
      rows.push(decisionRow(e.shown, labels(n)));
    } else {
      const summary = e.shown.request ? renderSummary(s, e.shown) : renderEnded(s, e.shown, e.outcome).replace(/\n/g, " · ");
      lines.push(s.t("digest-line-ended", { n, summary, outcome: renderOutcomeLine(s, e.outcome, ownerId, names) }));
    }
  });
  return { text: lines.join("\n"), reply_markup: { inline_keyboard: rows } };
}

/** The longest run of the first cards that fits one message (4,096 characters, 100 buttons). */
export function firstDigest(s: Speaker, cards: readonly RequestCard[], ownerId: number, names: OwnerNames): { cards: RequestCard[]; message: RenderedMessage } {
  let taken = cards.slice(0, 1);
  let message = renderAlert(s, taken.map((shown) => ({ shown, ended: false })), ownerId, names);
  for (let n = 2; n <= cards.length; n++) {
    const next = cards.slice(0, n);
    const rendered = renderAlert(s, next.map((shown) => ({ shown, ended: false })), ownerId, names);
    // Room for the longer lines the same requests get once ended (outcome instead of expiry).
    if (rendered.text.length > TEXT_LIMIT - 40 * n || rendered.reply_markup.inline_keyboard.flat().length > MAX_BUTTONS) break;
    taken = next;
    message = rendered;
  }
  return { cards: taken, message };
}

/** Flood summaries, a line each: "27 more requests on whatsapp were refused in the last minute: ...". */
export const renderFloodSummary = (s: Speaker, floods: readonly RefusalSummary[]): string =>
  floods
    .map((r) => {
      const minutes = Math.max(1, Math.round((Date.parse(r.windowEnd) - Date.parse(r.windowStart)) / 60_000));
      return s.t("refusals-summary", { refused: r.refused, channel: escapeHtml(r.channel), minutes });
    })
    .join("\n");
