import { negotiateLanguages } from "@fluent/langneg";

/** The languages pairbot speaks: one .ftl file each in locales/bot. */
export const LOCALES = ["en", "de", "ru"] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** Telegram's language_code ("de", "ru-RU", "en-GB") to a language pairbot speaks, else the fallback. */
export function negotiateLocale(languageCode: string | undefined, fallback: Locale): Locale {
  if (!languageCode) return fallback;
  const [best] = negotiateLanguages([languageCode], [...LOCALES], { strategy: "lookup", defaultLocale: fallback });
  return best !== undefined && isLocale(best) ? best : fallback;
}
