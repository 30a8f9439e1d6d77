import { autoRetry } from "@grammyjs/auto-retry";
import { conversations } from "@grammyjs/conversations";
import { Bot, type BotConfig as GrammyBotConfig } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { decisionButtons } from "../../commands/decision-buttons.js";
import { pairApproveCommand } from "../../commands/pair-approve.js";
import { pairDenyCommands } from "../../commands/pair-deny.js";
import { pairDevicesCommands } from "../../commands/pair-devices.js";
import { pairNotifyCommand } from "../../commands/pair-notify.js";
import { pairPendingCommand } from "../../commands/pair-pending.js";
import { pairSetupCommands } from "../../commands/pair-setup.js";
import { fallbackReplies } from "../../commands/pair-usage.js";
import { startCommands } from "../../commands/start.js";
import { isPairbotError, systemClock, type Clock, type PairingStore } from "../store/index.js";
import type { BotConfig, Locale } from "./config.js";
import type { BotDeps, PairContext, PairConversationContext } from "./context.js";
import { conversationPlugins } from "./conversation-plugins.js";
import type { Logger } from "./logger.js";
import type { NotificationTexts } from "./notifier/texts.js";
import { ownerGuard } from "./owner-guard.js";
import { notificationTexts } from "./render/notification-texts.js";
import { escapeHtml, plainText } from "./render/html.js";
import { BotTexts } from "./texts.js";

export interface CreateBotDeps {
  store: PairingStore;
  logger: Logger;
  clock?: Clock;
  /** Loaded from the config (locales + TEMPLATES_FILE) when not given. */
  texts?: BotTexts;
  /** Shared with the notifier so alerts speak each owner's language. */
  ownerLocales?: Map<number, Locale>;
  /** Skips the getMe call at start (tests). */
  botInfo?: UserFromGetMe;
}

export type PairBot = Bot<PairContext> & {
  /** What push notifications say, rendered like the bot's own cards. */
  readonly notificationTexts: NotificationTexts;
  readonly deps: BotDeps;
};

/**
 * Builds pairbot's Telegram bot: owner guard first, then one Composer per feature. It does not start
 * polling or the notifier: main.ts (or a test) decides how updates arrive.
 */
export function createBot(config: BotConfig, input: CreateBotDeps): PairBot {
  const clock = input.clock ?? systemClock;
  const texts = input.texts ?? BotTexts.load({ defaultLocale: config.defaultLocale, templatesFile: config.templatesFile });
  const ownerLocales = input.ownerLocales ?? new Map<number, Locale>();
  const deps: BotDeps = { config, store: input.store, logger: input.logger, texts, clock, ownerLocales, ownersWithMenu: new Set() };
  const alerts = notificationTexts({ texts, clock, localeOf: (id) => ownerLocales.get(id) ?? config.defaultLocale });

  const options: GrammyBotConfig<PairContext> = { client: { apiRoot: config.apiRoot }, ...(input.botInfo ? { botInfo: input.botInfo } : {}) };
  const bot = new Bot<PairContext>(config.botToken, options);
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowInternalServerErrors: false }));

  const plugins = conversationPlugins(deps);
  bot.use(ownerGuard(deps));
  bot.use(conversations<PairContext, PairConversationContext>({ plugins }));
  bot.use(startCommands(deps));
  bot.use(pairSetupCommands(deps));
  bot.use(pairPendingCommand(deps));
  bot.use(pairApproveCommand(deps, plugins));
  bot.use(pairDenyCommands(deps));
  bot.use(pairDevicesCommands(deps, plugins));
  bot.use(pairNotifyCommand(deps));
  bot.use(decisionButtons(deps, alerts));
  bot.use(fallbackReplies());

  bot.catch(async (err) => {
    const ctx = err.ctx;
    deps.logger.error({ err: err.error, updateId: ctx.update.update_id }, "an update failed");
    if (!ctx.t) return; // not an owner: say nothing
    const reason = isPairbotError(err.error) ? err.error.message : "an unexpected error; the bot's log has the details";
    const text = ctx.t("error-generic", { reason: escapeHtml(reason) });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: plainText(text, 200) }).catch(() => undefined);
    else await ctx.reply(text, { parse_mode: "HTML" }).catch(() => undefined);
  });

  return Object.assign(bot, { notificationTexts: alerts, deps });
}
