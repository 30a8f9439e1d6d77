import { autoRetry } from "@grammyjs/auto-retry";
import { conversations } from "@grammyjs/conversations";
import { Bot, type Composer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { decisionButtons } from "../../commands/decision-buttons.js";
import { pairApproveCommand } from "../../commands/pair-approve.js";
import { pairDenyCommands } from "../../commands/pair-deny.js";
import { pairDevicesCommands } from "../../commands/pair-devices.js";
import { pairNotifyCommand } from "../../commands/pair-notify.js";
import { pairPendingCommand } from "../../commands/pair-pending.js";
import { pairSetupCommands } from "../../commands/pair-setup.js";
import { pairStatusCommand } from "../../commands/pair-status.js";
import { pairTimezoneCommand } from "../../commands/pair-timezone.js";
import { fallbackReplies } from "../../commands/pair-usage.js";
import { startCommands } from "../../commands/start.js";
import { isPairbotError, systemClock, type Clock, type PairingStore } from "../store/index.js";
import { BotTexts } from "./bot-texts.js";
import type { BotConfig } from "./config.js";
import type { BotDeps, PairContext, PairConversationContext } from "./context.js";
import { conversationPlugins } from "./conversation-plugins.js";
import { htmlMode } from "./html-mode.js";
import type { Logger } from "./logger.js";
import { Notifier, type NotifierOptions } from "./notifier/notifier.js";
import { ownerGuard } from "./owner-guard.js";
import { escapeHtml, plainText } from "./telegram-html.js";

export interface CreateBotDeps {
  store: PairingStore;
  logger: Logger;
  clock?: Clock;
  /** Loaded from the config (locales + TEMPLATES_FILE) when not given. */
  texts?: BotTexts;
  /** Skips the getMe call at start (tests). */
  botInfo?: UserFromGetMe;
  /** Notifier tuning for tests and benchmarks. */
  notifier?: Pick<NotifierOptions, "newMessageGapMs" | "stopGraceMs">;
}

/** The bot (not yet polling) and its push notifications (not yet started): the caller starts both. */
export interface PairBot {
  bot: Bot<PairContext>;
  notifier: Notifier;
  deps: BotDeps;
}

/** Every feature, in the order updates meet them: `(deps) => Composer`, one per file in commands/. */
const FEATURES: ((deps: BotDeps) => Composer<PairContext>)[] = [
  startCommands,
  pairSetupCommands,
  pairPendingCommand,
  pairApproveCommand,
  pairDenyCommands,
  pairDevicesCommands,
  pairNotifyCommand,
  pairStatusCommand,
  pairTimezoneCommand,
  decisionButtons,
  fallbackReplies,
];

/**
 * Builds pairbot's Telegram bot: owner guard first, then one Composer per feature, errors caught in one
 * place. It starts nothing: main.ts (or a test) decides how updates arrive and starts the notifier.
 */
export function createBot(config: BotConfig, input: CreateBotDeps): PairBot {
  const clock = input.clock ?? systemClock;
  const texts = input.texts ?? BotTexts.load({ defaultLocale: config.defaultLocale, templatesFile: config.templatesFile });
  const bot = new Bot<PairContext>(config.botToken, { client: { apiRoot: config.apiRoot }, ...(input.botInfo ? { botInfo: input.botInfo } : {}) });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowInternalServerErrors: false }));
  bot.api.config.use(htmlMode);

  const ownerNames = new Map<number, string>();
  const notifier = new Notifier({ api: bot.api, store: input.store, owners: config.ownerIds, texts, timeZone: config.timeZone, names: ownerNames, logger: input.logger, clock, ...input.notifier });
  const deps: BotDeps = { config, store: input.store, logger: input.logger, texts, clock, notifier, ownerNames, ownersWithMenu: new Set() };

  bot.use(ownerGuard(deps));
  bot.use(conversations<PairContext, PairConversationContext>({ plugins: conversationPlugins(deps) }));
  for (const feature of FEATURES) bot.use(feature(deps));

  bot.catch(async (err) => {
    const ctx = err.ctx;
    deps.logger.error({ err: err.error, updateId: ctx.update.update_id }, "an update failed");
    if (!ctx.t) return; // not an owner: say nothing
    const reason = isPairbotError(err.error) ? err.error.message : "an unexpected error; the bot's log has the details";
    const text = ctx.t("error-generic", { reason: escapeHtml(reason) });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: plainText(text, 200) }).catch(() => undefined);
    else await ctx.reply(text).catch(() => undefined);
  });

  return { bot, notifier, deps };
}
