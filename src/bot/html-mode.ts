import type { Transformer } from "grammy";
import { CAPTION_LIMIT, TEXT_LIMIT, cutHtml } from "./telegram-html.js";

/** Methods whose text or caption pairbot writes in Telegram HTML. */
const TEXT_METHODS = new Set(["sendMessage", "editMessageText"]);
const CAPTION_METHODS = new Set(["sendPhoto", "editMessageCaption"]);

/**
 * The one place pairbot's messages get their parse mode: every text and caption is Telegram HTML, cut
 * to Telegram's limit without breaking a tag, and sent without link previews.
 */
export const htmlMode: Transformer = (prev, method, payload, signal) => {
  const { text, caption } = payload as { text?: unknown; caption?: unknown };
  if (TEXT_METHODS.has(method) && typeof text === "string") {
    return prev(method, { parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...payload, text: cutHtml(text, TEXT_LIMIT) } as typeof payload, signal);
  }
  if (CAPTION_METHODS.has(method) && typeof caption === "string") {
    return prev(method, { parse_mode: "HTML", ...payload, caption: cutHtml(caption, CAPTION_LIMIT) } as typeof payload, signal);
  }
  return prev(method, payload, signal);
};
