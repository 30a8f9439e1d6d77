import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BotTexts } from "../../src/bot/bot-texts.js";
import { LOCALES } from "../../src/locales.js";
import { htmlProblem } from "../../src/bot/telegram-html.js";

const texts = BotTexts.load({ defaultLocale: "en" });
const sample = (key: string) => Object.fromEntries([...texts.variablesOf(key)!].map((name) => [name, "x"]));

describe("pairbot's own texts", () => {
  it.each(LOCALES)("every %s text is one Telegram accepts, with the English text's placeholders", (locale) => {
    for (const key of texts.messageIds) {
      const filled = texts.t(locale, key, sample(key)); // throws on a placeholder English does not have
      expect(htmlProblem(filled), `${locale} ${key}: ${filled}`).toBeUndefined();
    }
  });

  it("the placeholders locales/bot/README.md lists are the ones each message has", () => {
    const readme = readFileSync("locales/bot/README.md", "utf8");
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| [^|]+ \| (.+) \|$/gm)];
    expect(rows.length).toBeGreaterThan(10);
    for (const [, key, listed] of rows) {
      const names = listed === "(none)" ? [] : [...listed!.matchAll(/\$([\w-]+)/g)].map((m) => m[1]);
      expect(new Set(names), key).toEqual(texts.variablesOf(key!));
    }
  });
});
