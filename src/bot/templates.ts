import { readFileSync } from "node:fs";
import { PairbotError } from "../store/index.js";
import { LOCALES, type Locale } from "./config.js";

/** Operator overrides: message id -> text for every language ("*") or per language. */
export type TemplateOverrides = ReadonlyMap<string, Partial<Record<Locale | "*", string>>>;

/** Message ids of a Fluent file with the variables each one uses: what a template may override. */
export function fluentMessages(ftl: string): Map<string, Set<string>> {
  const messages = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of ftl.split("\n")) {
    const start = /^([a-z][a-z0-9-]*)\s*=(.*)$/.exec(line);
    if (start) {
      current = new Set();
      messages.set(start[1]!, current);
    } else if (!/^\s/.test(line) || line.trim() === "") {
      if (line.trim() !== "") current = undefined;
      continue;
    }
    for (const m of (start ? start[2]! : line).matchAll(/\{\s*\$([A-Za-z][\w-]*)/g)) current?.add(m[1]!);
  }
  return messages;
}

const ALLOWED_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "blockquote", "tg-spoiler", "span"]);

function checkTemplate(file: string, key: string, text: string, known: ReadonlySet<string>): void {
  const where = `Template "${key}" in ${file}`;
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
    const name = m[1]!.trim();
    if (!known.has(name)) {
      const choices = [...known].map((k) => `{${k}}`).join(", ") || "none";
      throw new PairbotError("config_invalid", `${where} uses the unknown placeholder {${name}}; the placeholders it may use are: ${choices}.`);
    }
  }
  for (const m of text.matchAll(/<\/?([a-zA-Z-]*)[^>]*>|<|&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/g)) {
    if (m[0] === "<" || m[0] === "&" || !ALLOWED_TAGS.has(m[1]!.toLowerCase())) {
      throw new PairbotError("config_invalid", `${where} is not valid Telegram HTML near "${m[0]}": write &lt; for <, &amp; for &, and use only the tags ${[...ALLOWED_TAGS].join(", ")}.`);
    }
  }
}

/**
 * Reads a templates file (JSON): { "<message id>": "text", "<message id>": { "de": "text", ... } }.
 * Any problem (unknown id, unknown placeholder, bad HTML) stops the bot at start, naming it.
 */
export function loadTemplates(file: string, englishFtl: string): TemplateOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : `it is not valid JSON (${(e as Error).message})`;
    throw new PairbotError("config_invalid", `TEMPLATES_FILE ${file} cannot be used: ${why}; fix the file or unset TEMPLATES_FILE.`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new PairbotError("config_invalid", `TEMPLATES_FILE ${file} must hold one JSON object that maps message ids to texts.`);
  }
  const messages = fluentMessages(englishFtl);
  const overrides = new Map<string, Partial<Record<Locale | "*", string>>>();
  for (const [key, value] of Object.entries(raw)) {
    const known = messages.get(key);
    if (!known) throw new PairbotError("config_invalid", `TEMPLATES_FILE ${file} names the unknown template "${key}"; see locales/bot/en.ftl for the message ids.`);
    const perLocale: Partial<Record<Locale | "*", string>> = {};
    const entries: [string, unknown][] = typeof value === "string" ? [["*", value]] : typeof value === "object" && value !== null ? Object.entries(value) : [["", value]];
    for (const [locale, text] of entries) {
      if (locale !== "*" && !(LOCALES as readonly string[]).includes(locale)) {
        throw new PairbotError("config_invalid", `Template "${key}" in ${file} has the unknown language "${locale}"; use ${LOCALES.join(", ")} or a plain string for all.`);
      }
      if (typeof text !== "string" || text.trim() === "") {
        throw new PairbotError("config_invalid", `Template "${key}" in ${file} must be a non-empty string (or an object of them per language).`);
      }
      checkTemplate(file, key, text, known);
      perLocale[locale as Locale | "*"] = text;
    }
    overrides.set(key, perLocale);
  }
  return overrides;
}

/** Fills {placeholder}s; the values are already escaped for HTML. */
export const fillTemplate = (text: string, vars: Record<string, string | number>): string =>
  text.replace(/\{([^{}]*)\}/g, (_, name: string) => String(vars[name.trim()] ?? ""));
