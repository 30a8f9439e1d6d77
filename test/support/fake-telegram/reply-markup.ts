import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { badRequest } from "./api-error.js";

const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "copy_text",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "callback_game",
  "pay",
] as const;
const MAX_BUTTONS = 100;
const MAX_CALLBACK_DATA_BYTES = 64;
const MAX_COPY_TEXT = 256;

/** What a message keeps of `reply_markup`: an inline keyboard (echoed back), or a reply keyboard (not echoed). */
export interface AcceptedMarkup {
  inline?: InlineKeyboardMarkup;
  other?: Record<string, unknown>;
}

const buttonError = (reason: string) => badRequest(`can't parse inline keyboard button: ${reason}`);

/** Validates `reply_markup` and refuses what Telegram refuses. */
export function acceptReplyMarkup(value: unknown, { inlineOnly = false } = {}): AcceptedMarkup {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const markup = value as Record<string, unknown>;
  if ("inline_keyboard" in markup) return { inline: { inline_keyboard: inlineKeyboard(markup["inline_keyboard"]) } };
  if (inlineOnly) throw badRequest("inline keyboard expected");
  if ("keyboard" in markup) {
    const rows = markup["keyboard"];
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
    return { other: markup };
  }
  if (markup["remove_keyboard"] === true || markup["force_reply"] === true) return { other: markup };
  throw badRequest("can't parse reply keyboard markup JSON object");
}

function inlineKeyboard(rows: unknown): InlineKeyboardButton[][] {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const buttons = (rows as unknown[][]).reduce((count, row) => count + row.length, 0);
  if (buttons > MAX_BUTTONS) throw badRequest("reply markup is too long");
  return (rows as unknown[][]).map((row) => row.map(inlineButton));
}

function inlineButton(value: unknown): InlineKeyboardButton {
  if (typeof value !== "object" || value === null) throw buttonError("Object expected as a button");
  const button = value as Record<string, unknown>;
  if (typeof button["text"] !== "string") throw buttonError('Field "text" must be of type String');
  if (button["text"].trim() === "") throw badRequest("BUTTON_TEXT_INVALID");
  const actions = BUTTON_ACTIONS.filter((action) => button[action] !== undefined && button[action] !== null);
  if (actions.length === 0) throw buttonError("Text buttons are unallowed in the inline keyboard");
  // Telegram quietly picks one; the fake refuses, since a button that mixes actions is a bug
  if (actions.length > 1) throw buttonError(`exactly one of the optional fields must be used, got ${actions.join(", ")}`);
  const action = actions[0] as (typeof BUTTON_ACTIONS)[number];
  const payload = button[action];
  if (action === "callback_data") {
    const bytes = typeof payload === "string" ? Buffer.byteLength(payload) : 0;
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
  } else if (action === "url") {
    if (typeof payload !== "string" || !isButtonUrl(payload)) throw badRequest("BUTTON_URL_INVALID");
  } else if (action === "copy_text") {
    const text = (payload as { text?: unknown } | null)?.text;
    const length = typeof text === "string" ? [...text].length : 0;
    if (length < 1 || length > MAX_COPY_TEXT) {
      throw buttonError("copy_text.text must be 1-256 characters long");
    }
    return { text: button["text"], copy_text: { text: text as string } };
  }
  return { text: button["text"], [action]: payload } as unknown as InlineKeyboardButton;
}

function isButtonUrl(value: string): boolean {
  try {
    return ["http:", "https:", "tg:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
