export { FakeTelegram, startFakeTelegram } from "./fake-telegram.js";
export type { FakeTelegramOptions } from "./fake-telegram.js";
export type { MessageRef, TelegramUser, UserSendOptions } from "./user-actions.js";
export type { ApiCall, ApiResponse } from "./call-log.js";
export type { MessageVersion } from "./chats.js";
export type { Fault, FloodLimits } from "./faults.js";
export type { CallbackQueryRecord } from "./state.js";
export type { BotMessage } from "./views.js";
export type { WebhookDeliveryAttempt } from "./webhook.js";
