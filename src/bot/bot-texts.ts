import { readFileSync } from "node:fs";
import path from "node:path";
import { FluentBundle, FluentResource } from "@fluent/bundle";
// Single-function imports: the barrels load every function and locale (about 17 MB of resident memory).
import type { Locale as DateLocale } from "date-fns";
import { formatDistance } from "date-fns/formatDistance";
import { de } from "date-fns/locale/de";
import { enUS } from "date-fns/locale/en-US";
import { ru } from "date-fns/locale/ru";
import type { Clock } from "../store/index.js";
import { LOCALES, negotiateLocale, type Locale, localesDir } from "../locales.js";
import { loadTemplateOverrides } from "./template-overrides.js";
import { canonicalTimeZone, clockTime } from "./time-zone.js";

/** Placeholder values: HTML-escaped strings, or numbers. */
export type TextVars = Record<string, string | number>;

const DATE_LOCALES: Record<Locale, DateLocale> = { en: enUS, de, ru };

/** Whom a text is for: their language and their time zone. */
export interface Audience {
  locale: Locale;
  timeZone: string;
}

/** Texts bound to one owner's language, zone and clock: what a handler or a renderer speaks with. */
export interface Speaker extends Audience {
  t(key: string, vars?: TextVars): string;
  /** "in 57 minutes" / "3 minutes ago", in the speaker's language. */
  relative(isoTime: string): string;
  /** "13:05 GMT+1", in the speaker's time zone. */
  clockTime(isoTime: string): string;
}

/** Variables a Fluent pattern uses, walked from Fluent's own syntax tree. */
function variablesIn(pattern: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(pattern)) for (const part of pattern) variablesIn(part, into);
  else if (pattern && typeof pattern === "object") {
    const node = pattern as { type?: string; name?: string; selector?: unknown; variants?: { value: unknown }[]; args?: unknown[] };
    if (node.type === "var" && node.name) into.add(node.name);
    if (node.selector) variablesIn(node.selector, into);
    for (const v of node.variants ?? []) variablesIn(v.value, into);
    for (const a of node.args ?? []) variablesIn(a, into);
  }
  return into;
}

/** Every text pairbot sends: the Fluent files in locales/bot, with the operator's TEMPLATES_FILE on top. */
export class BotTexts {
  private constructor(
    private readonly bundles: ReadonlyMap<Locale, FluentBundle>,
    readonly defaultLocale: Locale,
    /** The message ids an override may replace: those of en.ftl (terms, "-name", are not messages). */
    readonly messageIds: readonly string[],
  ) {}

  /** Reads the .ftl files and the overrides; a bad override stops the bot with a sentence naming its key. */
  static load(options: { defaultLocale: Locale; templatesFile?: string | undefined; localesDir?: string }): BotTexts {
    const dir = options.localesDir ?? localesDir("bot");
    const bundles = new Map<Locale, FluentBundle>();
    const resources = new Map(LOCALES.map((locale) => [locale, new FluentResource(readFileSync(path.join(dir, `${locale}.ftl`), "utf8"))]));
    for (const [locale, resource] of resources) {
      // useIsolating off: Unicode isolation marks would land inside codes meant to be copied.
      const bundle = new FluentBundle(locale, { useIsolating: false });
      bundle.addResource(resource);
      bundles.set(locale, bundle);
    }
    const ids = resources.get("en")!.body.map((m) => m.id).filter((id) => !id.startsWith("-"));
    const texts = new BotTexts(bundles, options.defaultLocale, ids);
    if (options.templatesFile) {
      for (const [locale, resource] of loadTemplateOverrides(options.templatesFile, texts)) bundles.get(locale)!.addResource(resource, { allowOverrides: true });
    }
    return texts;
  }

  /** The placeholders a message may use: the variables its English text uses. */
  variablesOf(key: string): Set<string> | undefined {
    const message = this.bundle("en").getMessage(key);
    if (!message) return undefined;
    return variablesIn([message.value, ...Object.values(message.attributes)]);
  }

  /** An owner's language and zone from their settings in the store, else the defaults. */
  audienceOf(settings: { locale?: string | undefined; timeZone?: string | undefined }, defaultTimeZone: string): Audience {
    // A zone this Node does not know (a store written elsewhere) must not break every alert: use the default.
    const zone = settings.timeZone === undefined ? undefined : canonicalTimeZone(settings.timeZone);
    return { locale: this.localeFor(settings.locale), timeZone: zone ?? defaultTimeZone };
  }

  localeFor(languageCode: string | undefined): Locale {
    return negotiateLocale(languageCode, this.defaultLocale);
  }

  t(locale: Locale, key: string, vars: TextVars = {}): string {
    const bundle = this.bundle(locale);
    const message = bundle.getMessage(key) ?? this.bundle("en").getMessage(key);
    if (!message?.value) throw new Error(`no text "${key}" in locales/bot`);
    return bundle.formatPattern(message.value, vars);
  }

  speaker(audience: Audience, now: Clock): Speaker {
    const { locale, timeZone } = audience;
    return {
      locale,
      timeZone,
      t: (key, vars) => this.t(locale, key, vars),
      relative: (isoTime) => formatDistance(new Date(isoTime), new Date(now()), { addSuffix: true, locale: DATE_LOCALES[locale] }),
      clockTime: (isoTime) => clockTime(isoTime, locale, timeZone),
    };
  }

  private bundle(locale: Locale): FluentBundle {
    return this.bundles.get(locale)!;
  }
}
