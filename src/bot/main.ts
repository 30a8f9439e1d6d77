import { existsSync } from "node:fs";
import type http from "node:http";
import { GrammyError } from "grammy";
import { isPairbotError, openStore, ownerSettings } from "../store/index.js";
import { setOwnerCommandMenus } from "./command-menu.js";
import { loadConfig, type BotConfig, type Locale } from "./config.js";
import { createBot, type PairBot } from "./create-bot.js";
import { createLogger, scrubSecrets, type Logger } from "./logger.js";
import { startNotifier, type Notifier } from "./notifier/index.js";
import { BotTexts } from "./texts.js";
import { startWebhookServer } from "./webhook.js";

/** Stops with one sentence; never a stack trace, never the token. */
function fail(message: string, secrets: readonly string[] = []): never {
  process.stderr.write(`pairbot: ${scrubSecrets(message, secrets)}\n`);
  process.exit(1);
}

/** Asks Telegram who the bot is; a refused token stops the bot, an unreachable Telegram is retried. */
async function initBot(bot: PairBot, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await bot.init();
      return;
    } catch (e) {
      if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404)) {
        fail("Telegram refused BOT_TOKEN: copy the token again from @BotFather (/mybots, API Token) into .env; if it was revoked, make a new one there.");
      }
      const delay = Math.min(30_000, 1000 * 2 ** attempt);
      logger.warn({ err: e, retryInMs: delay }, "cannot reach Telegram yet; retrying");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  let config: BotConfig;
  let texts: BotTexts;
  try {
    config = loadConfig();
    texts = BotTexts.load({ defaultLocale: config.defaultLocale, templatesFile: config.templatesFile });
  } catch (e) {
    fail(isPairbotError(e) ? e.message : String(e));
  }
  const secrets = [config.botToken, ...(config.webhook ? [config.webhook.secret] : [])];
  const logger = createLogger({ level: config.logLevel, secrets });
  // PostgreSQL reconnects are told through the log, one line per outage (the URL without its password).
  const store = openStore({ location: config.store, postgres: { log: (line) => logger.warn(line) } });
  const ownerLocales = new Map<number, Locale>();
  try {
    const doc = await store.read(); // a corrupt store stops the bot here, with the file and the fix
    for (const id of config.ownerIds) {
      const saved = ownerSettings(doc, id).locale;
      if (saved) ownerLocales.set(id, texts.localeFor(saved));
    }
  } catch (e) {
    fail(isPairbotError(e) ? e.message : `Cannot read the store ${store.description}: ${String(e)}`, secrets);
  }

  const bot = createBot(config, { store, logger, texts, ownerLocales });
  await initBot(bot, logger);
  void setOwnerCommandMenus(bot.api, bot.deps);
  const notifier: Notifier = await startNotifier({ api: bot.api, store, owners: config.ownerIds, texts: bot.notificationTexts, logger });

  let server: http.Server | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    // Stop taking updates first (long polling confirms the last offset), then let the notifier finish.
    if (server) await new Promise((r) => server!.close(r));
    else await bot.stop();
    await notifier.stop();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));

  if (config.webhook) {
    server = await startWebhookServer(bot, { ...config.webhook, logger });
    await bot.api.setWebhook(config.webhook.url, { secret_token: config.webhook.secret, allowed_updates: ["message", "callback_query"] });
    logger.info({ port: config.webhook.port, bot: bot.botInfo.username }, "pairbot is running (webhook)");
  } else {
    await bot
      .start({
        allowed_updates: ["message", "callback_query"],
        onStart: (me) => logger.info({ bot: me.username, owners: config.ownerIds.length }, "pairbot is running (long polling)"),
      })
      .catch((e: unknown) => {
        if (!stopping) throw e; // a signal during start-up aborts polling before it began: that is a clean stop
      });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`pairbot stopped: ${scrubSecrets(e instanceof Error ? e.message : String(e))}\n`);
  process.exit(1);
});
