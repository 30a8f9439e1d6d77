import { invalidInput } from "./errors.js";
import { normalizeSenderId } from "./sender-ids.js";

export const LIMITS = {
  channel: 32,
  account: 64,
  senderId: 128,
  name: 64,
  metaBytes: 1024,
  metaKeys: 16,
  deviceName: 64,
  platform: 32,
  remoteAddress: 64,
  heldMessage: 1000,
} as const;

const SLUG = /^[a-z0-9_-]+$/;
// C0 and C1 controls, DEL, bidi marks and overrides, zero-width characters, word joiner and the other
// invisible format characters, BOM, the Hangul fillers, variation selectors and tag characters: all
// invisible, so a name could hide or disguise text with them, and a held message could carry text the
// owner never sees but a model reads (tags and variation selectors spell out any text).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e0fff}]/gu;
// Line and paragraph separators would start a new line in a card: "Kitchen\u2028Role: node".
const LINE_BREAK = /[\u2028\u2029\u0085]/g;

// Channel, account and sender id are keys of the allowlist object: as keys these reach Object's prototype.
const RESERVED_SLUGS = new Set(["__proto__", "constructor"]);
const RESERVED_SENDER_IDS = new Set(["__proto__"]);

function notReserved(field: string, value: string, reserved: ReadonlySet<string>): string {
  if (reserved.has(value)) throw invalidInput(field, `"${value}" is a reserved word; choose another`);
  return value;
}

function slug(field: string, value: unknown, max: number): string {
  if (typeof value !== "string" || value.length === 0) throw invalidInput(field, "it is empty");
  if (value.length > max) throw invalidInput(field, `"${value.slice(0, 40)}…" is longer than ${max} characters`);
  if (!SLUG.test(value)) {
    throw invalidInput(field, `"${value}" may contain only lowercase letters, digits, "_" and "-" (for example: whatsapp)`);
  }
  return notReserved(field, value, RESERVED_SLUGS);
}

export const channelName = (value: unknown): string => slug("channel", value, LIMITS.channel);
export const accountName = (value: unknown): string => slug("account", value ?? "default", LIMITS.account);

/** Strips control characters and surrounding space; refuses what is empty or too long afterwards. */
export function cleanText(field: string, value: unknown, max: number): string {
  if (typeof value !== "string") throw invalidInput(field, "it must be text");
  const clean = value.replace(LINE_BREAK, " ").replace(CONTROL, "").trim();
  if (clean.length === 0) throw invalidInput(field, "it is empty");
  if ([...clean].length > max) throw invalidInput(field, `it is longer than ${max} characters`);
  return clean;
}

export const senderId = (value: unknown): string => notReserved("sender id", cleanText("sender id", value, LIMITS.senderId), RESERVED_SENDER_IDS);

/** A sender id in the one form its channel keeps (src/store/sender-ids.ts): what every door stores and looks up. */
export const senderIdOn = (channel: string, value: unknown): string =>
  notReserved("sender id", normalizeSenderId(channel, senderId(value)), RESERVED_SENDER_IDS);

/**
 * A stranger's message held for the owner: line breaks and tabs become spaces, control and bidi
 * characters go, and it is cut to 1,000 characters (a long message is still worth its start).
 */
export function heldMessage(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const clean = value.replace(/[\t\n\r\v\f]/g, " ").replace(LINE_BREAK, " ").replace(CONTROL, "").trim();
  if (clean.length === 0) return undefined;
  const chars = [...clean];
  return chars.length > LIMITS.heldMessage ? chars.slice(0, LIMITS.heldMessage).join("").trimEnd() : clean;
}

export function optionalText(field: string, value: unknown, max: number): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return cleanText(field, value, max);
}

const LANGUAGE_TAG = /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,4}$/;

/** A sender's language tag ("de", "pt-BR"); anything else is left out: a message is worth more than its language. */
export function locale(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const tag = value.trim();
  return tag.length <= 35 && LANGUAGE_TAG.test(tag) ? tag : undefined;
}

export type Meta = Record<string, string | number | boolean | null>;

/** Small, flat metadata from a gateway: at most 16 keys and 1 KiB of JSON. */
export function meta(value: unknown): Meta | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw invalidInput("meta", "it must be a JSON object");
  const out: Meta = {};
  const entries = Object.entries(value);
  if (entries.length > LIMITS.metaKeys) throw invalidInput("meta", `it has more than ${LIMITS.metaKeys} keys`);
  for (const [key, v] of entries) {
    const k = cleanText("meta key", key, 32);
    if (typeof v === "string") out[k] = v.replace(LINE_BREAK, " ").replace(CONTROL, "");
    else if (typeof v === "number" || typeof v === "boolean" || v === null) out[k] = v;
    else throw invalidInput("meta", `the value of "${k}" must be text, a number, true/false or null`);
  }
  if (Buffer.byteLength(JSON.stringify(out)) > LIMITS.metaBytes) {
    throw invalidInput("meta", `it is larger than ${LIMITS.metaBytes} bytes of JSON`);
  }
  return out;
}

/** An IANA time zone name in its canonical spelling ("europe/berlin" -> "Europe/Berlin"). */
export function timeZone(value: unknown): string {
  const name = typeof value === "string" ? value.trim() : "";
  try {
    if (name !== "") return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    // RangeError: a zone this Node does not know
  }
  throw invalidInput("time zone", `"${name.slice(0, 40)}" is not an IANA time zone name; use Area/City, like Europe/Berlin, America/New_York or UTC`);
}
