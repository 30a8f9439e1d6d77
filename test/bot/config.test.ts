import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/bot/config.js";
import { createLogger } from "../../src/bot/logger.js";
import { BotTexts } from "../../src/bot/bot-texts.js";
import { cutHtml, escapeHtml } from "../../src/bot/telegram-html.js";

const TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk";
const good = { BOT_TOKEN: TOKEN, OWNER_IDS: "42, 43", GATEWAY_URL: "wss://gw.example.com", STORE_PATH: "/tmp/s.json" };

const errorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected loadConfig to refuse");
};

describe("config", () => {
  it("reads a good environment with defaults", () => {
    const config = loadConfig(good);
    expect(config).toMatchObject({ ownerIds: [42, 43], gatewayUrls: ["wss://gw.example.com"], apiRoot: "https://api.telegram.org", defaultLocale: "en", webhook: undefined, logLevel: "info" });
  });

  it("a missing token says how to get one from @BotFather", () => {
    expect(errorOf({ ...good, BOT_TOKEN: "" })).toMatch(/^BOT_TOKEN is missing.*@BotFather.*\/newbot/);
  });

  it("a malformed token is named but never printed", () => {
    const message = errorOf({ ...good, BOT_TOKEN: "secret-token-value" });
    expect(message).toContain("BOT_TOKEN");
    expect(message).not.toContain("secret-token-value");
  });

  it.each([
    ["OWNER_IDS", { OWNER_IDS: "@olga" }, /^OWNER_IDS must be your numeric Telegram user id/],
    ["OWNER_IDS", { OWNER_IDS: "" }, /^OWNER_IDS/],
    ["GATEWAY_URL", { GATEWAY_URL: "" }, /^GATEWAY_URL must .* ws:\/\/ or wss:\/\//],
    ["GATEWAY_URL", { GATEWAY_URL: "http://gw" }, /^GATEWAY_URL: Invalid gateway URL "http:\/\/gw": it must start with ws:\/\/ or wss:\/\//],
    ["GATEWAY_URL", { GATEWAY_URL: "wss://user:pw@gw" }, /^GATEWAY_URL: .*must not contain a user, password/],
    ["GATEWAY_URL", { GATEWAY_URL: "ws://192.168.1.20:18789,ws://gateway.example.com" }, /^GATEWAY_URL: Invalid gateway URL "ws:\/\/gateway\.example\.com": plain ws:\/\/ .* use wss:\/\//],
    ["DEFAULT_LOCALE", { DEFAULT_LOCALE: "fr" }, /^DEFAULT_LOCALE must be one of en, de, ru/],
    ["TELEGRAM_API_ROOT", { TELEGRAM_API_ROOT: "localhost:8081" }, /^TELEGRAM_API_ROOT/],
    ["WEBHOOK_URL", { WEBHOOK_URL: "http://bot.example.com/hook", WEBHOOK_SECRET: "s" }, /^WEBHOOK_URL must be the public https:\/\//],
    ["WEBHOOK_SECRET", { WEBHOOK_URL: "https://bot.example.com/hook" }, /^WEBHOOK_SECRET must be set when WEBHOOK_URL is/],
    ["PORT", { WEBHOOK_URL: "https://b.example/h", WEBHOOK_SECRET: "s", PORT: "99999" }, /^PORT/],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }, /^LOG_LEVEL/],
    ["TIMEZONE", { TIMEZONE: "Berlin" }, /^TIMEZONE must be an IANA time zone name like Europe\/Berlin/],
  ])("a bad %s is one sentence naming it", (_name, env, pattern) => {
    const message = errorOf({ ...good, ...env });
    expect(message).toMatch(pattern);
    expect(message.split(". ").length).toBe(1);
  });

  it("GATEWAY_URL takes several addresses, separated by commas, in the order devices try them", () => {
    expect(loadConfig({ ...good, GATEWAY_URL: "ws://192.168.1.20:18789, wss://gw.example.com" }).gatewayUrls).toEqual(["ws://192.168.1.20:18789", "wss://gw.example.com"]);
  });

  it("TIMEZONE takes an IANA name in any case and defaults to the server's zone", () => {
    expect(loadConfig({ ...good, TIMEZONE: "europe/berlin" }).timeZone).toBe("Europe/Berlin");
    expect(loadConfig(good).timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it("webhook mode needs the URL and the secret; PORT defaults to 8080", () => {
    expect(loadConfig({ ...good, WEBHOOK_URL: "https://b.example/h", WEBHOOK_SECRET: "abc_DEF-1" }).webhook).toEqual({ url: "https://b.example/h", secret: "abc_DEF-1", port: 8080 });
  });
});

describe("templates file", () => {
  const file = (content: unknown) => {
    const p = path.join(mkdtempSync(path.join(os.tmpdir(), "pairbot-tpl-")), "templates.json");
    writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
    return p;
  };
  const load = (templatesFile: string) => BotTexts.load({ defaultLocale: "en", templatesFile });

  it("overrides a text per language, in Fluent with placeholders filled and escaped; other languages keep pairbot's", () => {
    const texts = load(file({ "card-dm": { en: "🔔 <b>{ $name }</b> on { $channel }: { $code }, expires { $expiresIn }" }, "pending-none": { de: "Alles erledigt." } }));
    expect(texts.t("en", "card-dm", { name: escapeHtml("<Jo>"), channel: "signal", code: "ABCD2345", expiresIn: "in 1 hour" })).toBe("🔔 <b>&lt;Jo&gt;</b> on signal: ABCD2345, expires in 1 hour");
    expect(texts.t("ru", "card-dm", { name: "Jo", channel: "signal", identifier: "+1", code: "ABCD2345", expiresIn: "через 1 час" })).toMatch(/^<b>Запрос на переписку<\/b>/);
    expect(texts.t("de", "pending-none")).toBe("Alles erledigt.");
    expect(texts.t("en", "pending-none")).toBe("Nothing pending.");
  });

  it.each([
    ["an unclosed tag", { "card-dm": { en: "<b>{ $name }" } }, /^Template "card-dm" in .* \(en\) is not valid Telegram HTML: <b> is never closed\.$/],
    ["a tag Telegram does not know", { "card-dm": { en: "<h1>{ $name }</h1>" } }, /^Template "card-dm" .* is not valid Telegram HTML: the tag <h1> is not one Telegram allows/],
    ["a bare <", { "pending-none": { en: "a < b" } }, /^Template "pending-none" .* is not valid Telegram HTML: .*write &lt;/],
    ["a bare &", { "pending-none": { en: "a & b" } }, /^Template "pending-none" .* is not valid Telegram HTML: a bare "&" \(write &amp;\)/],
    ["mis-nested tags", { "pending-none": { de: "<b><i>x</b></i>" } }, /^Template "pending-none" .* \(de\) is not valid Telegram HTML: <\/b> closes a tag that is not the last one opened/],
    ["an unknown placeholder", { "card-dm": { en: "New: { $nmae } { $code }" } }, /^Template "card-dm" .* uses the unknown placeholder \{ \$nmae \}; the placeholders it may use are: .*\{ \$name \}/],
    ["a broken placeholder", { "card-dm": { en: "New: { $name" } }, /^Template "card-dm" .* is not a valid Fluent text: placeholders are written \{ \$name \}/],
    ["a plain string for every language", { "card-dm": "<b>{ $name }</b>" }, /^Template "card-dm" .* must give its text per language, like \{"en": "\.\.\.", "de": "\.\.\."\}/],
    ["an unknown language", { "pending-none": { fr: "Rien." } }, /^Template "pending-none" .* has the unknown language "fr"; use en, de, ru\.$/],
    ["an unknown template", { "no-such-text": { en: "x" } }, /names the unknown template "no-such-text"/],
  ])("%s stops the bot at start with one sentence naming the key", (_what, content, pattern) => {
    expect(() => load(file(content))).toThrow(pattern);
  });

  it("a missing file or bad JSON stops it too", () => {
    expect(() => load(file("{ nope"))).toThrow(/TEMPLATES_FILE .* is not valid JSON/);
    expect(() => load("/no/such/templates.json")).toThrow(/TEMPLATES_FILE \/no\/such\/templates.json cannot be used: it does not exist/);
  });
});

describe("texts and limits", () => {
  it("speaks the owner's language with relative times from date-fns", () => {
    const texts = BotTexts.load({ defaultLocale: "de" });
    const now = Date.parse("2026-11-21T12:00:00Z");
    const inAnHour = "2026-11-21T12:57:00Z";
    expect(texts.speaker({ locale: texts.localeFor("ru-RU"), timeZone: "UTC" }, () => now).relative(inAnHour)).toBe("приблизительно через 1 час");
    expect(texts.speaker({ locale: texts.localeFor("de"), timeZone: "UTC" }, () => now).relative(inAnHour)).toBe("in etwa 1 Stunde");
    expect(texts.speaker({ locale: texts.localeFor("en-GB"), timeZone: "UTC" }, () => now).relative("2026-11-21T11:57:00Z")).toBe("3 minutes ago");
    expect(texts.speaker({ locale: "de", timeZone: "Europe/Berlin" }, () => now).clockTime(inAnHour)).toBe("13:57 MEZ");
    expect(texts.speaker({ locale: "en", timeZone: "America/New_York" }, () => now).clockTime(inAnHour)).toBe("07:57 EST");
    expect(texts.localeFor("fr")).toBe("de");
    expect(texts.localeFor("pt-BR")).toBe("de");
    expect(texts.localeFor("RU")).toBe("ru");
    expect(texts.t("en", "approved-dm", { name: "Jo", identifier: "1", channel: "x" })).not.toMatch(/[\u2068\u2069]/);
  });

  it("cuts long HTML without breaking a tag or an entity", () => {
    const long = `<b>${"&amp;".repeat(2000)}</b>`;
    const cut = cutHtml(long, 4096);
    expect(cut.length).toBeLessThanOrEqual(4096);
    expect(cut).toMatch(/(&amp;)+…<\/b>$/);
  });

  it("scrubs the bot token from logged errors and messages", () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) });
    const logger = createLogger({ level: "info", secrets: [TOKEN], destination });
    logger.error({ err: new Error(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`) }, "failed");
    logger.info(`polling https://api.telegram.org/bot${TOKEN}/getUpdates`);
    logger.info({ config: { botToken: TOKEN } }, "config");
    const out = lines.join("");
    expect(out).not.toContain(TOKEN.split(":")[1]);
    expect(out).toContain("[redacted");
  });
});
