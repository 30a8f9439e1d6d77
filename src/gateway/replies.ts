import { readFileSync } from "node:fs";
import path from "node:path";
import { LOCALES, isLocale, localesDir, negotiateLocale, type Locale } from "../locales.js";
import { PairbotError } from "../store/index.js";

/**
 * The texts a channel sends back to a sender, per language: locales/gateway/<lang>.json. `pairing`,
 * `code` and `capped` answer a message; the others are notices of an outcome, sent when the owner decides.
 */
export type ReplyKey = "pairing" | "code" | "capped" | NoticeKey;
export type NoticeKey = "approved" | "approvedUntil" | "denied" | "revoked" | "expired" | "blocked";
export type ReplyTemplates = Record<ReplyKey, string>;
export const REPLY_KEYS: readonly ReplyKey[] = ["pairing", "code", "capped", "approved", "approvedUntil", "denied", "revoked", "expired", "blocked"];
const NOTICE_PLACEHOLDERS = ["channel", "identifier", "name"] as const;
export const REPLY_PLACEHOLDERS: Record<ReplyKey, readonly string[]> = {
  pairing: ["channel", "identifier", "code", "minutes"],
  code: ["channel", "identifier", "code", "minutes"],
  capped: ["channel", "identifier"],
  approved: NOTICE_PLACEHOLDERS,
  approvedUntil: [...NOTICE_PLACEHOLDERS, "until"],
  denied: NOTICE_PLACEHOLDERS,
  revoked: NOTICE_PLACEHOLDERS,
  expired: NOTICE_PLACEHOLDERS,
  blocked: NOTICE_PLACEHOLDERS,
};

/** The language to answer in: the sender's ("de-AT" -> de), else the gateway's, else English. */
const languageOf = (locale: string | undefined, fallback: string): Locale => negotiateLocale(locale, isLocale(fallback) ? fallback : "en");

/** A template's placeholders that its key does not offer. */
const unknownPlaceholders = (key: ReplyKey, text: string): string[] =>
  [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((p) => !REPLY_PLACEHOLDERS[key].includes(p));

const isReplyKey = (key: string): key is ReplyKey => (REPLY_KEYS as readonly string[]).includes(key);

/**
 * The shipped texts, each language complete; with `overrideFile` (GATEWAY_REPLIES_FILE, JSON
 * `{ "en": { "pairing": "..." }, "de": { ... } }`) its texts replace the shipped ones. Any problem in
 * either stops the gateway at start with one sentence naming the file and the key.
 */
export function loadReplies(dir = localesDir("gateway"), overrideFile?: string): Map<string, ReplyTemplates> {
  const out = new Map<string, ReplyTemplates>();
  for (const lang of LOCALES) {
    const file = path.join(dir, `${lang}.json`);
    const raw = readJson(file, "The shipped reply file") as Record<string, unknown>;
    for (const key of REPLY_KEYS) {
      if (typeof raw[key] !== "string") throw new PairbotError("config_invalid", `The reply template "${key}" is missing from ${file}.`);
      const unknown = unknownPlaceholders(key, raw[key]);
      if (unknown.length > 0) throw new PairbotError("config_invalid", `The reply template "${key}" in ${file} uses an unknown placeholder {${unknown[0]}}.`);
    }
    out.set(lang, raw as ReplyTemplates);
  }
  if (overrideFile !== undefined) applyOverrides(out, overrideFile);
  return out;
}

function applyOverrides(replies: Map<string, ReplyTemplates>, file: string): void {
  const raw = readJson(file, "GATEWAY_REPLIES_FILE");
  const where = `GATEWAY_REPLIES_FILE ${file}`;
  const example = `write {"en": {"pairing": "..."}, "de": {...}} with the languages ${LOCALES.join(", ")} and the keys ${REPLY_KEYS.join(", ")}`;
  if (!isObject(raw)) throw new PairbotError("config_invalid", `${where} must hold one JSON object of languages; ${example}.`);
  for (const [lang, texts] of Object.entries(raw)) {
    const shipped = replies.get(lang);
    if (!shipped) throw new PairbotError("config_invalid", `${where} names the unknown language "${lang}"; ${example}.`);
    if (!isObject(texts)) throw new PairbotError("config_invalid", `${where}: "${lang}" must be an object of texts by key; ${example}.`);
    const merged = { ...shipped };
    for (const [key, text] of Object.entries(texts)) {
      if (!isReplyKey(key)) throw new PairbotError("config_invalid", `${where} names the unknown key "${lang}.${key}"; the keys are ${REPLY_KEYS.join(", ")}.`);
      if (typeof text !== "string" || text.trim() === "") throw new PairbotError("config_invalid", `${where}: "${lang}.${key}" must be a non-empty string.`);
      const unknown = unknownPlaceholders(key, text);
      if (unknown.length > 0) {
        const offered = REPLY_PLACEHOLDERS[key].map((p) => `{${p}}`).join(", ") || "none";
        throw new PairbotError("config_invalid", `${where}: "${lang}.${key}" uses the unknown placeholder {${unknown[0]}}; it may use ${offered}.`);
      }
      merged[key] = text;
    }
    replies.set(lang, merged);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new PairbotError("config_invalid", `${what} ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PairbotError("config_invalid", `${what} ${file} is not valid JSON (${(e as Error).message}); fix it or unset it.`);
  }
}

/** Picks the language ("de-AT" -> de), falling back to the gateway's default and then English. */
export function renderReply(replies: Map<string, ReplyTemplates>, locale: string | undefined, fallback: string, key: ReplyKey, values: Record<string, string | number> = {}): string {
  const templates = replies.get(languageOf(locale, fallback))!;
  return templates[key].replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name] ?? ""));
}

/** What a notice is rendered from: a DM outcome as the store's event tells it. */
export interface NoticeSubject {
  type: string;
  channel?: string | undefined;
  senderId?: string | undefined;
  name?: string | undefined;
  locale?: string | undefined;
  /** The end of temporary access, on an approval for a duration. */
  until?: string | undefined;
}

const NOTICE_OF: Readonly<Record<string, NoticeKey>> = {
  "dm.approved": "approved",
  "dm.denied": "denied",
  "dm.revoked": "revoked",
  "dm.expired": "expired",
  "dm.blocked": "blocked",
};

/**
 * The text an adapter sends the sender about an outcome, in the sender's language (else the gateway's,
 * else English); undefined for events that are not DM outcomes (a new request, devices).
 */
export function renderNotice(replies: Map<string, ReplyTemplates>, event: NoticeSubject, fallback: string): string | undefined {
  const key = event.type === "dm.approved" && event.until ? "approvedUntil" : NOTICE_OF[event.type];
  if (!key) return undefined;
  const shownIn = languageOf(event.locale, fallback);
  const until = event.until ? untilText(event.until, shownIn) : "";
  return renderReply(replies, shownIn, fallback, key, { channel: event.channel ?? "", identifier: event.senderId ?? "", name: event.name ?? "", until });
}

/** "Dec 3, 2026, 14:00 UTC" in the sender's language: the adapter does not know the sender's time zone. */
function untilText(iso: string, lang: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const format = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC", timeZoneName: "short" } as const;
  return new Intl.DateTimeFormat(lang, format).format(at);
}
