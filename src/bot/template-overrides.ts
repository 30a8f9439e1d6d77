import { readFileSync } from "node:fs";
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { PairbotError } from "../store/index.js";
import type { BotTexts } from "./bot-texts.js";
import { LOCALES, isLocale, type Locale } from "../locales.js";
import { escapeHtml, htmlProblem } from "./telegram-html.js";

const refuse = (message: string) => new PairbotError("config_invalid", message);

/** A text as one Fluent message: continuation lines indented, as the .ftl files write them. */
const asFluent = (key: string, text: string) => `${key} =\n${text.split("\n").map((line) => `    ${line}`).join("\n")}\n`;

/**
 * Reads TEMPLATES_FILE: { "<message id>": { "<language>": "<Fluent text, Telegram HTML>" } }, and checks
 * every text the way Telegram and Fluent will see it: a known id and language, Fluent syntax, only the
 * placeholders the message has, and Telegram HTML once filled. The first problem stops the bot with a
 * sentence naming the key. Returns one Fluent resource per language, to lay over pairbot's own texts.
 */
export function loadTemplateOverrides(file: string, texts: BotTexts): Map<Locale, FluentResource> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : `it is not valid JSON (${(e as Error).message})`;
    throw refuse(`TEMPLATES_FILE ${file} cannot be used: ${why}; fix the file or unset TEMPLATES_FILE.`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw refuse(`TEMPLATES_FILE ${file} must hold one JSON object that maps message ids to texts per language.`);
  }
  const sources = new Map<Locale, string[]>();
  for (const [key, value] of Object.entries(raw)) {
    const where = `Template "${key}" in ${file}`;
    const allowed = texts.variablesOf(key);
    if (!allowed) throw refuse(`TEMPLATES_FILE ${file} names the unknown template "${key}"; the message ids are the names left of "=" in locales/bot/en.ftl.`);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      // One text for every language would show English words beside Russian placeholder values.
      throw refuse(`${where} must give its text per language, like {"en": "...", "de": "..."}; languages left out keep pairbot's text.`);
    }
    for (const [locale, text] of Object.entries(value as Record<string, unknown>)) {
      if (!isLocale(locale)) throw refuse(`${where} has the unknown language "${locale}"; use ${LOCALES.join(", ")}.`);
      if (typeof text !== "string" || text.trim() === "") throw refuse(`${where} must be a non-empty text for "${locale}".`);
      checkText(`${where} (${locale})`, key, text, locale, allowed);
      sources.set(locale, [...(sources.get(locale) ?? []), asFluent(key, text)]);
    }
  }
  return new Map([...sources].map(([locale, parts]) => [locale, new FluentResource(parts.join(""))]));
}

/** One override, checked by Fluent's parser and formatter and by Telegram's HTML rules. */
function checkText(where: string, key: string, text: string, locale: Locale, allowed: ReadonlySet<string>): void {
  const resource = new FluentResource(asFluent(key, text));
  const message = resource.body.find((m) => m.id === key);
  // Fluent's parser skips what it cannot read (no message), and reads [ * . at a line's start as syntax.
  if (resource.body.length !== 1 || !message?.value || /^\s*[[*.]/m.test(text)) {
    throw refuse(`${where} is not a valid Fluent text: placeholders are written { $name }, a literal brace as {"{"}, and no line may start with [, * or .`);
  }
  const bundle = new FluentBundle(locale, { useIsolating: false });
  bundle.addResource(resource);
  const sample = Object.fromEntries([...allowed].map((name) => [name, escapeHtml("x")]));
  const errors: Error[] = [];
  const filled = bundle.formatPattern(message.value, sample, errors);
  const unknown = errors.map((e) => /\$([\w-]+)/.exec(e.message)?.[1]).find((name) => name !== undefined);
  if (unknown !== undefined || errors.length > 0) {
    const choices = [...allowed].map((k) => `{ $${k} }`).join(", ") || "none";
    const what = unknown !== undefined ? `the unknown placeholder { $${unknown} }` : `something Fluent cannot fill (${errors[0]!.message})`;
    throw refuse(`${where} uses ${what}; the placeholders it may use are: ${choices}.`);
  }
  const problem = htmlProblem(filled);
  if (problem) throw refuse(`${where} is not valid Telegram HTML: ${problem}.`);
}
