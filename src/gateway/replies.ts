import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PairbotError } from "../store/index.js";

/** The texts a channel sends back to a sender, per language: locales/gateway/<lang>.json. */
export type ReplyKey = "pairing" | "capped";
export type ReplyTemplates = Record<ReplyKey, string>;
export const REPLY_KEYS: readonly ReplyKey[] = ["pairing", "capped"];
export const REPLY_PLACEHOLDERS: Record<ReplyKey, readonly string[]> = {
  pairing: ["channel", "senderId", "code", "minutes"],
  capped: [],
};

/** Finds locales/gateway from here: works from src/ (tsx, vitest) and from dist/src/ (compiled). */
export function localesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "locales", "gateway");
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new PairbotError("config_invalid", "The folder locales/gateway was not found next to pairbot; reinstall pairbot.");
}

export function loadReplies(dir = localesDir()): Map<string, ReplyTemplates> {
  const out = new Map<string, ReplyTemplates>();
  for (const lang of ["en", "de", "ru"]) {
    const file = path.join(dir, `${lang}.json`);
    const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    for (const key of REPLY_KEYS) {
      if (typeof raw[key] !== "string") throw new PairbotError("config_invalid", `The reply template "${key}" is missing from ${file}.`);
      const unknown = [...(raw[key] as string).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((p) => !REPLY_PLACEHOLDERS[key].includes(p));
      if (unknown.length > 0) throw new PairbotError("config_invalid", `The reply template "${key}" in ${file} uses an unknown placeholder {${unknown[0]}}.`);
    }
    out.set(lang, raw as ReplyTemplates);
  }
  return out;
}

/** Picks the language ("de-AT" -> de), falling back to the gateway's default and then English. */
export function renderReply(replies: Map<string, ReplyTemplates>, locale: string | undefined, fallback: string, key: ReplyKey, values: Record<string, string | number> = {}): string {
  const lang = (locale ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  const templates = replies.get(lang) ?? replies.get(fallback) ?? replies.get("en")!;
  return templates[key].replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name] ?? ""));
}
