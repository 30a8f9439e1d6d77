import type { NotificationTexts } from "../../src/bot/notifier/texts.js";
import { notificationTexts } from "../../src/bot/render/notification-texts.js";
import { BotTexts } from "../../src/bot/texts.js";
import type { Clock } from "../../src/store/index.js";

/** The bot's own notification texts (locales/bot, English), as main.ts hands them to the notifier. */
export function botNotificationTexts(clock: Clock = Date.now): NotificationTexts {
  const texts = BotTexts.load({ defaultLocale: "en" });
  return notificationTexts({ texts, clock, localeOf: () => "en" });
}
