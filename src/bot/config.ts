import { z } from "zod";
import { PairbotError, gatewayUrls, isPairbotError, isPostgresUrl, storeLocation, type StoreLocation } from "../store/index.js";
import { LOCALES, type Locale } from "../locales.js";
import { canonicalTimeZone, serverTimeZone } from "./time-zone.js";

export interface BotConfig {
  botToken: string;
  ownerIds: readonly number[];
  /** Where the store is: STORE_URL (PostgreSQL), else STORE_PATH, else ~/.pairbot/store.json. */
  store: StoreLocation;
  /** GATEWAY_URL: the gateway's addresses in setup codes, in the order devices try them. */
  gatewayUrls: string[];
  apiRoot: string;
  defaultLocale: Locale;
  /** The IANA zone times are shown in, unless an owner chose theirs with /pair timezone. */
  timeZone: string;
  webhook: { url: string; secret: string; port: number } | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  templatesFile: string | undefined;
}

/** Each variable with the one sentence a user needs when it is missing or wrong. */
const HINTS = {
  BOT_TOKEN:
    "BOT_TOKEN is missing or not a bot token: in Telegram, open @BotFather, send /newbot (or /mybots, then API Token for an existing bot) and put the token it gives you in .env as BOT_TOKEN=...",
  OWNER_IDS:
    "OWNER_IDS must be your numeric Telegram user id, several separated by commas (for example OWNER_IDS=123456789,987654321); the bot tells you your id when you send it /start",
  STORE_URL:
    "STORE_URL must be a PostgreSQL URL like postgres://pairbot@db.example.com:5432/pairbot (the password, if any, after the user: postgres://pairbot:PASSWORD@...), or left unset to keep the store in a file",
  STORE_PATH: "STORE_PATH must be the path of the pairing store file (for example STORE_PATH=/var/lib/pairbot/store.json)",
  GATEWAY_URL:
    "GATEWAY_URL must be the address devices use to reach your gateway, starting with ws:// or wss:// and without a user, password or query (for example GATEWAY_URL=wss://gateway.example.com, or several separated by commas: GATEWAY_URL=ws://192.168.1.20:18789,wss://gateway.example.com)",
  TELEGRAM_API_ROOT:
    "TELEGRAM_API_ROOT must be an http:// or https:// URL without a trailing path to /bot (for example https://api.telegram.org), or left unset",
  DEFAULT_LOCALE: `DEFAULT_LOCALE must be one of ${LOCALES.join(", ")}, or left unset for en`,
  WEBHOOK_URL: "WEBHOOK_URL must be the public https:// URL Telegram sends updates to (for example https://bot.example.com/telegram), or left unset for long polling",
  WEBHOOK_SECRET:
    "WEBHOOK_SECRET must be set when WEBHOOK_URL is: 1 to 256 letters, digits, _ or - (for example the output of: openssl rand -hex 32)",
  PORT: "PORT must be the port number the webhook server listens on, from 1 to 65535 (for example PORT=8080)",
  TIMEZONE:
    "TIMEZONE must be an IANA time zone name like Europe/Berlin, America/New_York or UTC (the list: https://en.wikipedia.org/wiki/List_of_tz_database_time_zones), or left unset for the server's zone",
  LOG_LEVEL: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
  TEMPLATES_FILE: "TEMPLATES_FILE must be the path of a JSON templates file (see locales/bot/README.md), or left unset",
} as const;

type Variable = keyof typeof HINTS;

const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsUnset, schema.optional());

const httpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
});

const EnvSchema = z.object({
  BOT_TOKEN: z.preprocess(blankAsUnset, z.string().regex(/^\d{3,}:[A-Za-z0-9_-]{20,}$/)),
  OWNER_IDS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^\d{1,15}$/).transform(Number)).min(1)),
  ),
  STORE_URL: opt(z.string().refine(isPostgresUrl)),
  STORE_PATH: opt(z.string().min(1)),
  GATEWAY_URL: z.preprocess(blankAsUnset, z.string()),
  TELEGRAM_API_ROOT: opt(httpUrl.transform((v) => v.replace(/\/+$/, ""))),
  DEFAULT_LOCALE: opt(z.enum(LOCALES)),
  TIMEZONE: opt(z.string().transform((v, ctx) => canonicalTimeZone(v) ?? (ctx.addIssue({ code: "custom", message: "unknown zone" }), z.NEVER))),
  WEBHOOK_URL: opt(httpUrl.refine((v) => v.startsWith("https://"))),
  WEBHOOK_SECRET: opt(z.string().regex(/^[A-Za-z0-9_-]{1,256}$/)),
  PORT: opt(z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().int().min(1).max(65535))),
  LOG_LEVEL: opt(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
  TEMPLATES_FILE: opt(z.string().min(1)),
});

const configError = (variable: Variable): PairbotError => new PairbotError("config_invalid", HINTS[variable]);

/** Reads the bot's settings from the environment; the first bad variable stops it with one sentence. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // Report in the order a user fills .env; never echo a value (the token is one of them).
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    const first = (Object.keys(HINTS) as Variable[]).find((v) => bad.has(v)) ?? "BOT_TOKEN";
    throw configError(first);
  }
  const e = parsed.data;
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET) throw configError("WEBHOOK_SECRET");
  let urls: string[];
  try {
    urls = gatewayUrls(e.GATEWAY_URL);
  } catch (error) {
    // The store's sentence says which URL and why (a public ws://, a password); it never echoes a password.
    if (!isPairbotError(error)) throw error;
    throw new PairbotError("config_invalid", `GATEWAY_URL: ${error.message}`);
  }
  return {
    botToken: e.BOT_TOKEN,
    ownerIds: [...new Set(e.OWNER_IDS)],
    store: storeLocation(undefined, { STORE_URL: e.STORE_URL, STORE_PATH: e.STORE_PATH }),
    gatewayUrls: urls,
    apiRoot: e.TELEGRAM_API_ROOT ?? "https://api.telegram.org",
    defaultLocale: e.DEFAULT_LOCALE ?? "en",
    timeZone: e.TIMEZONE ?? serverTimeZone(),
    webhook: e.WEBHOOK_URL ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET!, port: e.PORT ?? 8080 } : undefined,
    logLevel: e.LOG_LEVEL ?? "info",
    templatesFile: e.TEMPLATES_FILE,
  };
}
