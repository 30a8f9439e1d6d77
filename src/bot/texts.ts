import { readFileSync } from "node:fs";
import path from "node:path";
import { I18n } from "@grammyjs/i18n";
// Single-function imports: the barrels load every function and locale (about 17 MB of resident memory).
import type { Locale as DateLocale } from "date-fns";
import { format } from "date-fns/format";
import { formatDistance } from "date-fns/formatDistance";
import { de } from "date-fns/locale/de";
import { enUS } from "date-fns/locale/en-US";
import { ru } from "date-fns/locale/ru";
import { LOCALES, type Locale } from "./config.js";
import { botLocalesDir } from "./paths.js";
import { fillTemplate, loadTemplates, type TemplateOverrides } from "./templates.js";

export type TextVars = Record<string, string | number>;

const DATE_LOCALES: Record<Locale, DateLocale> = { en: enUS, de, ru };

/** Texts bound to one language and one moment: what a handler or a renderer speaks with. */
export interface Speaker {
  readonly locale: Locale;
  t(key: string, vars?: TextVars): string;
  /** "in 57 minutes" / "3 minutes ago", in the speaker's language. */
  relative(isoTime: string): string;
  /** "12:05", the bot's local time. */
  clockTime(isoTime: string): string;
}

/** All of pairbot's texts: the Fluent files in locales/bot, with the operator's templates on top. */
export class BotTexts {
  private constructor(
    private readonly i18n: I18n,
    private readonly overrides: TemplateOverrides,
    readonly defaultLocale: Locale,
  ) {}

  static load(options: { defaultLocale: Locale; templatesFile?: string | undefined; localesDir?: string }): BotTexts {
    const dir = options.localesDir ?? botLocalesDir();
    const i18n = new I18n({ defaultLocale: options.defaultLocale, useSession: false, fluentBundleOptions: { useIsolating: false } });
    for (const locale of LOCALES) i18n.loadLocaleSync(locale, { filePath: path.join(dir, `${locale}.ftl`) });
    const overrides = options.templatesFile ? loadTemplates(options.templatesFile, readFileSync(path.join(dir, "en.ftl"), "utf8")) : new Map();
    return new BotTexts(i18n, overrides, options.defaultLocale);
  }

  /** Telegram's language_code ("de", "ru-RU", "en-GB") to a language pairbot speaks. */
  localeFor(languageCode: string | undefined): Locale {
    const base = languageCode?.toLowerCase().split(/[-_]/)[0];
    return (LOCALES as readonly string[]).includes(base ?? "") ? (base as Locale) : this.defaultLocale;
  }

  t(locale: Locale, key: string, vars: TextVars = {}): string {
    const override = this.overrides.get(key);
    const template = override?.[locale] ?? override?.["*"];
    return template !== undefined ? fillTemplate(template, vars) : this.i18n.t(locale, key, vars);
  }

  speaker(locale: Locale, now: () => number): Speaker {
    return {
      locale,
      t: (key, vars) => this.t(locale, key, vars),
      relative: (isoTime) => formatDistance(new Date(isoTime), new Date(now()), { addSuffix: true, locale: DATE_LOCALES[locale] }),
      clockTime: (isoTime) => format(new Date(isoTime), "HH:mm"),
    };
  }
}
