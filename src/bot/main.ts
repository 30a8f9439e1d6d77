import { existsSync } from "node:fs";
import type http from "node:http";
import { isPairbotError, openStore } from "../store/index.js";
import { BotTexts } from "./bot-texts.js";
import { setOwnerCommandMenus } from "./command-menu.js";
import { loadConfig, type BotConfig } from "./config.js";
import { createBot } from "./create-bot.js";
import { createLogger, scrubSecrets } from "./logger.js";
import { learnOwnerNames } from "./owner-names.js";
import { reachTelegram } from "./reach-telegram.js";
import { startWebhookServer } from "./webhook.js";

/** Stops with one sentence; never a stack trace, never the token. */
function fail(message: string, secrets: readonly string[] = []): never {
  process.stderr.write(`pairbot: ${scrubSecrets(message, secrets)}\n`);
  process.exit(1);
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
  try {
    await store.read(); // a corrupt store stops the bot here, with the file and the fix
  } catch (e) {
    fail(isPairbotError(e) ? e.message : `Cannot read the store ${store.description}: ${String(e)}`, secrets);
  }

  const { bot, notifier, deps } = createBot(config, { store, logger, texts });
  try {
    bot.botInfo = await reachTelegram({ token: config.botToken, apiRoot: config.apiRoot, logger });
  } catch (e) {
    fail(isPairbotError(e) ? e.message : String(e), secrets);
  }
  void setOwnerCommandMenus(bot.api, deps);
  await learnOwnerNames(bot.api, config.ownerIds, deps.ownerNames, logger);
  await notifier.start();

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
