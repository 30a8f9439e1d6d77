import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { negotiateLanguages } from "@fluent/langneg";

/** The languages pairbot speaks, to owners (locales/bot/*.ftl) and to senders (locales/gateway/*.json). */
export const LOCALES = ["en", "de", "ru"] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** A language tag ("de", "ru-RU", "en_GB") to a language pairbot speaks, else the fallback. */
export function negotiateLocale(languageCode: string | undefined, fallback: Locale): Locale {
  if (!languageCode) return fallback;
  const [best] = negotiateLanguages([languageCode.replace(/_/g, "-")], [...LOCALES], { strategy: "lookup", defaultLocale: fallback });
  return best !== undefined && isLocale(best) ? best : fallback;
}

/** The project folder (the one with package.json), found from this file both in src/ and in dist/src/. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("pairbot cannot find its own folder (no package.json above it); reinstall pairbot");
    dir = up;
  }
  return dir;
}

/** The shipped texts of one door: locales/bot or locales/gateway. */
export const localesDir = (door: "bot" | "gateway"): string => path.join(projectRoot(), "locales", door);
